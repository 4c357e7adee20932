package org.vigil.ioc;

import java.util.List;
import java.util.Optional;
import org.vigil.core.model.IndicatorFileInfo;

/**
 * All loaded indicators, immutable and indexed, shared by every module of a run.
 *
 * <p>SKELETON: the check methods are placeholders to be replaced by the indexed implementation
 * (see the ioc issue). Semantics are MVT's (mvt-behaviour.md 4.4) with its listed bugs fixed.
 */
public final class Indicators {

    private static final Indicators EMPTY = new Indicators(List.of());

    private final List<IndicatorFileInfo> files;

    private Indicators(List<IndicatorFileInfo> files) {
        this.files = List.copyOf(files);
    }

    /** No indicators. */
    public static Indicators empty() {
        return EMPTY;
    }

    /**
     * Loads STIX 2.1 files in order. A file that cannot be read or parsed is reported in
     * {@link LoadResult#errors()} (naming the file and the cause) and does not stop the others.
     */
    public static LoadResult load(List<java.nio.file.Path> files) {
        return new LoadResult(EMPTY, List.of());
    }

    /** What {@link #load} gives: the indicators and one message per file that failed. */
    public record LoadResult(Indicators indicators, List<String> errors) {
        public LoadResult {
            errors = List.copyOf(errors);
        }
    }

    /** A builder for indicators made in code (tests, the demo). */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects indicators; {@link #build()} indexes them. */
    public static final class Builder {
        private Builder() {}

        /** Adds one indicator to a collection (values are normalised as the STIX loader does). */
        public Builder add(IndicatorType type, String value, String collection, String stixFile) {
            return this;
        }

        /** The indexed, immutable indicators. */
        public Indicators build() {
            return EMPTY;
        }
    }

    /** Total number of indicators (MVT's total_ioc_count). */
    public int totalCount() {
        return 0;
    }

    /** True when no indicator is loaded. */
    public boolean isEmpty() {
        return totalCount() == 0;
    }

    /** The files loaded, in load order. */
    public List<IndicatorFileInfo> files() {
        return files;
    }

    /** URL check: exact URL indicators, then the host and its registered domain. */
    public Optional<IndicatorMatch> checkUrl(String url) {
        return Optional.empty();
    }

    /** Domain check: the domain, then its registered domain. */
    public Optional<IndicatorMatch> checkDomain(String domain) {
        return Optional.empty();
    }

    /** Process name check (basename; 16-char truncated names match by prefix). */
    public Optional<IndicatorMatch> checkProcess(String process) {
        return Optional.empty();
    }

    /** File path check: file-name indicators on the basename, then path prefixes. */
    public Optional<IndicatorMatch> checkFilePath(String path) {
        return Optional.empty();
    }

    /** File name check (exact). */
    public Optional<IndicatorMatch> checkFileName(String name) {
        return Optional.empty();
    }

    /** Any process indicator equal to a {@code /}-separated component of the path. */
    public Optional<IndicatorMatch> checkFilePathProcess(String path) {
        return Optional.empty();
    }

    /** E-mail address check (case-insensitive). */
    public Optional<IndicatorMatch> checkEmail(String email) {
        return Optional.empty();
    }

    /** App id / package name check (case-insensitive). */
    public Optional<IndicatorMatch> checkAppId(String appId) {
        return Optional.empty();
    }

    /** iOS configuration profile id check. */
    public Optional<IndicatorMatch> checkProfileId(String uuid) {
        return Optional.empty();
    }

    /** Android property name check (case-insensitive). */
    public Optional<IndicatorMatch> checkAndroidProperty(String name) {
        return Optional.empty();
    }

    /** File hash check (MD5, SHA-1 or SHA-256 by length; case-insensitive). */
    public Optional<IndicatorMatch> checkFileHash(String hash) {
        return Optional.empty();
    }

    /** App signing certificate hash check (case-insensitive). */
    public Optional<IndicatorMatch> checkAppCertHash(String hash) {
        return Optional.empty();
    }
}
