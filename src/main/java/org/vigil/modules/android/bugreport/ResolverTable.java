package org.vigil.modules.android.bugreport;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Non-Data Actions:} part of a resolver table of the {@code package} section
 * ({@code Activity Resolver Table:}, {@code Receiver Resolver Table:}): action headings
 * ({@code "      android.intent.action.X:"}) each followed by component lines
 * ({@code "        1a2b3c pkg/.Component (2 filters)"}).
 *
 * <p>Read by structure: a heading is a line holding a single word ending with {@code :} (whatever
 * its indentation, so mis-indented vendor headings are kept); a component line is any other line
 * of two or more words under a heading. Blank lines are skipped; the part ends at the next line
 * indented two spaces or less (the next sub-table or table). MVT stopped at the first blank line.
 */
final class ResolverTable {
    private ResolverTable() {}

    /** One action and component. */
    record Row(String intent, String component) {
        String packageName() {
            int slash = component.indexOf('/');
            return slash < 0 ? component : component.substring(0, slash);
        }
    }

    /** The rows of the table's Non-Data Actions, in order; empty when absent. */
    static List<Row> nonDataActions(List<String> lines, String table) {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        boolean inActions = false;
        String intent = null;
        for (String line : lines) {
            if (!inTable) {
                inTable = line.startsWith(table);
                continue;
            }
            if (!inActions) {
                if (line.startsWith("  Non-Data Actions:")) {
                    inActions = true;
                } else if (!line.isBlank() && BugreportModules.indent(line) == 0) {
                    break;
                }
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            if (BugreportModules.indent(line) <= 2) {
                break;
            }
            String text = line.strip();
            String[] words = text.split("\\s+");
            if (words.length == 1 && text.endsWith(":")) {
                intent = text.substring(0, text.length() - 1);
                rows.add(new Row(intent, null));
                continue;
            }
            if (intent != null && words.length >= 2) {
                rows.add(new Row(intent, words[1]));
            }
        }
        return rows;
    }
}
