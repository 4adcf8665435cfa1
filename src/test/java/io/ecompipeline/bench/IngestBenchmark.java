package io.ecompipeline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ecompipeline.cli.IngestCommand;
import io.ecompipeline.cli.PipelineApp;
import org.apache.camel.support.service.ServiceHelper;

/**
 * {@code bin/bench-ingest [--lines N] [--history N] [--lab | --input DIR] [options]}: the ingest benchmark of issue
 * 11. A command, not a test: it prints figures, asserts none (except that the KPIs are right).
 * <ol>
 * <li>Input: a deterministic, entirely valid set of N order lines ({@link BenchData}, cached under
 * {@code target/bench-data/}), or the lab sample, or any flat folder.</li>
 * <li>The embedded servers start in a child JVM ({@link ChildServices}: S3 on disk), the pipeline in this one, as
 * {@code ingest} runs it; with {@code --history N}, N earlier orders (earlier dates, other ids) are first ingested
 * through the pipeline as a batch of their own.</li>
 * <li>The input is ingested as one batch ({@link IngestCommand}, the {@code ingest} command's own code); the phases
 * come from Camel's send events per {@code direct:} endpoint ({@link PhaseTimer}), the heap's peak from the heap
 * pools (reset after a GC when the wave starts, read when the batch ends).</li>
 * <li>DuckDB computes the same KPIs from the same files ({@link DuckDbKpis}); they must equal what {@code ingest}
 * wrote.</li>
 * </ol>
 * The whole-process time is that of an in-process equivalent of {@code bin/ecom-pipeline ingest}: this JVM's boot,
 * the servers' start, the application's start, the ingest with its export, the application's and the servers' stop
 * (data generation, the history and DuckDB are not in it). {@code --cli} also times the real
 * {@code bin/ecom-pipeline ingest} on the same files, in a process of its own.
 */
public final class IngestBenchmark {

    static final String USAGE = """
            usage: bin/bench-ingest [OPTIONS]      (heap: JAVA_OPTS, default -Xmx1g)
              --lines N          order lines of the generated set (default 1000000; 10000 with --history)
              --history N        first ingest N earlier orders (dates before the set's, other ids) as a batch of their
                                 own, then measure the set on that state
              --days D           the set's order dates span D days ending 2025-12-31 (default 730)
              --files K          orders files and items files (default 5 each, plus products.csv)
              --products P       catalog size (default lines/100, between 100 and 10000)
              --seed S           generator seed (default 42)
              --id-base I        the set's first order id (default 100000001; the history's ids are 1..N)
              --lab              ingest the lab sample instead (src/test/resources/lab-sample)
              --input DIR        ingest the files of DIR instead (KPIs checked against the plain-Java reference)
              --cli              also time `bin/ecom-pipeline ingest` on the same files, in a process of its own
              --services-heap H  -Xmx of the embedded servers' JVM (default 512m)
            """;

    static final LocalDate LAST_DAY = LocalDate.of(2025, 12, 31);
    private static final Duration WAVE_TIMEOUT = Duration.ofHours(1);

    /** The parsed command line. */
    record Options(long lines, long history, int days, int files, int products, long seed, long idBase, Path input,
            boolean cli, String servicesHeap) {
    }

    /** What is ingested: its files and row counts. */
    record Input(Path dir, String description, long rows, List<Path> orders, List<Path> items, List<Path> products,
            boolean generated) {
    }

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long jvmBootMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        int code = new IngestBenchmark().run(options, jvmBootMillis);
        System.exit(code);
    }

    static Options parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            if (Set.of("lab", "cli").contains(name)) {
                o.put(name, "true");
            } else if (Set.of("lines", "history", "days", "files", "products", "seed", "id-base", "input",
                    "services-heap")
                    .contains(name) && i + 1 < args.length) {
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option or missing value: " + a);
            }
        }
        long history = Long.parseLong(o.getOrDefault("history", "0"));
        long lines = Long.parseLong(o.getOrDefault("lines", history > 0 ? "10000" : "1000000"));
        int products = Integer.parseInt(o.getOrDefault("products",
                Long.toString(Math.max(100, Math.min(10_000, lines / 100)))));
        Path input = null;
        if (o.containsKey("lab") && o.containsKey("input")) {
            throw new IllegalArgumentException("--lab and --input exclude each other");
        }
        if (o.containsKey("lab")) {
            input = Path.of("src/test/resources/lab-sample");
        } else if (o.containsKey("input")) {
            input = Path.of(o.get("input"));
            if (!Files.isDirectory(input)) {
                throw new IllegalArgumentException("--input " + input + " is not a folder");
            }
        }
        if (history > 0 && input != null) {
            throw new IllegalArgumentException("--history goes with a generated set, not with --lab or --input");
        }
        if (history > 0 && o.containsKey("cli")) {
            throw new IllegalArgumentException("--cli starts from an empty state: not with --history");
        }
        long idBase = Long.parseLong(o.getOrDefault("id-base", "100000001"));
        if (lines < 1 || history < 0 || history >= idBase) {
            throw new IllegalArgumentException("--lines must be > 0, --history >= 0 and below --id-base");
        }
        return new Options(lines, history, Integer.parseInt(o.getOrDefault("days", "730")),
                Integer.parseInt(o.getOrDefault("files", "5")), products, Long.parseLong(o.getOrDefault("seed", "42")),
                idBase, input, o.containsKey("cli"), o.getOrDefault("services-heap", "512m"));
    }

    int run(Options options, long jvmBootMillis) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path work = root.resolve("target/bench-ingest");
        BenchData.deleteTree(work);
        Files.createDirectories(work);
        Path cache = root.resolve("target/bench-data");

        // 1. the input (and the history)
        BenchData.Spec spec = new BenchData.Spec(options.lines(), 0, options.products(), options.files(), LAST_DAY,
                options.days(), options.idBase(), options.seed());
        Input input = options.input() != null ? folder(options.input()) : generated(cache, spec);
        Input history = null;
        if (options.history() > 0) {
            int products = (int) Math.max(100, Math.min(10_000, options.history() * 24 / 1000)); // as for lines
            BenchData.Spec h = new BenchData.Spec(0, options.history(), products, options.files(),
                    spec.firstDay().minusDays(1), 730, 1, options.seed() + 1);
            history = generated(cache, h);
        }

        // 2. the servers (child JVM) and the application (this JVM), as `ingest` starts them
        ChildServices services = ChildServices.start(work, options.servicesHeap());
        System.out.printf("bench-ingest: embedded services up in %.1f s (child JVM, -Xmx%s, S3 on disk; log %s)%n",
                services.startSeconds(), options.servicesHeap(), services.log());
        Map<String, String> config = new LinkedHashMap<>(services.settings());
        config.put("pipeline.provision-resources", "true");
        config.put("pipeline.poll.delay", "200"); // as IngestCommand.run()
        PhaseTimer timer = new PhaseTimer();
        long appStart = System.nanoTime();
        PipelineApp app = null;
        int ingestCode;
        double appStartSeconds;
        double ingestSeconds;
        double appStopSeconds;
        double servicesStopSeconds;
        double historySeconds = 0;
        long heapBaseline;
        long collectStart;
        String loadAverage;
        try {
            app = new PipelineApp(config);
            app.start();
            timer.setCamelContext(app.context());
            ServiceHelper.startService(timer);
            app.context().getManagementStrategy().addEventNotifier(timer);
            appStartSeconds = (System.nanoTime() - appStart) / 1e9;

            if (history != null) {
                System.out.printf("bench-ingest: history: %s, ingested through the pipeline as one batch%n",
                        history.description());
                long t = System.nanoTime();
                int code = new IngestCommand(history.dir(), work.resolve("history-output"), WAVE_TIMEOUT).run(app);
                historySeconds = (System.nanoTime() - t) / 1e9;
                if (code != 0) {
                    System.out.println("bench-ingest: the history's ingest exited " + code + "; stopping");
                    return 1;
                }
                System.out.printf("bench-ingest: history loaded in %.1f s (%,.0f rows/s)%n", historySeconds,
                        history.rows() / historySeconds);
            }

            // 3. the measured batch
            System.out.printf("bench-ingest: ingesting %s as one batch%n", input.description());
            System.gc();
            heapBaseline = usedHeapBytes();
            loadAverage = loadAverage();
            timer.reset();
            collectStart = System.nanoTime();
            ingestCode = new IngestCommand(input.dir(), work.resolve("output"), WAVE_TIMEOUT).run(app);
            ingestSeconds = (System.nanoTime() - collectStart) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (timer.calls(PhaseTimer.PROCESS_BATCH) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the batch's end event is sent as process-batch returns, after `ingest` heard of it
            }
        } finally {
            long t = System.nanoTime();
            try {
                if (app != null) {
                    app.close();
                }
            } finally {
                appStopSeconds = (System.nanoTime() - t) / 1e9;
                servicesStopSeconds = services.stop();
            }
        }

        // 4. DuckDB on the same files, and the check of the pipeline's KPIs
        String duckVersion = DuckDbKpis.warmUp();
        DuckDbKpis.Result duck = null;
        String duckNote = "";
        try {
            duck = DuckDbKpis.compute(input.orders(), input.items(), input.products(), !input.generated());
        } catch (java.sql.SQLException e) {
            duckNote = "DuckDB could not read the files: " + e.getMessage();
        }
        DuckDbKpis.Result expected;
        String expectedBy;
        if (!input.generated()) {
            expected = DuckDbKpis.reference(input.dir());
            expectedBy = "the plain-Java reference of the contract (src/test/.../support/ReferenceKpis)";
            duckNote = duckNote.isEmpty() ? "it reads the raw rows (skipping only those it cannot parse), not what the "
                    + "pipeline accepts: its time is shown, its KPIs are not compared" : duckNote;
        } else if (history != null) {
            List<Path> orders = new ArrayList<>(history.orders());
            orders.addAll(input.orders());
            List<Path> items = new ArrayList<>(history.items());
            items.addAll(input.items());
            List<Path> products = new ArrayList<>(history.products());
            products.addAll(input.products());
            expected = DuckDbKpis.compute(orders, items, products, false);
            expectedBy = String.format("DuckDB over the history and the batch (%.2f s)", expected.seconds());
        } else {
            expected = duck;
            expectedBy = "DuckDB";
        }
        List<String> differences = expected == null ? List.of("no expected KPIs: " + duckNote) : compare(expected,
                work.resolve("output"));

        // 5. optionally, the real command in a process of its own
        double cliSeconds = -1;
        List<String> cliDifferences = List.of();
        int cliCode = 0;
        if (options.cli()) {
            Path out = work.resolve("cli-output");
            List<String> command = List.of(root.resolve("bin/ecom-pipeline").toString(), "ingest", "--input",
                    input.dir().toAbsolutePath().toString(), "--output", out.toString());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("cli.log").toFile());
            String xmx = maxHeapOption();
            if (System.getenv("JAVA_OPTS") == null && xmx != null) {
                pb.environment().put("JAVA_OPTS", xmx);
            }
            System.out.printf("bench-ingest: timing %s (log %s)%n", String.join(" ", command), work.resolve("cli.log"));
            long t = System.nanoTime();
            cliCode = pb.start().waitFor();
            cliSeconds = (System.nanoTime() - t) / 1e9;
            cliDifferences = expected == null ? differences : compare(expected, out);
        }

        // 6. the report
        new Report(options, input, history, timer, collectStart, heapBaseline, duck, duckVersion, duckNote, expectedBy,
                differences, ingestCode, loadAverage).print(new Report.Process(jvmBootMillis / 1000.0,
                services.startSeconds(), appStartSeconds, ingestSeconds, appStopSeconds, servicesStopSeconds,
                historySeconds, cliSeconds, cliCode, cliDifferences));
        return ingestCode == 0 && differences.isEmpty() && cliCode == 0 && cliDifferences.isEmpty() ? 0 : 1;
    }

    private static List<String> compare(DuckDbKpis.Result expected, Path output) throws IOException {
        List<String> d = new ArrayList<>();
        if (!Files.isRegularFile(output.resolve("order_kpis.csv"))) {
            return List.of("no " + output.resolve("order_kpis.csv"));
        }
        d.addAll(DuckDbKpis.differences("order_kpis", expected.orderKpis(),
                DuckDbKpis.readOutput(output.resolve("order_kpis.csv"), 1, 6)));
        d.addAll(DuckDbKpis.differences("category_kpis", expected.categoryKpis(),
                DuckDbKpis.readOutput(output.resolve("category_kpis.csv"), 2, 5)));
        return d;
    }

    static Input generated(Path cache, BenchData.Spec spec) throws IOException {
        BenchData.Generated g = BenchData.cached(cache, spec);
        String made = g.cached() ? "cached in " + cache.relativize(g.dir()) : String.format("generated in %.1f s",
                g.seconds());
        String description = String.format("%,d order lines: %,d orders, %,d products, %d files, %.1f MB (%s)",
                g.lines(), g.orders(), g.products(), 2 * spec.files() + 1, g.bytes() / 1e6, made);
        return new Input(g.dir(), description, g.rows(), g.files("orders_"), g.files("order_items_"),
                g.files("products"), true);
    }

    private static Input folder(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        if (files.stream().anyMatch(Files::isDirectory)) {
            throw new IllegalArgumentException(dir + " has sub-folders (waves): the benchmark ingests one batch");
        }
        long rows = 0;
        long bytes = 0;
        for (Path f : files) {
            try (Stream<String> lines = Files.lines(f)) {
                rows += Math.max(0, lines.filter(l -> !l.isBlank()).count() - 1);
            } catch (java.io.UncheckedIOException e) {
                // not UTF-8: the pipeline quarantines it; its rows are not counted
            }
            bytes += Files.size(f);
        }
        String description = String.format("%s: %d files, %,d rows read, %.1f MB", dir, files.size(), rows,
                bytes / 1e6);
        return new Input(dir, description, rows, only(files, "orders_"), only(files, "order_items_"),
                only(files, "products"), false);
    }

    private static List<Path> only(List<Path> files, String prefix) {
        return files.stream().filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
    }

    static long usedHeapBytes() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    /** The 1, 5 and 15 minutes load averages (Linux), or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2] + " (1 / 5 / 15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The -Xmx this JVM was started with, or null. */
    static String maxHeapOption() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-Xmx"))
                .reduce((a, b) -> b).orElse(null);
    }
}
