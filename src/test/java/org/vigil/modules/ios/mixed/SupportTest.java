package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SupportTest {
    @Test
    void pythonFloatRepr() {
        assertThat(Support.pyFloat(253438.0)).isEqualTo("253438.0");
        assertThat(Support.pyFloat(0.0)).isEqualTo("0.0");
        assertThat(Support.pyFloat(726100000.0)).isEqualTo("726100000.0");
        assertThat(Support.pyFloat(1.0e7)).isEqualTo("10000000.0");
        assertThat(Support.pyFloat(588611289.250545)).isEqualTo("588611289.250545");
        assertThat(Support.pyFloat(1e16)).isEqualTo("1e+16");
        assertThat(Support.pyFloat(1.5e-5)).isEqualTo("1.5e-05");
        assertThat(Support.pyFloat(-2.5)).isEqualTo("-2.5");
    }

    @Test
    void pythonStr() {
        assertThat(Support.py(null)).isEqualTo("None");
        assertThat(Support.py(32L)).isEqualTo("32");
        assertThat(Support.py(20.0)).isEqualTo("20.0");
        assertThat(Support.py(true)).isEqualTo("True");
    }

    @Test
    void floatsSerialiseLikePythonJson() throws Exception {
        SafariHistory.Visit v = new SafariHistory.Visit(1L, "u", 2L, 726100000.0, "", null, null, "db");
        assertThat(Fixtures.JSON.writeValueAsString(v)).contains("\"timestamp\":726100000.0");
        Datausage.Usage u = new Datausage.Usage(null, null, "p", null, 1L, 1.0e7, null, 3L, 0.0, null, null, "");
        assertThat(Fixtures.JSON.writeValueAsString(u))
                .contains("\"wifi_in\":10000000.0,\"wifi_out\":null,\"wwan_in\":3,\"wwan_out\":0.0");
    }
}
