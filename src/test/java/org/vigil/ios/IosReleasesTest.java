package org.vigil.ios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.ios.IosReleases.Model;
import org.vigil.ios.IosReleases.Release;

class IosReleasesTest {
    private final IosReleases bundled = IosReleases.bundled();

    @Test
    void mvtOutdatedCases() {
        assertThat(bundled.isOutdated("20B110")).isTrue();
        assertThat(bundled.isOutdated("16.3")).isTrue();
        assertThat(bundled.isOutdated("38.2")).isFalse();
    }

    @Test
    void bundledLists() {
        assertThat(bundled.releases()).hasSize(294);
        assertThat(bundled.models()).hasSize(52);
        assertThat(bundled.latest()).isEqualTo(new Release("23G83", "26.6.1"));
        assertThat(bundled.releases().get(0)).isEqualTo(new Release("1A543a", "1.0"));
        assertThat(bundled.isOutdated("26.6.1")).isFalse();
        assertThat(bundled.isOutdated("23G83")).isFalse();
        assertThat(bundled.isOutdated("26.1")).isTrue();
    }

    @Test
    void modelLookup() {
        assertThat(bundled.modelDescription("iPhone9,3")).contains("iPhone 7");
        assertThat(bundled.modelDescription("iPhone12,8")).contains("iPhone SE (2nd generation)");
        assertThat(bundled.modelDescription("iphone9,3")).isEmpty();
        assertThat(bundled.modelDescription("iPad1,1")).isEmpty();
        assertThat(bundled.modelDescription(null)).isEmpty();
    }

    @Test
    void buildLookupIsCaseInsensitiveAndFirstEntryWins() {
        assertThat(bundled.versionOfBuild("18C66")).contains("14.3");
        assertThat(bundled.versionOfBuild("18c66")).contains("14.3");
        assertThat(bundled.versionOfBuild("8C148")).contains("4.2");
        assertThat(bundled.versionOfBuild("99Z1")).isEmpty();
        assertThat(bundled.resolveVersion("20B110")).contains("16.1.2");
        assertThat(bundled.resolveVersion("16.3")).contains("16.3");
        assertThat(bundled.resolveVersion("")).isEmpty();
    }

    @Test
    void unknownBuildOrUnparsableVersionIsNotOutdated() {
        assertThat(bundled.isOutdated("99Z1")).isFalse();
        assertThat(bundled.isOutdated("16.x")).isFalse();
        assertThat(bundled.isOutdated(null)).isFalse();
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(IosReleases.compareVersions("16.3", "16.10")).isNegative();
        assertThat(IosReleases.compareVersions("18", "18.0")).isZero();
        assertThat(IosReleases.compareVersions("18.0.1", "18")).isPositive();
        assertThat(IosReleases.compareVersions("9.3.6", "10.0.1")).isNegative();
        assertThatThrownBy(() -> IosReleases.compareVersions("16.3b", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a version: 16.3b");
    }

    @Test
    void latestIsTheLastEntryNotTheHighest() {
        IosReleases r = IosReleases.of(List.of(new Release("B2", "2.0"), new Release("B1", "1.5")),
                List.of(new Model("X1,1", "X")));
        assertThat(r.latest().version()).isEqualTo("1.5");
        assertThat(r.isOutdated("1.4")).isTrue();
        assertThat(r.isOutdated("B2")).isFalse();
        assertThatThrownBy(() -> IosReleases.of(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
