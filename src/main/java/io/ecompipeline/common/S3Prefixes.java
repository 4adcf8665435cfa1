package io.ecompipeline.common;

import java.util.function.UnaryOperator;

/**
 * The bucket's layout: the prefix of each stage a file goes through ({@code pipeline.prefix.*}). One object the
 * beans share, so a bean that moves files takes the layout rather than a row of prefix strings.
 */
public final class S3Prefixes {

    private final String incoming;
    private final String collected;
    private final String archive;
    private final String quarantine;
    private final String rejected;
    private final String reports;
    private final String curated;

    /** {@code prefixOf} gives the prefix of a stage by its name: incoming, collected, archive, quarantine, ... */
    public S3Prefixes(UnaryOperator<String> prefixOf) {
        this.incoming = prefixOf.apply("incoming");
        this.collected = prefixOf.apply("collected");
        this.archive = prefixOf.apply("archive");
        this.quarantine = prefixOf.apply("quarantine");
        this.rejected = prefixOf.apply("rejected");
        this.reports = prefixOf.apply("reports");
        this.curated = prefixOf.apply("curated");
    }

    /** The layout of the {@code pipeline.prefix.*} settings. */
    public static S3Prefixes of(Settings settings) {
        return new S3Prefixes(stage -> settings.get("pipeline.prefix." + stage));
    }

    public String incoming() {
        return incoming;
    }

    public String collected() {
        return collected;
    }

    public String archive() {
        return archive;
    }

    public String quarantine() {
        return quarantine;
    }

    public String rejected() {
        return rejected;
    }

    public String reports() {
        return reports;
    }

    /** The curated zone: Parquet tables of the current state and the KPIs, partitioned by order date. */
    public String curated() {
        return curated;
    }
}
