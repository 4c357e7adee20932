package org.vigil.ioc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vigil.ioc.StixPattern.Comparison;

class StixPatternTest {

    private static List<Comparison> ok(String pattern) {
        StixPattern.Result r = StixPattern.parse(pattern);
        assertThat(r.skipReason()).as(pattern).isNull();
        return r.comparisons();
    }

    @Test
    void simpleEqualityWithAndWithoutSpaces() {
        assertThat(ok("[domain-name:value='example.org']"))
                .containsExactly(new Comparison("domain-name:value", "example.org"));
        assertThat(ok("[url:value = 'https://a.example/x']"))
                .containsExactly(new Comparison("url:value", "https://a.example/x"));
        assertThat(ok("  [ process:name   =   'Launch' ]  "))
                .containsExactly(new Comparison("process:name", "Launch"));
    }

    @Test
    void valuesMayHoldEqualsBracketsAndEscapedQuotes() {
        assertThat(ok("[url:value = 'https://x.example/?a=b&c=d']"))
                .containsExactly(new Comparison("url:value", "https://x.example/?a=b&c=d"));
        assertThat(ok("[file:name = 'a]b[c']"))
                .containsExactly(new Comparison("file:name", "a]b[c"));
        assertThat(ok("[file:name = 'it\\'s \\\\ here']"))
                .containsExactly(new Comparison("file:name", "it's \\ here"));
    }

    @Test
    void quotedHashComponentsStayInThePath() {
        assertThat(ok("[file:hashes.'SHA-256' = 'abc']"))
                .containsExactly(new Comparison("file:hashes.'SHA-256'", "abc"));
        assertThat(ok("[file:hashes.SHA-1='abc']"))
                .containsExactly(new Comparison("file:hashes.SHA-1", "abc"));
    }

    @Test
    void orOfComparisonsGivesEachComparison() {
        assertThat(ok("[domain-name:value = 'a.example' OR domain-name:value = 'b.example']"))
                .containsExactly(new Comparison("domain-name:value", "a.example"),
                        new Comparison("domain-name:value", "b.example"));
        assertThat(ok("[domain-name:value = 'a.example'] OR [ipv4-addr:value = '192.0.2.1']"))
                .containsExactly(new Comparison("domain-name:value", "a.example"),
                        new Comparison("ipv4-addr:value", "192.0.2.1"));
        assertThat(ok("([process:name = 'a'] OR ([process:name = 'b' OR process:name = 'c']))"))
                .extracting(Comparison::value).containsExactly("a", "b", "c");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "[file:name = 'a' AND file:size = 3]|compound pattern with AND",
        "[file:name = 'a'] AND [process:name = 'b']|compound pattern with AND",
        "[file:name = 'a'] FOLLOWEDBY [process:name = 'b']|compound pattern with FOLLOWEDBY",
        "[domain-name:value LIKE '%.example']|unsupported operator LIKE",
        "[file:size > 10]|unsupported operator >",
        "[domain-name:value != 'x']|unsupported operator !=",
        "[domain-name:value NOT = 'x']|negated comparison (NOT)",
        "[file:name = 'a'] WITHIN 300 SECONDS|pattern with a qualifier (WITHIN/START/STOP/REPEATS)",
        "[file:size = 3]|non-string value",
        "[domain-name:value = 'unterminated]|malformed pattern",
        "domain-name:value = 'x'|malformed pattern",
        "[domain-name:value = 'x'|malformed pattern",
        "'|malformed pattern",
    })
    void unsupportedPatternsAreSkippedWithAReason(String pattern, String reason) {
        StixPattern.Result r = StixPattern.parse(pattern);
        assertThat(r.skipReason()).isEqualTo(reason);
        assertThat(r.comparisons()).isEmpty();
    }

    @Test
    void emptyAndDeeplyNestedPatternsAreSkipped() {
        assertThat(StixPattern.parse("").skipReason()).isEqualTo(StixPattern.REASON_EMPTY);
        String deep = "(".repeat(100) + "[file:name = 'a']" + ")".repeat(100);
        assertThat(StixPattern.parse(deep).skipReason()).isEqualTo(StixPattern.REASON_TOO_DEEP);
    }
}
