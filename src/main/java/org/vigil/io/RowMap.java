package org.vigil.io;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A table row as an ordered map with a fixed set of keys shared by every row of a query: values
 * sit in an array, keys and their positions are held once in {@link Columns}. It replaces a
 * {@code LinkedHashMap} per row where a module must keep every column of millions of rows (MVT's
 * record shape): same iteration order, same {@code equals} and {@code hashCode}, far fewer
 * allocations.
 *
 * <p>Every key of the {@link Columns} is present (its value may be null), except the keys
 * declared {@linkplain Columns#withOptional optional}: those start absent in each new row (absent
 * is not null: an absent key is not iterated, not counted, and {@link #containsKey} is false) and
 * become present when set. A key keeps its position in the columns whenever it is present, so a
 * row iterates as a {@code LinkedHashMap} filled in column order (optional keys included) does.
 * {@link #put} sets the value of a key of the columns; keys outside the columns are refused, and
 * keys cannot be removed.
 */
public final class RowMap extends AbstractMap<String, Object> {
    /** Marks an optional key not set in this row. */
    private static final Object ABSENT = new Object();

    /** The ordered keys of a query's rows (column names, then derived keys). */
    public static final class Columns {
        private final String[] names;
        private final Map<String, Integer> index;
        /** The values of a new row: null, or {@link #ABSENT} for an optional key. */
        private final Object[] initial;
        private final int optionalCount;

        private Columns(String[] names, boolean[] optional) {
            this.names = names;
            this.index = new HashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                index.putIfAbsent(names[i], i);
            }
            this.initial = new Object[names.length];
            int n = 0;
            for (int i = 0; i < names.length; i++) {
                if (optional[i]) {
                    initial[i] = ABSENT;
                    n++;
                }
            }
            this.optionalCount = n;
        }

        /**
         * The keys {@code names} followed by each of {@code derived} not already among them, in
         * the order a {@code LinkedHashMap} filled the same way would iterate. Duplicate column
         * names keep their first position, as in a map. Every key is present in every row.
         */
        public static Columns of(String[] names, String... derived) {
            String[] all = new String[names.length + derived.length];
            Map<String, Boolean> seen = new HashMap<>();
            int n = 0;
            for (String name : names) {
                if (seen.putIfAbsent(name, Boolean.TRUE) == null) {
                    all[n++] = name;
                }
            }
            for (String name : derived) {
                if (seen.putIfAbsent(name, Boolean.TRUE) == null) {
                    all[n++] = name;
                }
            }
            return new Columns(Arrays.copyOf(all, n), new boolean[n]);
        }

        /**
         * The same keys, {@code keys} being optional: absent from a new row until set (a key a
         * row holds only sometimes, as a dict key MVT adds only to some records).
         *
         * @throws IllegalArgumentException when a key is not among these columns
         */
        public Columns withOptional(String... keys) {
            boolean[] optional = new boolean[names.length];
            for (int i = 0; i < names.length; i++) {
                optional[i] = initial[i] == ABSENT;
            }
            for (String key : keys) {
                int i = indexOf(key);
                if (i < 0) {
                    throw new IllegalArgumentException("not a column: " + key);
                }
                optional[i] = true;
            }
            return new Columns(names, optional);
        }

        /** The position of {@code key}, or -1. */
        public int indexOf(Object key) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }

        /** The number of keys (optional ones included). */
        public int size() {
            return names.length;
        }

        /** The key at {@code i}. */
        public String name(int i) {
            return names[i];
        }

        /** True when the key at {@code i} starts absent from a new row. */
        public boolean isOptional(int i) {
            return initial[i] == ABSENT;
        }
    }

    private final Columns columns;
    private final Object[] values;
    /** How many optional keys are absent. */
    private int absent;

    /** A row with every value null and every optional key absent. */
    public RowMap(Columns columns) {
        this.columns = columns;
        this.values = columns.optionalCount == 0 ? new Object[columns.size()] : columns.initial.clone();
        this.absent = columns.optionalCount;
    }

    /** The shared keys. */
    public Columns columns() {
        return columns;
    }

    /** True when the key at position {@code i} is in this row. */
    public boolean isPresent(int i) {
        return values[i] != ABSENT;
    }

    /** The value at position {@code i} (null when absent). */
    public Object valueAt(int i) {
        Object v = values[i];
        return v == ABSENT ? null : v;
    }

    /** Sets the value at position {@code i}, making its key present. */
    public void setAt(int i, Object value) {
        if (values[i] == ABSENT) {
            absent--;
        }
        values[i] = value;
    }

    @Override
    public Object get(Object key) {
        int i = columns.indexOf(key);
        return i < 0 ? null : valueAt(i);
    }

    @Override
    public boolean containsKey(Object key) {
        int i = columns.indexOf(key);
        return i >= 0 && values[i] != ABSENT;
    }

    @Override
    public Object put(String key, Object value) {
        int i = columns.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("not a column of this row: " + key);
        }
        Object old = valueAt(i);
        setAt(i, value);
        return old;
    }

    @Override
    public int size() {
        return values.length - absent;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next = skipAbsent(0);

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next;
                        next = skipAbsent(i + 1);
                        return new SimpleImmutableEntry<>(columns.name(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return RowMap.this.size();
            }
        };
    }

    private int skipAbsent(int from) {
        int i = from;
        while (i < values.length && values[i] == ABSENT) {
            i++;
        }
        return i;
    }
}
