package org.vigil.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MvtJsonTest {
    record Rec(@JsonProperty("url") String url, @JsonProperty("visit_time") double visitTime,
            @JsonProperty("links") List<String> links, @JsonProperty("blob") byte[] blob) {}

    @Test
    void pythonFloats() {
        assertThat(MvtJson.pythonFloat(726100000.0)).isEqualTo("726100000.0");
        assertThat(MvtJson.pythonFloat(-1.0)).isEqualTo("-1.0");
        assertThat(MvtJson.pythonFloat(0.1)).isEqualTo("0.1");
        assertThat(MvtJson.pythonFloat(1634560250.5)).isEqualTo("1634560250.5");
        assertThat(MvtJson.pythonFloat(1e16)).isEqualTo("1e+16");
        assertThat(MvtJson.pythonFloat(1.5e-5)).isEqualTo("1.5e-05");
        assertThat(MvtJson.pythonFloat(0.0)).isEqualTo("0.0");
    }

    record Numbers(@JsonProperty("n") Number n, @JsonProperty("i") Number i) {}

    @Test
    void numberTypedFieldsAreWrittenAsPythonFloats() throws Exception {
        String json = MvtJson.mapper().writeValueAsString(new Numbers(726100000.0, 42L));
        assertThat(json).isEqualTo("{\"n\":726100000.0,\"i\":42}");
    }

    @Test
    void pythonBytes() {
        assertThat(MvtJson.pythonBytes(new byte[] {(byte) 0xa8, (byte) 0xa9})).isEqualTo("\\xa8\\xa9");
        assertThat(MvtJson.pythonBytes("h\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo("h\u00e9");
    }

    @Test
    void layoutIsPythonsIndent4() throws Exception {
        ObjectMapper m = MvtJson.mapper();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("empty", List.of());
        map.put("obj", Map.of());
        map.put("rec", new Rec("https://caf\u00e9.example/", 726100000.0, List.of("a"), new byte[] {(byte) 0xff}));
        map.put("none", null);
        String json = MvtJson.writer(m).writeValueAsString(List.of(map));
        assertThat(json).isEqualTo("[\n"
                + "    {\n"
                + "        \"empty\": [],\n"
                + "        \"obj\": {},\n"
                + "        \"rec\": {\n"
                + "            \"url\": \"https://caf\\u00e9.example/\",\n"
                + "            \"visit_time\": 726100000.0,\n"
                + "            \"links\": [\n"
                + "                \"a\"\n"
                + "            ],\n"
                + "            \"blob\": \"\\\\xff\"\n"
                + "        },\n"
                + "        \"none\": null\n"
                + "    }\n"
                + "]");
    }

    @Test
    void pythonReprOfEvents() throws Exception {
        ObjectMapper m = new ObjectMapper();
        var node = m.readTree("{\"a\": \"it's\", \"b\": 1, \"c\": null, \"d\": true, \"e\": [1.5, \"x\\ny\"], \"f\": {\"g\": false}}");
        assertThat(PythonRepr.of(node))
                .isEqualTo("{'a': \"it's\", 'b': 1, 'c': None, 'd': True, 'e': [1.5, 'x\\ny'], 'f': {'g': False}}");
    }

    @Test
    void csvQuotesEverything() throws Exception {
        java.io.StringWriter w = new java.io.StringWriter();
        new CsvWriter(w).row(List.of("a \"q\"", "b\\c", ""));
        assertThat(w.toString()).isEqualTo("\"a \"\"q\"\"\",\"b\\\\c\",\"\"\r\n");
    }
}
