package org.vigil.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code repr()} of a JSON-like value, as MVT writes the "Event" column of
 * alerts_timeline.csv: {@code {'key': 'value', 'n': 1, 'x': None, 'b': True}}.
 */
final class PythonRepr {
    private PythonRepr() {}

    static String of(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        append(sb, node);
        return sb.toString();
    }

    private static void append(StringBuilder sb, JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("None");
        } else if (n.isBoolean()) {
            sb.append(n.booleanValue() ? "True" : "False");
        } else if (n.isIntegralNumber()) {
            sb.append(n.bigIntegerValue());
        } else if (n.isNumber()) {
            sb.append(MvtJson.pythonFloat(n.doubleValue()));
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else if (n.isBinary()) {
            string(sb, MvtJson.pythonBytes(binary(n)));
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, n.get(i));
            }
            sb.append(']');
        } else if (n.isObject()) {
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                string(sb, e.getKey());
                sb.append(": ");
                append(sb, e.getValue());
            }
            sb.append('}');
        } else {
            string(sb, n.asText());
        }
    }

    private static byte[] binary(JsonNode n) {
        try {
            return n.binaryValue();
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }

    /** Python's string repr: single quotes unless the text has ' and no ". */
    static void string(StringBuilder sb, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append(q);
    }
}
