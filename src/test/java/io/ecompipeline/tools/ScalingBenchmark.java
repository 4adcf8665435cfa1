package io.ecompipeline.tools;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.cli.KpiExport;
import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.ExecutionHistory;
import io.ecompipeline.support.SfnEndpoint;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code bin/bench-scaling [--lines N] [--workers 1,2,3]}: item 5 of issue 15. The same generated batch (the ingest
 * benchmark's set and cache, {@link BenchData}) is ingested in Step Functions mode once per worker count: fresh
 * embedded servers ({@link ChildServices}), the test Step Functions endpoint ({@link SfnEndpoint}), then N application
 * JVMs running {@code run}, each a worker of every activity ({@link ChildPipeline}, as StepFunctionsWorkersTest starts
 * them). The files are put under {@code incoming/}; the batch closes once they are all in.
 * <p>
 * The work runs in the workers' JVMs, so the phases are read from the execution's history ({@link ExecutionHistory}):
 * the validate-file Map from its first task's scheduling to its last task's end (wall time), how many files each
 * worker took, then validate-apply (batch rules and apply), compute-kpis and finish-batch, and the execution from its
 * start to its end. A command, not a test: it prints figures and checks only that every run succeeded and wrote the
 * same KPIs as the first.
 */
public final class ScalingBenchmark {

    static final String USAGE = """
            usage: bin/bench-scaling [OPTIONS]
              --lines N          order lines of the generated set (default 1000000; the set of bench-ingest, cached)
              --workers LIST     worker JVMs per run, comma-separated (default 1,2,3)
              --threads T        validate-file workers (polls) per JVM, pipeline.validation.threads (default 1: the
                                 Map's parallelism is then the number of worker JVMs)
              --files K          orders files and items files (default 5 each, plus products.csv)
              --services-heap H  -Xmx of the embedded servers' JVM (default 512m); each worker JVM has -Xmx512m
            """;

    private static final String VALIDATE_FILE = "ecom-pipeline-validate-file";
    /** application.properties' pipeline.bucket, which the workers provision. */
    private static final String BUCKET = "ecommerce-data";
    private static final Duration RUN_TIMEOUT = Duration.ofHours(1);

    /** The parsed command line. */
    record Options(long lines, List<Integer> workers, int threads, int files, String servicesHeap) {
    }

    /** One run's figures, in seconds. */
    record Run(int workers, double upload, double collect, double map, double taskSum, Map<String, Integer> perWorker,
            double apply, double kpis, double finish, double batch, String status, int errorLogs) {

        double other() {
            return batch - map - apply - kpis - finish;
        }
    }

    private ScalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    static Options parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            String name = a.startsWith("--") ? a.substring(2) : "";
            if (Set.of("lines", "workers", "threads", "files", "services-heap").contains(name) && i + 1 < args.length) {
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option or missing value: " + a);
            }
        }
        List<Integer> workers = new ArrayList<>();
        for (String w : o.getOrDefault("workers", "1,2,3").split(",")) {
            workers.add(Integer.parseInt(w.trim()));
        }
        Options options = new Options(Long.parseLong(o.getOrDefault("lines", "1000000")), List.copyOf(workers),
                Integer.parseInt(o.getOrDefault("threads", "1")), Integer.parseInt(o.getOrDefault("files", "5")),
                o.getOrDefault("services-heap", "512m"));
        if (options.lines() < 1 || options.threads() < 1 || workers.stream().anyMatch(w -> w < 1 || w > 16)) {
            throw new IllegalArgumentException("--lines and --threads must be > 0, each worker count in 1..16");
        }
        return options;
    }

    static int run(Options options) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path work = root.resolve("target/bench-scaling");
        BenchData.deleteTree(work);
        Files.createDirectories(work);
        long lines = options.lines();
        BenchData.Spec spec = new BenchData.Spec(lines, 0, (int) Math.max(100, Math.min(10_000, lines / 100)),
                options.files(), IngestBenchmark.LAST_DAY, 730, 100_000_001L, 42);
        IngestBenchmark.Input input = IngestBenchmark.generated(root.resolve("target/bench-data"), spec);
        List<Path> files;
        try (var s = Files.list(input.dir())) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String loadBefore = IngestBenchmark.loadAverage();
        System.out.printf("bench-scaling: %s%n", input.description());
        System.out.printf("bench-scaling: Step Functions mode, test endpoint; worker JVMs per run %s, %d validate-file "
                + "poll(s) each; %d cores; load %s%n", options.workers(), options.threads(), cores, loadBefore);

        List<Run> runs = new ArrayList<>();
        Map<String, List<List<String>>> firstKpis = null;
        List<String> problems = new ArrayList<>();
        for (int n : options.workers()) {
            Path dir = work.resolve("workers-" + n);
            Files.createDirectories(dir);
            System.out.printf("%n--- %d worker JVM%s (logs %s)%n", n, n == 1 ? "" : "s", root.relativize(dir));
            Map<String, List<List<String>>> kpis = new LinkedHashMap<>();
            Run r = runOnce(options, n, files, bytes, dir, kpis);
            runs.add(r);
            printRun(r, input.rows());
            if (!"SUCCEEDED".equals(r.status())) {
                problems.add(n + " workers: the execution ended " + r.status());
            }
            if (r.errorLogs() > 0) {
                problems.add(n + " workers: " + r.errorLogs() + " ERROR line(s) in the workers' logs under " + dir);
            }
            if (firstKpis == null) {
                firstKpis = kpis;
            } else if (!firstKpis.equals(kpis)) {
                problems.add(n + " workers: the KPIs differ from the first run's");
            }
        }
        printTable(runs, input.rows(), cores);
        if (problems.isEmpty()) {
            System.out.println("check:   every execution SUCCEEDED, no ERROR in the workers' logs, and every run wrote "
                    + String.format("the same KPIs (%,d days, %,d category-days)", firstKpis.get("OrderKPIs").size(),
                    firstKpis.get("CategoryKPIs").size()));
            return 0;
        }
        problems.forEach(p -> System.out.println("PROBLEM: " + p));
        return 1;
    }

    /** Fresh servers and endpoint, N workers, the batch; the KPIs it wrote are put in {@code kpis}. */
    private static Run runOnce(Options options, int n, List<Path> files, long bytes, Path dir,
            Map<String, List<List<String>>> kpis) throws Exception {
        List<ChildPipeline> workers = new ArrayList<>();
        ChildServices services = ChildServices.start(dir, options.servicesHeap());
        try {
            Map<String, String> servers = services.settings();
            try (SfnEndpoint endpoint = SfnEndpoint.start(URI.create(servers.get("pipeline.dynamodb.endpoint")),
                    URI.create(servers.get("pipeline.sqs.endpoint")), servers.get("pipeline.aws.region"), 60,
                    dir.resolve("sfn-endpoint.log"))) {
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("pipeline.orchestrator", "stepfunctions");
                settings.put("pipeline.sfn.endpoint", endpoint.url());
                settings.put("pipeline.sfn.poll-error-delay", "500");
                settings.put("pipeline.validation.threads", String.valueOf(options.threads()));
                settings.put("pipeline.poll.delay", "200");
                settings.put("pipeline.generator.schedule-enabled", "false");
                // one batch of every file, however the uploads and the polls interleave
                settings.put("pipeline.batch.min-order-files", String.valueOf(count(files, "orders_")));
                settings.put("pipeline.batch.min-item-files", String.valueOf(count(files, "order_items_")));
                // the first creates the schema and the Step Functions resources; the others find them
                for (int i = 1; i <= n; i++) {
                    ChildPipeline w = ChildPipeline.start(servers, settings, Map.of(),
                            dir.resolve("worker-" + i + ".log"), "run");
                    workers.add(w);
                    if (!w.awaitLog("Orchestrator: Step Functions", 120_000)) {
                        throw new IllegalStateException("worker " + i + " did not start: see "
                                + dir.resolve("worker-" + i + ".log"));
                    }
                }
                int polls = n * (4 + options.threads());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (endpoint.stats().get("openPolls").asInt() < polls) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the workers did not all poll every activity");
                    }
                    Thread.sleep(100);
                }

                long t0 = System.nanoTime();
                try (S3Client s3 = Clients.s3(servers)) {
                    for (Path f : files) {
                        s3.putObject(b -> b.bucket(BUCKET).key("incoming/"
                                + f.getFileName()), RequestBody.fromFile(f));
                    }
                }
                double upload = (System.nanoTime() - t0) / 1e9;
                long uploaded = System.currentTimeMillis();
                try (SfnClient sfn = Clients.sfn(servers, endpoint.url())) {
                    DescribeExecutionResponse execution = awaitExecution(sfn, servers);
                    ExecutionHistory history = ExecutionHistory.of(sfn, execution.executionArn());
                    List<ExecutionHistory.Task> validate = history.tasks(VALIDATE_FILE);
                    Map<String, Integer> perWorker = new LinkedHashMap<>();
                    history.filesByWorker(VALIDATE_FILE).forEach((w, f) -> perWorker.put(w, f.size()));
                    double taskSum = validate.stream().filter(t -> t.end() != null)
                            .mapToDouble(t -> t.duration().toMillis() / 1e3).sum();
                    try (DynamoDbClient ddb = Clients.dynamoDb(servers)) {
                        KpiExport export = new KpiExport(ddb);
                        kpis.put("OrderKPIs", export.rows("OrderKPIs", KpiExport.ORDER_COLUMNS, 1));
                        kpis.put("CategoryKPIs", export.rows("CategoryKPIs", KpiExport.CATEGORY_COLUMNS, 2));
                    }
                    int errors = 0;
                    for (ChildPipeline w : workers) {
                        errors += (int) w.output().lines().filter(l -> l.contains(" ERROR ")).count();
                    }
                    return new Run(n, upload, (execution.startDate().toEpochMilli() - uploaded) / 1e3,
                            seconds(validate), taskSum, perWorker,
                            seconds(history.tasks("ecom-pipeline-validate-apply")),
                            seconds(history.tasks("ecom-pipeline-compute-kpis")),
                            seconds(history.tasks("ecom-pipeline-finish-batch")), history.total().toMillis() / 1e3,
                            execution.statusAsString(), errors);
                }
            } finally {
                for (ChildPipeline w : workers) {
                    w.close();
                }
            }
        } finally {
            services.stop();
        }
    }

    /**
     * Waits for the batch's execution to end and returns it: the batch's id (the execution's name) comes from the
     * state database, the one batch of the run.
     */
    private static DescribeExecutionResponse awaitExecution(SfnClient sfn, Map<String, String> servers)
            throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        String machine = sfn.listStateMachines().stateMachines().stream()
                .filter(m -> m.name().equals("ecom-pipeline-ingest-batch")).findFirst().orElseThrow()
                .stateMachineArn();
        String batchId = null;
        while (System.nanoTime() < deadline) {
            if (batchId == null) {
                batchId = onlyBatch(servers);
            }
            if (batchId != null) {
                String arn = machine.replace(":stateMachine:", ":execution:") + ":" + batchId;
                try {
                    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(arn));
                    if (d.status() != ExecutionStatus.RUNNING) {
                        return d;
                    }
                } catch (ExecutionDoesNotExistException e) {
                    // the batch is closed, its execution not started yet
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no ingest execution ended within " + RUN_TIMEOUT);
    }

    private static String onlyBatch(Map<String, String> servers) throws SQLException {
        try (Connection c = DriverManager.getConnection(servers.get("pipeline.jdbc.url"),
                servers.get("pipeline.jdbc.user"), servers.get("pipeline.jdbc.password"));
                Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT min(batch_id) FROM pipeline.batches")) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return null; // no schema yet
            }
            throw e;
        }
    }

    private static double seconds(List<ExecutionHistory.Task> tasks) {
        return tasks.isEmpty() || tasks.stream().allMatch(t -> t.end() == null) ? Double.NaN
                : ExecutionHistory.span(tasks).toMillis() / 1e3;
    }

    private static long count(List<Path> files, String prefix) {
        return files.stream().filter(f -> f.getFileName().toString().startsWith(prefix)).count();
    }

    private static void printRun(Run r, long rows) {
        System.out.printf("  upload to S3       %7.1f s  (incoming/, before the batch)%n", r.upload());
        System.out.printf("  collect            %7.1f s  (last upload to the execution's start)%n", r.collect());
        System.out.printf("  validate (Map)     %7.1f s  wall; %d tasks, %.1f s of task time; files per worker: %s%n",
                r.map(), r.perWorker().values().stream().mapToInt(Integer::intValue).sum(), r.taskSum(),
                perWorker(r));
        System.out.printf("  rules+apply        %7.1f s%n", r.apply());
        System.out.printf("  KPIs               %7.1f s%n", r.kpis());
        System.out.printf("  finish             %7.1f s%n", r.finish());
        System.out.printf("  other              %7.1f s  (lock, state transitions, waits between tasks)%n", r.other());
        System.out.printf("  batch (execution)  %7.1f s  %s, %,.0f rows/s%n", r.batch(), r.status(),
                rows / r.batch());
    }

    /** "12345: 6, 12399: 5": the worker names are pid@host; the pid tells them apart on one machine. */
    private static String perWorker(Run r) {
        List<String> parts = new ArrayList<>();
        r.perWorker().forEach((w, c) -> parts.add("pid " + w.replaceFirst("@.*", "") + " " + c));
        return String.join(", ", parts);
    }

    private static void printTable(List<Run> runs, long rows, int cores) {
        System.out.printf("%n=== bench-scaling: %,d rows, same batch per run (seconds) ===%n", rows);
        System.out.println("| workers | validate (Map) | speed-up | files per worker | rules+apply | KPIs | finish "
                + "| other | batch | speed-up | rows/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Run first = runs.get(0);
        for (Run r : runs) {
            List<String> counts = new ArrayList<>();
            r.perWorker().values().forEach(c -> counts.add(String.valueOf(c)));
            System.out.printf("| %d | %.1f | %.2fx | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2fx | %,.0f |%n",
                    r.workers(), r.map(), first.map() / r.map(), String.join("/", counts), r.apply(), r.kpis(),
                    r.finish(), r.other(), r.batch(), first.batch() / r.batch(), rows / r.batch());
        }
        System.out.printf("machine: %d cores, load now %s%n", cores, IngestBenchmark.loadAverage());
        if (cores <= 2) {
            System.out.println("caveat:  on " + cores + " cores the worker JVMs share the same cores as PostgreSQL "
                    + "(which COPYs every file) and the other servers: the Map cannot go faster than the cores allow.");
        }
    }
}
