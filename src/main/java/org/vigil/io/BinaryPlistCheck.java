package org.vigil.io;

import org.vigil.core.CorruptArtifactException;

/**
 * Walks a binary plist's object graph iteratively before dd-plist parses it recursively: refuses
 * reference cycles and container nesting deeper than a limit, so a crafted file cannot exhaust the
 * stack. Shared sub-objects are visited once (their height is remembered). Structural damage it
 * does not need to understand (bad offsets, odd markers) is left for the parser to report.
 */
final class BinaryPlistCheck {
    private BinaryPlistCheck() {}

    /**
     * Checks the graph of {@code data}.
     *
     * @throws CorruptArtifactException on a cycle or nesting deeper than {@code maxDepth}
     */
    static void check(byte[] data, int maxDepth, String name) throws CorruptArtifactException {
        BinaryPlistLayout plist = BinaryPlistLayout.of(data);
        if (plist == null) {
            return; // the parser reports the damage
        }
        int count = plist.count();
        // 0 = unseen, 1 = on the current path, 2 = done; height = container levels from here down
        byte[] state = new byte[count];
        int[] height = new int[count];
        int[] stackObj = new int[maxDepth + 1];
        int[] stackNext = new int[maxDepth + 1];
        int[][] stackKids = new int[maxDepth + 1][];
        int top = plist.top();
        int[] kids = plist.container(plist.offset(top));
        if (kids == null) {
            return;
        }
        int sp = 0;
        stackObj[0] = top;
        stackKids[0] = kids;
        state[top] = 1;
        while (sp >= 0) {
            int obj = stackObj[sp];
            int[] k = stackKids[sp];
            int refs = plist.type(plist.offset(obj)) == 0xD ? k[1] * 2 : k[1];
            if (stackNext[sp] < refs) {
                long ref = plist.ref(k[0], stackNext[sp]++);
                if (ref < 0 || ref >= count) {
                    continue; // the parser reports it
                }
                int child = (int) ref;
                if (state[child] == 1) {
                    throw new CorruptArtifactException(name + ": binary property list refers to itself (object "
                            + child + " contains itself)");
                }
                if (state[child] == 2) {
                    if (sp + 1 + height[child] > maxDepth) {
                        throw tooDeep(name, maxDepth);
                    }
                    height[obj] = Math.max(height[obj], height[child]);
                    continue;
                }
                int[] ck = plist.container(plist.offset(child));
                if (ck == null) {
                    state[child] = 2;
                    continue;
                }
                if (sp + 1 >= maxDepth) {
                    throw tooDeep(name, maxDepth);
                }
                sp++;
                stackObj[sp] = child;
                stackKids[sp] = ck;
                stackNext[sp] = 0;
                state[child] = 1;
            } else {
                state[obj] = 2;
                height[obj] += 1;
                stackKids[sp] = null;
                sp--;
                if (sp >= 0) {
                    height[stackObj[sp]] = Math.max(height[stackObj[sp]], height[obj]);
                }
            }
        }
    }

    private static CorruptArtifactException tooDeep(String name, int maxDepth) {
        return new CorruptArtifactException(name + ": property list nested deeper than " + maxDepth);
    }
}
