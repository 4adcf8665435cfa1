package io.ecompipeline.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.ecompipeline.cli.KpiExport;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.state.BatchStore;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The two batch steps of Step Functions mode's validation, on a closed batch that no orchestrator has started (another
 * owner holds the processing lease): the per-file step ({@code direct:activity-validate-file}, a Map iteration) stages
 * a file once however often it is called, also by duplicated calls at the same time; and the batch-level step after
 * it ({@code direct:activity-validate-apply}) validates the files no iteration did before applying, so the batch
 * gives the reference KPIs.
 */
class FileValidationActivityTest {

    private static final Path LAB_SAMPLE = Path.of("src/test/resources/lab-sample");

    @TempDir
    Path out;

    @Test
    void aDuplicatedFileTaskStagesTheFileOnceAndTheBatchStepValidatesTheRest() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(LAB_SAMPLE)) {
            files = listing.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        ProcessingLease elsewhere = null;
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of(
                "pipeline.batch.min-order-files", String.valueOf(count(files, "orders_")),
                "pipeline.batch.min-item-files", String.valueOf(count(files, "order_items_")),
                "pipeline.batch.retry-interval", "1s"))) {
            // another instance holds the processing lease: the batch closes, and waits
            elsewhere = new ProcessingLease(pipeline.bean("dynamoDbClient", DynamoDbClient.class), "ProcessingLock",
                    ProcessingLease.PROCESSING, Duration.ofMinutes(5), Duration.ofMinutes(1));
            assertThat(elsewhere.tryAcquire()).isTrue();
            try (S3Client s3 = Clients.s3(TestPipeline.services())) {
                for (Path f : files) {
                    s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + f.getFileName()),
                            RequestBody.fromFile(f));
                }
            }
            TestPipeline.await("the batch closed", Duration.ofSeconds(30), () -> StepFunctionsEndToEndTest.query(
                    "SELECT count(*) FROM pipeline.batch_files").equals(String.valueOf(files.size())));
            String batchId = StepFunctionsEndToEndTest.onlyBatch();
            BatchStore batches = pipeline.bean("batchStore", BatchStore.class);
            assertThat(batches.status(batchId)).isEqualTo(BatchStore.COLLECTED);
            String orders = batches.files(batchId).stream().map(BatchFile::collectedKey)
                    .filter(k -> k.contains("/orders_")).findFirst().orElseThrow();

            // the same file's task three times at once (a duplicated or retried iteration), then once more
            ProducerTemplate producer = pipeline.app().context().createProducerTemplate();
            Callable<Object> validateOrders = () -> producer.requestBodyAndHeaders("direct:activity-validate-file",
                    null, Map.of("batchId", batchId, "fileKey", orders));
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Object>> calls = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    calls.add(pool.submit(validateOrders));
                }
                for (Future<Object> call : calls) {
                    call.get();
                }
            } finally {
                pool.shutdownNow();
            }
            validateOrders.call();

            BatchFile staged = batches.file(batchId, orders);
            assertThat(staged.outcome()).isEqualTo(BatchFile.ARCHIVED);
            assertThat(staged.rowsAccepted()).isPositive();
            assertThat(StepFunctionsEndToEndTest.query("SELECT count(*) FROM pipeline.stage_orders"))
                    .as("the file's rows staged once").isEqualTo(String.valueOf(staged.rowsAccepted()));
            assertThat(batches.filesToValidate(batchId)).hasSize(files.size() - 1);

            // the lease is free: the batch runs, its validate-apply step validating the other files first
            elsewhere.release();
            TestPipeline.await("the batch finished", Duration.ofSeconds(60),
                    () -> BatchStore.FINISHED.equals(batches.status(batchId)));
            assertThat(batches.filesToValidate(batchId)).isEmpty();

            ReferenceKpis expected = ReferenceKpis.of(LAB_SAMPLE);
            KpiExport kpis = new KpiExport(pipeline.bean("dynamoDbClient", DynamoDbClient.class));
            Path orderCsv = out.resolve("order_kpis.csv");
            KpiExport.writeCsv(orderCsv, List.of("order_date", "total_orders", "total_revenue", "total_items_sold",
                    "return_rate", "unique_customers"), kpis.rows("OrderKPIs", List.of("order_date", "total_orders",
                    "total_revenue", "total_items_sold", "return_rate", "unique_customers"), 1));
            assertThat(TestPipeline.byKey(TestPipeline.readCsv(orderCsv), 1)).isEqualTo(expected.orderKpis);
        } finally {
            if (elsewhere != null) {
                elsewhere.shutdown();
            }
        }
    }

    private static long count(List<Path> files, String prefix) {
        return files.stream().filter(f -> f.getFileName().toString().startsWith(prefix)).count();
    }
}
