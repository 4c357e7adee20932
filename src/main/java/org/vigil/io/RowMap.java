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
 * record shape): same iteration order, same {@code equals}, far fewer allocations.
 *
 * <p>Every key of the {@link Columns} is present (its value may be null). {@link #put} replaces
 * the value of an existing key; keys outside the columns are refused.
 */
public final class RowMap extends AbstractMap<String, Object> {
    /** The ordered keys of a query's rows (column names, then derived keys). */
    public static final class Columns {
        private final String[] names;
        private final Map<String, Integer> index;

        private Columns(String[] names) {
            this.names = names;
            this.index = new HashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                index.putIfAbsent(names[i], i);
            }
        }

        /**
         * The keys {@code names} followed by each of {@code derived} not already among them, in
         * the order a {@code LinkedHashMap} filled the same way would iterate. Duplicate column
         * names keep their first position, as in a map.
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
            return new Columns(Arrays.copyOf(all, n));
        }

        /** The position of {@code key}, or -1. */
        public int indexOf(Object key) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }

        /** The number of keys. */
        public int size() {
            return names.length;
        }

        /** The key at {@code i}. */
        public String name(int i) {
            return names[i];
        }
    }

    private final Columns columns;
    private final Object[] values;

    /** A row with every value null. */
    public RowMap(Columns columns) {
        this.columns = columns;
        this.values = new Object[columns.size()];
    }

    /** The shared keys. */
    public Columns columns() {
        return columns;
    }

    /** The value at position {@code i}. */
    public Object valueAt(int i) {
        return values[i];
    }

    /** Sets the value at position {@code i}. */
    public void setAt(int i, Object value) {
        values[i] = value;
    }

    @Override
    public Object get(Object key) {
        int i = columns.indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return columns.indexOf(key) >= 0;
    }

    @Override
    public Object put(String key, Object value) {
        int i = columns.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("not a column of this row: " + key);
        }
        Object old = values[i];
        values[i] = value;
        return old;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(columns.name(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
