package org.vigil.report;

import org.vigil.io.PyFormat;
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

    /** Python's string repr. */
    static void string(StringBuilder sb, String s) {
        PyFormat.appendRepr(sb, s);
    }
}
