package io.ecompipeline.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.ecompipeline.cli.KpiExport;
import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.ExecutionHistory;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Step Functions mode scaled out (docs/step-functions.md, Concurrency): three application JVMs, each a worker
 * of every activity, against the test Step Functions endpoint (src/test/sfn/sfn-endpoint.mjs). One batch of the lab
 * sample's 26 files is validated by the ingest state machine's Map, one task per file: the execution's history tells
 * which worker took each file (the workerName of its ActivityStarted), and more than one did. The KPIs are those of
 * the same files ingested in local mode.
 */
class StepFunctionsWorkersTest {

    private static final Path LAB_SAMPLE = StepFunctionsEndToEndTest.LAB_SAMPLE;
    private static final int WORKERS = 3;

    @BeforeAll
    static void startEndpoint() throws Exception {
        StepFunctionsEndToEndTest.startEndpoint();
    }

    @AfterAll
    static void stopEndpoint() throws Exception {
        StepFunctionsEndToEndTest.stopEndpoint();
    }

    @Test
    void threeWorkerJvmsShareABatchsFilesAndGiveTheKpisOfLocalMode() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(LAB_SAMPLE)) {
            files = listing.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(12);

        // local mode, in this JVM: the reference
        Path localOut = Files.createTempDirectory("local-kpis");
        Map<String, List<List<String>>> local;
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            assertThat(pipeline.ingest(LAB_SAMPLE, localOut)).isZero();
            local = kpis();
        }
        TestPipeline.reset();

        LocalServices services = TestPipeline.services();
        Map<String, String> settings = new HashMap<>(StepFunctionsEndToEndTest.stepFunctionsMode());
        settings.put("pipeline.poll.delay", "200");
        settings.put("pipeline.generator.schedule-enabled", "false");
        // the batch closes only once every file of the sample is in, whatever the uploads and polls interleave
        settings.put("pipeline.batch.min-order-files", String.valueOf(count(files, "orders_")));
        settings.put("pipeline.batch.min-item-files", String.valueOf(count(files, "order_items_")));
        Path logs = Path.of("target", "sfn-workers");
        List<ChildPipeline> workers = new ArrayList<>();
        try {
            // the first creates the schema and the Step Functions resources; the others find them
            workers.add(ChildPipeline.start(services, settings, logs.resolve("worker-1.log")));
            assertThat(workers.get(0).awaitLog("Orchestrator: Step Functions", 60_000))
                    .as("worker 1 started (target/sfn-workers/worker-1.log)").isTrue();
            for (int i = 2; i <= WORKERS; i++) {
                workers.add(ChildPipeline.start(services, settings, logs.resolve("worker-" + i + ".log")));
            }
            int polls = WORKERS * (5 + StepFunctionsEndToEndTest.VALIDATE_FILE_WORKERS);
            TestPipeline.await("every worker polling every activity", Duration.ofSeconds(90),
                    () -> StepFunctionsEndToEndTest.stats().get("openPolls").asInt() >= polls);

            try (S3Client s3 = Clients.s3(services)) {
                for (Path f : files) {
                    s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + f.getFileName()),
                            RequestBody.fromFile(f));
                }
            }
            TestPipeline.await("the batch finished", Duration.ofSeconds(120),
                    () -> "finished".equals(StepFunctionsEndToEndTest.query(
                            "SELECT string_agg(status, ',') FROM pipeline.batches")));
            String batchId = StepFunctionsEndToEndTest.onlyBatch();

            try (SfnClient sfn = Clients.sfn(services, StepFunctionsEndToEndTest.endpointUrl)) {
                String executionArn = StepFunctionsEndToEndTest.executionArn(sfn, batchId);
                DescribeExecutionResponse execution = StepFunctionsEndToEndTest.awaitEnd(sfn, executionArn);
                assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                ExecutionHistory history = ExecutionHistory.of(sfn, executionArn);
                List<ExecutionHistory.Task> validateFileTasks = history.tasks("ecom-pipeline-validate-file");
                Map<String, Set<String>> filesByWorker = history.filesByWorker("ecom-pipeline-validate-file");
                assertThat(validateFileTasks).as("one validate-file task per file").hasSize(files.size());
                assertThat(history.tasks()).as("every activity task ended, and succeeded")
                        .allSatisfy(t -> assertThat(t.succeeded()).isTrue());
                assertThat(filesByWorker.values().stream().mapToInt(Set::size).sum()).isEqualTo(files.size());
                assertThat(filesByWorker).as("files validated per worker: %s", filesByWorker)
                        .hasSizeGreaterThan(1).hasSizeLessThanOrEqualTo(WORKERS);
            }

            assertThat(kpis()).isEqualTo(local);
            for (int i = 0; i < WORKERS; i++) {
                assertThat(workers.get(i).output()).as("worker %d's log", i + 1).doesNotContain(" ERROR ");
            }
        } finally {
            for (ChildPipeline w : workers) {
                w.close();
            }
        }
    }

    private static long count(List<Path> files, String prefix) {
        return files.stream().filter(f -> f.getFileName().toString().startsWith(prefix)).count();
    }

    private static Map<String, List<List<String>>> kpis() throws Exception {
        try (DynamoDbClient ddb = Clients.dynamoDb(TestPipeline.services())) {
            KpiExport export = new KpiExport(ddb);
            return Map.of("OrderKPIs", export.rows("OrderKPIs", KpiExport.ORDER_COLUMNS, 1),
                    "CategoryKPIs", export.rows("CategoryKPIs", KpiExport.CATEGORY_COLUMNS, 2));
        }
    }
}
