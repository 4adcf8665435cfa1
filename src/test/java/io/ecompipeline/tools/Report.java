package io.ecompipeline.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's printed figures: the phases, the whole process, heap, DuckDB, and a markdown summary row. */
final class Report {

    /** A phase of the batch and the endpoints whose calls make it. */
    private record Phase(String name, String... endpoints) {
    }

    private static final List<Phase> STEPS = List.of(
            new Phase("validate+stage", "direct:validate-batch"),
            new Phase("batch rules", "direct:batch-rules"),
            new Phase("apply", "direct:apply-batch"),
            new Phase("KPI query", "direct:query-order-kpis", "direct:query-category-kpis"),
            new Phase("DynamoDB write", "direct:write-order-kpis", "direct:write-category-kpis"),
            new Phase("curated zone", "direct:curate-batch"),
            new Phase("finish", "direct:finish-batch"));
    /** The steps process-batch calls directly; the batch's time outside them is shown as "other". */
    private static final String[] TOP_STEPS = {"direct:validate-batch", "direct:batch-rules", "direct:apply-batch",
        "direct:compute-kpis", "direct:curate-batch", "direct:finish-batch"};

    private final IngestBenchmark.Options options;
    private final IngestBenchmark.Input input;
    private final IngestBenchmark.Input history;
    private final PhaseTimer timer;
    private final long collectStart;
    private final long heapBaseline;
    private final DuckDbKpis.Result duck;
    private final String duckVersion;
    private final String duckNote;
    private final String expectedBy;
    private final List<String> differences;
    private final int ingestCode;
    private final String loadAverage;

    Report(IngestBenchmark.Options options, IngestBenchmark.Input input, IngestBenchmark.Input history,
            PhaseTimer timer, long collectStart, long heapBaseline, DuckDbKpis.Result duck, String duckVersion,
            String duckNote, String expectedBy, List<String> differences, int ingestCode, String loadAverage) {
        this.options = options;
        this.input = input;
        this.history = history;
        this.timer = timer;
        this.collectStart = collectStart;
        this.heapBaseline = heapBaseline;
        this.duck = duck;
        this.duckVersion = duckVersion;
        this.duckNote = duckNote;
        this.expectedBy = expectedBy;
        this.differences = differences;
        this.ingestCode = ingestCode;
        this.loadAverage = loadAverage;
    }

    /** The whole-process figures, in seconds. */
    record Process(double jvmBoot, double servicesStart, double appStart, double ingest, double appStop,
            double servicesStop, double history, double cli, int cliCode, List<String> cliDifferences) {

        double whole() {
            return jvmBoot + servicesStart + appStart + ingest + appStop + servicesStop;
        }
    }

    void print(Process p) {
        long rows = input.rows();
        double batch = timer.seconds(PhaseTimer.PROCESS_BATCH);
        long batchStart = timer.firstStart(PhaseTimer.PROCESS_BATCH);
        double collect = batchStart < 0 ? -1 : (batchStart - collectStart) / 1e9;
        StringBuilder out = new StringBuilder();
        out.append("\n=== bench-ingest ===\n");
        out.append("input:   ").append(input.description()).append('\n');
        out.append(String.format(input.generated() ? "rows:    %,d (orders + lines + products: every row is valid)%n"
                : "rows:    %,d (data rows read in all files, valid or not)%n", rows));
        if (history != null) {
            out.append(String.format("history: %s; loaded through the pipeline (ingest, one batch) in %.1f s%n",
                    history.description(), p.history()));
        }
        out.append(String.format("ingest:  exit %d%n", ingestCode));
        out.append(String.format("machine: %d cores, load average %s when the batch started (other processes make "
                + "the figures slower and noisier)%n%n", Runtime.getRuntime().availableProcessors(), loadAverage));

        out.append(String.format("%-24s %-55s %5s %9s %12s%n", "phase", "measured as", "calls", "seconds", "rows/s"));
        line(out, "collect", "upload start -> direct:process-batch starts", -1, collect, rows);
        for (Phase phase : STEPS) {
            line(out, phase.name(), String.join(" + ", phase.endpoints()), timer.calls(phase.endpoints()),
                    timer.seconds(phase.endpoints()), rows);
            if (phase.name().equals("validate+stage") && timer.calls("direct:validate-file") > 0) {
                double slowest = timer.spans("direct:validate-file").stream()
                        .mapToDouble(s -> (s.end() - s.start()) / 1e9).max().orElse(0);
                out.append(String.format("%-24s %-55s %5d %9s%n", "  one file (slowest)",
                        "direct:validate-file, in parallel: not summed", timer.calls("direct:validate-file"),
                        seconds(slowest)));
            }
            if (phase.name().equals("DynamoDB write")) {
                line(out, "  KPIs in all", "direct:compute-kpis (the two tables in parallel)", timer.calls("direct:compute-kpis"),
                        timer.seconds("direct:compute-kpis"), rows);
            }
        }
        double steps = timer.seconds(TOP_STEPS);
        line(out, "  other", "process-batch outside its steps", -1, batch < 0 || steps < 0 ? -1 : batch - steps, 0);
        line(out, "batch", PhaseTimer.PROCESS_BATCH, timer.calls(PhaseTimer.PROCESS_BATCH), batch, rows);
        line(out, "upload to batch end", "collect + batch", -1, collect < 0 || batch < 0 ? -1 : collect + batch, rows);
        List<String> others = new ArrayList<>();
        for (String e : timer.endpoints()) {
            if (!known(e)) {
                others.add(String.format("%s %s s (%d)", e, seconds(timer.seconds(e)), timer.calls(e)));
            }
        }
        if (!others.isEmpty()) {
            out.append("other direct: endpoints (may contain the above): ").append(String.join(", ", others))
                    .append('\n');
        }

        out.append(String.format("%nwhole process: %.1f s, an in-process equivalent of bin/ecom-pipeline ingest: JVM "
                + "boot %.1f + services start %.1f (child JVM) + app start %.1f + ingest (upload to export) %.1f + app "
                + "stop %.1f + services stop %.1f%n", p.whole(), p.jvmBoot(), p.servicesStart(), p.appStart(),
                p.ingest(), p.appStop(), p.servicesStop()));
        out.append(String.format("fixed cost: %.1f s (start-up and shut-down: all but the ingest)%n",
                p.whole() - p.ingest()));
        if (p.cli() >= 0) {
            out.append(String.format("bin/ecom-pipeline ingest in its own process (--cli): %.1f s, exit %d, KPIs "
                    + "equal: %s%n", p.cli(), p.cliCode(), p.cliDifferences().isEmpty() ? "yes" : "no"));
        }
        long peak = timer.peakHeapAtBatchEnd();
        out.append(String.format("peak heap: %s (sum of the heap pools' peaks from the wave's start, after a GC, to "
                + "the batch's end; %d MB in use at the start); JVM %s (max heap %d MB)%n", mb(peak),
                heapBaseline >> 20, xmx(), Runtime.getRuntime().maxMemory() >> 20));
        long live = timer.liveHeapPeak();
        out.append(String.format("peak live heap: %s (the most in use just after a collection during the batch: what "
                + "the pipeline holds, where the pools' peaks also count garbage not yet collected)%n",
                live < 0 ? "n/a (no collection ran)" : mb(live)));

        if (duck != null) {
            out.append(String.format("DuckDB %s (in-process JDBC, from the CSV files to both KPI tables): %.2f s; "
                    + "ours (batch) / DuckDB = %s%n", duckVersion, duck.seconds(), ratio(batch)));
        }
        if (!duckNote.isEmpty()) {
            out.append("DuckDB: ").append(duckNote).append('\n');
        }
        out.append(String.format("KPIs equal: %s (the ingest output's order_kpis.csv and category_kpis.csv against "
                + "%s)%n", differences.isEmpty() ? "yes" : "no", expectedBy));
        differences.stream().limit(10).forEach(d -> out.append("  ").append(d).append('\n'));
        if (differences.size() > 10) {
            out.append(String.format("  ... %,d differences in all%n", differences.size()));
        }

        out.append("\nSummary (markdown):\n\n");
        List<String> header = new ArrayList<>(List.of("set", "rows", "collect"));
        List<String> values = new ArrayList<>(List.of(setName(), String.format("%,d", rows), seconds(collect)));
        for (Phase phase : STEPS) {
            header.add(phase.name());
            values.add(seconds(timer.seconds(phase.endpoints())));
        }
        header.addAll(List.of("batch", "rows/s", "whole process", "peak heap", "peak live heap", "DuckDB",
                "ours / DuckDB",
                "KPIs equal"));
        values.addAll(List.of(seconds(batch), batch > 0 ? String.format("%,.0f", rows / batch) : "n/a",
                String.format("%.1f", p.whole()), mb(peak) + " (" + xmx() + ")",
                timer.liveHeapPeak() < 0 ? "n/a" : mb(timer.liveHeapPeak()),
                duck == null ? "n/a" : String.format("%.2f", duck.seconds()), ratio(batch),
                differences.isEmpty() ? "yes" : "no"));
        out.append("| ").append(String.join(" | ", header)).append(" |\n");
        out.append("|").append("---|".repeat(header.size())).append('\n');
        out.append("| ").append(String.join(" | ", values)).append(" |\n");
        out.append("\n(seconds; rows = orders + lines + products; batch = direct:process-batch; whole process = the "
                + "in-process equivalent of `bin/ecom-pipeline ingest`)\n");
        System.out.print(out);
    }

    private String setName() {
        if (!input.generated()) {
            return input.dir().getFileName().toString();
        }
        String s = String.format("%,d lines", options.lines());
        return history == null ? s : s + String.format(" on %,d earlier orders", options.history());
    }

    private String ratio(double batch) {
        return duck == null || batch < 0 ? "n/a" : String.format("%.1f", batch / duck.seconds());
    }

    private static boolean known(String endpoint) {
        if (endpoint.equals(PhaseTimer.PROCESS_BATCH) || endpoint.equals("direct:validate-file")
                || endpoint.equals("direct:compute-kpis")) {
            return true;
        }
        return STEPS.stream().anyMatch(p -> List.of(p.endpoints()).contains(endpoint));
    }

    private static void line(StringBuilder out, String name, String what, int calls, double seconds, long rows) {
        out.append(String.format(Locale.ROOT, "%-24s %-55s %5s %9s %12s%n", name, what, calls < 0 ? "" : calls,
                seconds(seconds), seconds > 0 && rows > 0 ? String.format("%,.0f", rows / seconds) : ""));
    }

    private static String seconds(double s) {
        return s < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", s);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : (bytes >> 20) + " MB";
    }

    private static String xmx() {
        String x = IngestBenchmark.maxHeapOption();
        return x == null ? "no -Xmx" : x;
    }
}
