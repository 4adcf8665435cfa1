package io.ecompipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.orchestrate.CollectorLeadership;
import io.ecompipeline.validate.FileValidator;
import org.apache.camel.CamelContext;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code ingest --input DIR --output DIR} (docs/contract.md §6): each wave's files go to {@code incoming/} and
 * processed as one batch, to the end, before the next wave; then the KPIs, file outcomes, reports and rejected
 * rows are read back from DynamoDB and S3 into DIR.
 */
public final class IngestCommand {

    private static final Logger LOG = LoggerFactory.getLogger(IngestCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path input;
    private final Path output;
    private final Duration waveTimeout;

    public IngestCommand(Path input, Path output, Duration waveTimeout) {
        this.input = input;
        this.output = output;
        this.waveTimeout = waveTimeout;
    }

    /** A wave: a folder whose regular files are one batch. */
    static List<Path> waves(Path input) throws IOException {
        try (Stream<Path> children = Files.list(input)) {
            List<Path> folders = children.filter(Files::isDirectory).sorted().toList();
            return folders.isEmpty() ? List.of(input) : folders;
        }
    }

    static List<Path> filesOf(Path wave) throws IOException {
        try (Stream<Path> children = Files.list(wave)) {
            return children.filter(Files::isRegularFile).sorted().toList();
        }
    }

    public int run() throws Exception {
        try (PipelineApp app = new PipelineApp(Map.of("pipeline.poll.delay", "200"))) {
            app.start();
            return run(app);
        }
    }

    public int run(PipelineApp app) throws Exception {
        CamelContext context = app.context();
        Summary summary = ingestWaves(app, context, waves(input), waveTimeout);
        summary.export(output);
        System.out.println(summary.describe(output));
        return summary.complete() ? 0 : 1;
    }

    static Summary ingestWaves(PipelineApp app, CamelContext context, List<Path> waves, Duration timeout)
            throws Exception {
        S3Objects s3 = app.bean("s3Objects", S3Objects.class);
        BatchCompletion completion = app.bean("batchCompletion", BatchCompletion.class);
        String incoming = context.resolvePropertyPlaceholders("{{pipeline.prefix.incoming}}");
        Summary summary = new Summary(app, context);
        WaveProgress progress = new WaveProgress(s3, app.bean("fileValidator", FileValidator.class), incoming,
                context.resolvePropertyPlaceholders("{{pipeline.prefix.reports}}"),
                TimeUtils.toDuration(context.resolvePropertyPlaceholders("{{pipeline.progress-every}}")), waves.size());
        int n = 0;
        // listening from before the first upload, so that no wave's batch ends unseen
        try (BatchEvents.Listener events = app.bean("batchEvents", BatchEvents.class).listen()) {
            for (Path wave : waves) {
                n++;
                List<Path> files = filesOf(wave);
                if (files.isEmpty()) {
                    LOG.info("Wave {}/{} ({}) has no files; skipped", n, waves.size(), wave.getFileName());
                    continue;
                }
                LOG.info("Wave {}/{} ({}): uploading {} files to {}", n, waves.size(), wave.getFileName(),
                        files.size(), incoming);
                progress.startWave(n, wave, files);
                completion.expectWave(files.size());
                CollectorLeadership poller = app.bean("collectorLeadership", CollectorLeadership.class);
                poller.pausePolling();
                try {
                    upload(context, s3, incoming, files, progress);
                } finally {
                    poller.resumePolling();
                }
                summary.uploaded += files.size();
                awaitBatch(events, timeout, wave, summary, progress);
            }
        }
        return summary;
    }

    /**
     * Uploads a wave's files {@code pipeline.ingest.uploads-in-flight} at a time: one PutObject each, so a wave of
     * many small files waits on round trips, not on bytes (the lab sample's 26 files took 2.3 s one after another).
     * The poller is paused meanwhile, so the order they land in does not matter.
     */
    private static void upload(CamelContext context, S3Objects s3, String incoming, List<Path> files,
            WaveProgress progress) throws InterruptedException {
        int inFlight = Integer.parseInt(context.resolvePropertyPlaceholders("{{pipeline.ingest.uploads-in-flight}}"));
        ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(IngestCommand.class, "upload",
                Math.max(1, Math.min(inFlight, files.size())));
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (Path f : files) {
                puts.add(pool.submit(() -> {
                    s3.put(incoming + f.getFileName(), f, "text/csv");
                    progress.uploaded();
                }));
            }
            for (Future<?> put : puts) {
                try {
                    put.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause; // as a sequential upload would have thrown it
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            context.getExecutorServiceManager().shutdownNow(pool);
        }
    }

    private static void awaitBatch(BatchEvents.Listener events, Duration timeout, Path wave, Summary summary,
            WaveProgress progress) throws InterruptedException {
        while (true) {
            BatchEvents.Ended event = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (event == null && System.nanoTime() < deadline) {
                Duration left = Duration.ofNanos(deadline - System.nanoTime());
                event = events.awaitNext(left.compareTo(progress.every()) < 0 ? left : progress.every());
                if (event == null) {
                    progress.waiting();
                }
            }
            if (event == null) {
                summary.problems.add("wave " + wave.getFileName() + ": no batch ended within " + timeout);
                return;
            }
            if (event.finished()) {
                summary.batchIds.add(event.batchId());
                progress.batchDone(event.batchId(), summary.batchIds.size());
                return;
            }
            if (event.gaveUp()) {
                summary.problems.add("batch " + event.batchId() + " (wave " + wave.getFileName() + ") " + event.error());
                return;
            }
            LOG.warn("Batch {} attempt failed ({}); waiting for its retry", event.batchId(), event.error());
        }
    }

    /** What a run of waves produced, read back from S3 and DynamoDB. */
    static final class Summary {
        private final PipelineApp app;
        private final CamelContext context;
        final List<String> batchIds = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        int uploaded;
        int archived;
        int quarantined;
        long rejectedRows;

        Summary(PipelineApp app, CamelContext context) {
            this.app = app;
            this.context = context;
        }

        boolean complete() {
            return problems.isEmpty();
        }

        void export(Path out) throws IOException {
            S3Objects s3 = app.bean("s3Objects", S3Objects.class);
            KpiExport kpis = new KpiExport(app.bean("dynamoDbClient", DynamoDbClient.class));
            Files.createDirectories(out);
            exportTable(kpis, out.resolve("order_kpis.csv"), "pipeline.dynamodb.order-kpis-table",
                    KpiExport.ORDER_COLUMNS, 1);
            exportTable(kpis, out.resolve("category_kpis.csv"), "pipeline.dynamodb.category-kpis-table",
                    KpiExport.CATEGORY_COLUMNS, 2);

            String reportsPrefix = property("pipeline.prefix.reports");
            List<List<String>> files = new ArrayList<>();
            for (String batchId : batchIds) {
                byte[] report = s3.read(reportsPrefix + batchId + ".json");
                Files.write(SafePaths.inside(out, "reports", batchId + ".json"), report);
                for (JsonNode f : JSON.readTree(report).get("files")) {
                    String outcome = f.get("outcome").asText();
                    files.add(List.of(f.get("key").asText(), outcome, batchId, f.path("reason").asText("")));
                    if ("archived".equals(outcome)) {
                        archived++;
                    } else {
                        quarantined++;
                    }
                    rejectedRows += f.get("rows_rejected").asLong();
                    if (!f.path("rejected_rows").isNull() && !f.path("rejected_rows").asText("").isEmpty()) {
                        String key = f.get("rejected_rows").asText();
                        Files.write(SafePaths.inside(out, "rejected", batchId, key.substring(key.lastIndexOf('/') + 1)),
                                s3.read(key));
                    }
                }
            }
            for (String prefix : List.of(property("pipeline.prefix.incoming"), property("pipeline.prefix.collected"))) {
                for (S3Object left : s3.list(prefix)) {
                    files.add(List.of(left.key(), "pending", "", "not processed"));
                    problems.add(left.key() + " was neither archived nor quarantined");
                }
            }
            files.sort((a, b) -> a.get(0).compareTo(b.get(0)));
            KpiExport.writeCsv(out.resolve("files.csv"), List.of("key", "outcome", "batch_id", "reason"), files);
        }

        private void exportTable(KpiExport kpis, Path file, String tableKey, List<String> columns, int keyColumns)
                throws IOException {
            String table = property(tableKey);
            try {
                KpiExport.writeCsv(file, columns, kpis.rows(table, columns, keyColumns));
            } catch (SdkException e) {
                problems.add("cannot read DynamoDB table " + table + ": " + e.getMessage());
            }
        }

        private String property(String key) {
            return context.resolvePropertyPlaceholders("{{" + key + "}}");
        }

        String describe(Path out) {
            StringBuilder s = new StringBuilder();
            s.append(String.format("Ingested %d files in %d batches: %d archived, %d quarantined, %d rows rejected.%n",
                    uploaded, batchIds.size(), archived, quarantined, rejectedRows));
            s.append("Output: ").append(out.toAbsolutePath()).append(" (order_kpis.csv, category_kpis.csv, files.csv, ")
                    .append("reports/, rejected/)");
            for (String p : problems) {
                s.append(String.format("%nPROBLEM: %s", p));
            }
            return s.toString();
        }
    }
}
