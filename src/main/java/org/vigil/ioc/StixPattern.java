package org.vigil.ioc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parser for the subset of the STIX 2.1 patterning language that indicator files use.
 *
 * <p>It tokenises the pattern properly (quoted strings with {@code \'} and {@code \\} escapes,
 * object paths with quoted components such as {@code file:hashes.'SHA-256'}, any spacing) and
 * builds a small expression tree. Only a disjunction ({@code OR}) of equality comparisons is
 * turned into indicators: each comparison becomes one. Anything else ({@code AND},
 * {@code FOLLOWEDBY}, other operators, {@code NOT}, qualifiers) gives a {@link Result} with a
 * skip reason and no comparison. The parser never throws on malformed text; it reports it as a
 * skip reason. Recursion is bounded.
 */
final class StixPattern {

    /** One {@code path = 'value'} comparison. */
    record Comparison(String path, String value) {}

    /** Parse result: the comparisons, or the reason the pattern was skipped. */
    record Result(List<Comparison> comparisons, String skipReason) {
        Result {
            comparisons = List.copyOf(comparisons);
        }

        static Result skipped(String reason) {
            return new Result(List.of(), reason);
        }

        boolean isSkipped() {
            return skipReason != null;
        }
    }

    static final String REASON_AND = "compound pattern with AND";
    static final String REASON_FOLLOWEDBY = "compound pattern with FOLLOWEDBY";
    static final String REASON_QUALIFIER = "pattern with a qualifier (WITHIN/START/STOP/REPEATS)";
    static final String REASON_NOT = "negated comparison (NOT)";
    static final String REASON_MALFORMED = "malformed pattern";
    static final String REASON_TOO_DEEP = "pattern nested too deeply";
    static final String REASON_EMPTY = "empty pattern";

    private static final int MAX_DEPTH = 32;
    private static final int MAX_LENGTH = 1 << 20;
    private static final Set<String> QUALIFIERS = Set.of("WITHIN", "START", "STOP", "REPEATS");

    private StixPattern() {}

    /** Parses a pattern string. */
    static Result parse(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return Result.skipped(REASON_EMPTY);
        }
        if (pattern.length() > MAX_LENGTH) {
            return Result.skipped(REASON_MALFORMED);
        }
        List<Token> tokens;
        try {
            tokens = tokenize(pattern);
        } catch (PatternException e) {
            return Result.skipped(REASON_MALFORMED);
        }
        Parser parser = new Parser(tokens);
        try {
            Node node = parser.pattern(0);
            if (!parser.atEnd()) {
                Token t = parser.peek();
                if (t.kind == Kind.WORD && QUALIFIERS.contains(t.text.toUpperCase(Locale.ROOT))) {
                    return Result.skipped(REASON_QUALIFIER);
                }
                return Result.skipped(REASON_MALFORMED);
            }
            List<Comparison> out = new ArrayList<>();
            String reason = flatten(node, out);
            return reason == null ? new Result(out, null) : Result.skipped(reason);
        } catch (TooDeep e) {
            return Result.skipped(REASON_TOO_DEEP);
        } catch (PatternException e) {
            return Result.skipped(REASON_MALFORMED);
        }
    }

    /** Collects the comparisons of a pure OR tree; returns a skip reason otherwise. */
    private static String flatten(Node node, List<Comparison> out) {
        if (node instanceof Or or) {
            for (Node child : or.children) {
                String r = flatten(child, out);
                if (r != null) {
                    return r;
                }
            }
            return null;
        }
        if (node instanceof And and) {
            return and.followedBy ? REASON_FOLLOWEDBY : REASON_AND;
        }
        if (node instanceof Qualified) {
            return REASON_QUALIFIER;
        }
        Test test = (Test) node;
        if (test.negated) {
            return REASON_NOT;
        }
        if (!test.op.equals("=")) {
            return "unsupported operator " + test.op;
        }
        if (test.value == null) {
            return "non-string value";
        }
        out.add(new Comparison(test.path, test.value));
        return null;
    }

    // ---------------------------------------------------------------- tokens

    private enum Kind { LBRACKET, RBRACKET, LPAREN, RPAREN, COMMA, OP, STRING, PATH, WORD }

    private record Token(Kind kind, String text) {}

    private static final class PatternException extends Exception {
        private static final long serialVersionUID = 1L;

        PatternException(String message) {
            super(message, null, false, false);
        }
    }

    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooDeep() {
            super(null, null, false, false);
        }
    }

    private static List<Token> tokenize(String s) throws PatternException {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '[') {
                out.add(new Token(Kind.LBRACKET, "["));
                i++;
            } else if (c == ']') {
                out.add(new Token(Kind.RBRACKET, "]"));
                i++;
            } else if (c == '(') {
                out.add(new Token(Kind.LPAREN, "("));
                i++;
            } else if (c == ')') {
                out.add(new Token(Kind.RPAREN, ")"));
                i++;
            } else if (c == ',') {
                out.add(new Token(Kind.COMMA, ","));
                i++;
            } else if (c == '\'') {
                StringBuilder sb = new StringBuilder();
                i = readQuoted(s, i, sb);
                out.add(new Token(Kind.STRING, sb.toString()));
            } else if (c == '=' || c == '!' || c == '<' || c == '>') {
                if (i + 1 < n && s.charAt(i + 1) == '=') {
                    out.add(new Token(Kind.OP, s.substring(i, i + 2)));
                    i += 2;
                } else if (c == '!') {
                    throw new PatternException("lone !");
                } else {
                    out.add(new Token(Kind.OP, String.valueOf(c)));
                    i++;
                }
            } else if (isWordChar(c)) {
                // Typed literals: t'...', h'...', b'...'
                if ((c == 't' || c == 'h' || c == 'b') && i + 1 < n && s.charAt(i + 1) == '\''
                        && (i == 0 || !isWordChar(s.charAt(i - 1)))) {
                    StringBuilder sb = new StringBuilder();
                    i = readQuoted(s, i + 1, sb);
                    out.add(new Token(Kind.WORD, c + "'" + sb + "'"));
                    continue;
                }
                int start = i;
                StringBuilder sb = new StringBuilder();
                boolean path = false;
                while (i < n) {
                    char d = s.charAt(i);
                    if (isWordChar(d)) {
                        if (d == ':') {
                            path = true;
                        }
                        sb.append(d);
                        i++;
                    } else if (d == '\'' && path && i > start && s.charAt(i - 1) == '.') {
                        // quoted path component: hashes.'SHA-256'
                        StringBuilder q = new StringBuilder();
                        i = readQuoted(s, i, q);
                        sb.append('\'').append(q).append('\'');
                    } else if (d == '[' && path && i + 2 < n
                            && (s.charAt(i + 1) == '*' || Character.isDigit(s.charAt(i + 1)))) {
                        int close = s.indexOf(']', i);
                        if (close < 0) {
                            throw new PatternException("unclosed index");
                        }
                        sb.append(s, i, close + 1);
                        i = close + 1;
                    } else {
                        break;
                    }
                }
                out.add(new Token(path ? Kind.PATH : Kind.WORD, sb.toString()));
            } else {
                throw new PatternException("unexpected character " + c);
            }
        }
        return out;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == ':' || c == '.'
                || c == '*' || c == '+';
    }

    /** Reads a quoted string starting at the quote at {@code i}; returns the index after it. */
    private static int readQuoted(String s, int i, StringBuilder sb) throws PatternException {
        int n = s.length();
        i++; // opening quote
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char e = s.charAt(i + 1);
                if (e == '\'' || e == '\\') {
                    sb.append(e);
                } else {
                    sb.append(c).append(e);
                }
                i += 2;
            } else if (c == '\'') {
                return i + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        throw new PatternException("unterminated string");
    }

    // ---------------------------------------------------------------- tree

    private interface Node {}

    private record Or(List<Node> children) implements Node {}

    private record And(List<Node> children, boolean followedBy) implements Node {}

    private record Qualified(Node inner) implements Node {}

    /** A comparison; {@code value} is null when the operand is not a plain string. */
    private record Test(String path, String op, String value, boolean negated) implements Node {}

    private static final class Parser {
        private final List<Token> tokens;
        private int pos;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        Token peek() {
            return atEnd() ? null : tokens.get(pos);
        }

        private boolean peekWord(String w) {
            Token t = peek();
            return t != null && t.kind == Kind.WORD && t.text.equalsIgnoreCase(w);
        }

        private Token expect(Kind kind) throws PatternException {
            Token t = peek();
            if (t == null || t.kind != kind) {
                throw new PatternException("expected " + kind);
            }
            pos++;
            return t;
        }

        /** Observation level: obs (OR|AND|FOLLOWEDBY obs)*, with AND binding tighter. */
        Node pattern(int depth) throws PatternException {
            if (depth > MAX_DEPTH) {
                throw new TooDeep();
            }
            List<Node> ors = new ArrayList<>();
            ors.add(observationAnd(depth));
            while (peekWord("OR")) {
                pos++;
                ors.add(observationAnd(depth));
            }
            return ors.size() == 1 ? ors.get(0) : new Or(ors);
        }

        private Node observationAnd(int depth) throws PatternException {
            List<Node> ands = new ArrayList<>();
            ands.add(observation(depth));
            boolean followed = false;
            while (peekWord("AND") || peekWord("FOLLOWEDBY")) {
                followed |= peekWord("FOLLOWEDBY");
                pos++;
                ands.add(observation(depth));
            }
            return ands.size() == 1 ? ands.get(0) : new And(ands, followed);
        }

        private Node observation(int depth) throws PatternException {
            Token t = peek();
            if (t == null) {
                throw new PatternException("unexpected end");
            }
            Node node;
            if (t.kind == Kind.LBRACKET) {
                pos++;
                node = comparisonOr(depth + 1);
                expect(Kind.RBRACKET);
            } else if (t.kind == Kind.LPAREN) {
                pos++;
                node = pattern(depth + 1);
                expect(Kind.RPAREN);
            } else {
                throw new PatternException("expected [ or (");
            }
            boolean qualified = false;
            while (peek() != null && peek().kind == Kind.WORD
                    && QUALIFIERS.contains(peek().text.toUpperCase(Locale.ROOT))) {
                qualified = true;
                skipQualifier();
            }
            return qualified ? new Qualified(node) : node;
        }

        private void skipQualifier() throws PatternException {
            String q = tokens.get(pos++).text.toUpperCase(Locale.ROOT);
            switch (q) {
                case "WITHIN" -> {
                    consumeAny(); // number
                    if (peekWord("SECONDS")) {
                        pos++;
                    }
                }
                case "START" -> {
                    consumeAny();
                    if (peekWord("STOP")) {
                        pos++;
                        consumeAny();
                    }
                }
                case "REPEATS" -> {
                    consumeAny();
                    if (peekWord("TIMES")) {
                        pos++;
                    }
                }
                default -> consumeAny();
            }
        }

        private void consumeAny() throws PatternException {
            if (atEnd()) {
                throw new PatternException("unexpected end");
            }
            pos++;
        }

        private Node comparisonOr(int depth) throws PatternException {
            if (depth > MAX_DEPTH) {
                throw new TooDeep();
            }
            List<Node> ors = new ArrayList<>();
            ors.add(comparisonAnd(depth));
            while (peekWord("OR")) {
                pos++;
                ors.add(comparisonAnd(depth));
            }
            return ors.size() == 1 ? ors.get(0) : new Or(ors);
        }

        private Node comparisonAnd(int depth) throws PatternException {
            List<Node> ands = new ArrayList<>();
            ands.add(propTest(depth));
            while (peekWord("AND")) {
                pos++;
                ands.add(propTest(depth));
            }
            return ands.size() == 1 ? ands.get(0) : new And(ands, false);
        }

        private Node propTest(int depth) throws PatternException {
            Token t = peek();
            if (t == null) {
                throw new PatternException("unexpected end");
            }
            if (t.kind == Kind.LPAREN) {
                pos++;
                Node inner = comparisonOr(depth + 1);
                expect(Kind.RPAREN);
                return inner;
            }
            if (peekWord("EXISTS")) {
                pos++;
                Token p = expect(Kind.PATH);
                return new Test(p.text, "EXISTS", null, false);
            }
            Token path = expect(Kind.PATH);
            boolean negated = false;
            if (peekWord("NOT")) {
                negated = true;
                pos++;
            }
            Token op = peek();
            if (op == null) {
                throw new PatternException("missing operator");
            }
            String opText;
            if (op.kind == Kind.OP) {
                opText = op.text;
            } else if (op.kind == Kind.WORD) {
                opText = op.text.toUpperCase(Locale.ROOT);
                if (!Set.of("LIKE", "MATCHES", "IN", "ISSUBSET", "ISSUPERSET").contains(opText)) {
                    throw new PatternException("unknown operator");
                }
            } else {
                throw new PatternException("missing operator");
            }
            pos++;
            String value = value();
            return new Test(path.text, opText, value, negated);
        }

        /** Reads a value; returns the string for a plain string literal, else null. */
        private String value() throws PatternException {
            Token t = peek();
            if (t == null) {
                throw new PatternException("missing value");
            }
            if (t.kind == Kind.STRING) {
                pos++;
                return t.text;
            }
            if (t.kind == Kind.LPAREN) { // set: ('a', 'b')
                pos++;
                while (!atEnd() && peek().kind != Kind.RPAREN) {
                    pos++;
                }
                expect(Kind.RPAREN);
                return null;
            }
            if (t.kind == Kind.WORD) {
                pos++;
                return null;
            }
            throw new PatternException("bad value");
        }
    }
}
