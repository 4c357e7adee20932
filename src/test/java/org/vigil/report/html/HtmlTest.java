package org.vigil.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapesMarkupAndQuotes() {
        assertThat(Html.escape("<script>alert(1)</script>")).isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(Html.escape("\"><svg onload=x>")).isEqualTo("&quot;&gt;&lt;svg onload=x&gt;");
        assertThat(Html.escape("<img src=x onerror='a'>&amp;")).isEqualTo("&lt;img src=x onerror=&#39;a&#39;&gt;&amp;amp;");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void everyHostilePayloadLosesItsMarkup() {
        for (String p : HostileRun.PAYLOADS) {
            String out = Html.escape(p);
            assertThat(out).doesNotContain("<").doesNotContain(">").doesNotContain("\"").doesNotContain("'")
                    .doesNotContain("\u0000").doesNotContain("\u2028").doesNotContain("\u2029");
        }
    }

    @Test
    void replacesCharactersHtmlDoesNotAllow() {
        assertThat(Html.escape("a\u0000b\u0001c\u007fd\u0085e")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
        assertThat(Html.escape("tab\there\nnew\rline")).isEqualTo("tab\there\nnew\rline");
        assertThat(Html.escape("x\u2028y\u2029z")).isEqualTo("x&#x2028;y&#x2029;z");
        assertThat(Html.escape("lone \uD800 high, lone \uDC00 low")).isEqualTo("lone \uFFFD high, lone \uFFFD low");
        assertThat(Html.escape("\uFFFE\uFDD0")).isEqualTo("\uFFFD\uFFFD");
        assertThat(Html.escape("emoji \uD83D\uDE00 kept, é kept")).isEqualTo("emoji \uD83D\uDE00 kept, é kept");
    }

    @Test
    void cutsNeverSplitASurrogatePair() {
        assertThat(Html.cut("ab\uD83D\uDE00cd", 3)).isEqualTo("ab");
        assertThat(Html.cut("abcd", 3)).isEqualTo("abc");
        assertThat(Html.cut("ab", 3)).isEqualTo("ab");
    }

    @Test
    void messagePlaceholdersAreReplacedOnceAndLiterally() {
        assertThat(Messages.substitute("{0} and {1}", "{1}", "x")).isEqualTo("{1} and x");
        assertThat(Messages.substitute("it's {0}", 3)).isEqualTo("it's 3");
        assertThat(Messages.substitute("{2} {x}", "a")).isEqualTo("{2} {x}");
    }
}
