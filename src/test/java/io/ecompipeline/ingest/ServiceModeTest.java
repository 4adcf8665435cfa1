package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.model.FileArrival;
import io.ecompipeline.support.TestPipeline;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.spi.AggregationRepository;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The service's batch closing rules (docs/contract.md §2), short durations, and a pending batch across a restart. */
class ServiceModeTest {

    private static final String PRODUCTS = "product_id,category,name,price\n1,Books,Dune,10.00\n";

    private static void drop(TestPipeline pipeline, String name, String content) {
        pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + name),
                RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    private static String orders(int id) {
        return "order_id,user_id,order_date,total_amount,status\n" + id + ",1,2025-01-01,10.00,delivered\n";
    }

    private static String items(int id) {
        return "order_id,product_id,quantity,unit_price\n" + id + ",1,1,10.00\n";
    }

    private static List<String> keys(TestPipeline pipeline, String prefix) {
        return pipeline.s3().listObjectsV2Paginator(b -> b.bucket(TestPipeline.BUCKET).prefix(prefix)).contents()
                .stream().map(o -> o.key()).toList();
    }

    private static void await(String what, Duration timeout, TestPipeline.Condition condition)
            throws InterruptedException {
        TestPipeline.await(what, timeout, condition);
    }

    /** Drops a catalog, one orders and one items file and waits until the open batch in PostgreSQL lists them. */
    private static void dropThreeFilesAndWaitInTheOpenBatch(TestPipeline pipeline) throws InterruptedException {
        drop(pipeline, "products.csv", PRODUCTS);
        drop(pipeline, "orders_1.csv", orders(1));
        drop(pipeline, "order_items_1.csv", items(1));
        await("3 files collected", Duration.ofSeconds(20), () -> keys(pipeline, "collected/").size() == 3);
        await("3 files in the open batch", Duration.ofSeconds(20), () -> openBatchFiles(pipeline) == 3);
    }

    /**
     * The arrivals of the open batch as collect-batch keeps it (the aggregation repository in PostgreSQL, key
     * open-batch); 0 when no batch is open.
     */
    private static int openBatchFiles(TestPipeline pipeline) {
        CamelContext context = pipeline.app().context();
        for (AggregationRepository repository : context.getRegistry().findByType(AggregationRepository.class)) {
            Exchange open = repository.get(context, "open-batch");
            if (open != null) {
                return FileArrival.fromManifest(open.getMessage().getBody(String.class)).size();
            }
        }
        return 0;
    }

    private static JsonNode onlyReport(TestPipeline pipeline) throws Exception {
        List<String> reports = keys(pipeline, "reports/");
        assertThat(reports).hasSize(1);
        return new ObjectMapper().readTree(pipeline.object(reports.get(0)));
    }

    @Test
    void batchClosesWhenTheThresholdsAreMet() throws Exception {
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.batch.min-order-files", "2",
                "pipeline.batch.min-item-files", "2", "pipeline.batch.force-after", "1h"))) {
            dropThreeFilesAndWaitInTheOpenBatch(pipeline);
            // incoming/ is empty now: every poll (200 ms here) is an idle one that reminds the open batch; five
            // reminders below its thresholds leave it open
            NotifyBuilder reminders = new NotifyBuilder(pipeline.app().context()).fromRoute("remind-open-batch")
                    .whenCompleted(5).create();
            assertThat(reminders.matches(20, TimeUnit.SECONDS)).as("idle polls remind the open batch").isTrue();
            // an idle poll is no arrival: the poll route counted the three files only
            ManagedRouteMBean poller = pipeline.app().context().getCamelContextExtension()
                    .getContextPlugin(ManagedCamelContext.class).getManagedRoute("ingest-poll-s3");
            assertThat(poller.getExchangesTotal()).as("ingest-poll-s3 exchanges after idle polls").isEqualTo(3);
            assertThat(openBatchFiles(pipeline)).as("batch below its thresholds stays open").isEqualTo(3);
            assertThat(keys(pipeline, "reports/")).as("batch below its thresholds stays open").isEmpty();

            drop(pipeline, "orders_2.csv", orders(2));
            drop(pipeline, "order_items_2.csv", items(2));
            await("a batch report", Duration.ofSeconds(30), () -> !keys(pipeline, "reports/").isEmpty());
            JsonNode report = onlyReport(pipeline);
            assertThat(report.get("totals").get("archived").asInt()).isEqualTo(5);
            assertThat(keys(pipeline, "collected/")).isEmpty();
            assertThat(keys(pipeline, "incoming/")).isEmpty();
            assertThat(keys(pipeline, "archive/")).hasSize(5);
            assertThat(pipeline.object(keys(pipeline, "archive/").stream().filter(k -> k.endsWith("/orders_2.csv"))
                    .findFirst().orElseThrow())).isEqualTo(orders(2));
        }
    }

    @Test
    void batchClosesAfterForceAfterEvenBelowTheThresholds() throws Exception {
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.batch.force-after", "3s"))) {
            drop(pipeline, "products.csv", PRODUCTS);
            drop(pipeline, "orders_1.csv", orders(1));
            drop(pipeline, "order_items_1.csv", items(1));
            long started = System.nanoTime();
            await("a forced batch", Duration.ofSeconds(30), () -> !keys(pipeline, "reports/").isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(onlyReport(pipeline).get("totals").get("archived").asInt()).isEqualTo(3);
            assertThat(keys(pipeline, "collected/")).isEmpty();
        }
    }

    @Test
    void pendingBatchSurvivesARestart() throws Exception {
        Map<String, String> config = Map.of("pipeline.batch.min-order-files", "2", "pipeline.batch.min-item-files", "2",
                "pipeline.batch.force-after", "1h");
        try (TestPipeline pipeline = TestPipeline.fresh(config)) {
            dropThreeFilesAndWaitInTheOpenBatch(pipeline);
        }
        try (TestPipeline pipeline = TestPipeline.restart(config)) {
            drop(pipeline, "orders_2.csv", orders(2));
            drop(pipeline, "order_items_2.csv", items(2));
            await("a batch report", Duration.ofSeconds(30), () -> !keys(pipeline, "reports/").isEmpty());
            JsonNode report = onlyReport(pipeline);
            assertThat(report.get("totals").get("archived").asInt()).as("one batch with the files of both runs")
                    .isEqualTo(5);
            assertThat(report.get("totals").get("rows_accepted").asInt()).isEqualTo(5);
            assertThat(keys(pipeline, "collected/")).isEmpty();
        }
    }

    @Test
    void batchDueAfterARestartClosesWithoutNewFiles() throws Exception {
        Map<String, String> config = Map.of("pipeline.batch.min-order-files", "2", "pipeline.batch.min-item-files", "2",
                "pipeline.batch.force-after", "1h");
        try (TestPipeline pipeline = TestPipeline.fresh(config)) {
            dropThreeFilesAndWaitInTheOpenBatch(pipeline);
        }
        // restarted with thresholds the open batch already meets: idle polls close it
        try (TestPipeline pipeline = TestPipeline.restart(Map.of("pipeline.batch.min-order-files", "1",
                "pipeline.batch.min-item-files", "1", "pipeline.batch.force-after", "1h"))) {
            await("a batch report", Duration.ofSeconds(30), () -> !keys(pipeline, "reports/").isEmpty());
            assertThat(onlyReport(pipeline).get("totals").get("archived").asInt()).isEqualTo(3);
        }
    }

    @Test
    void arrivalsAreCollectedWhileABatchRuns() throws Exception {
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.batch.min-order-files", "1",
                "pipeline.batch.min-item-files", "1", "pipeline.batch.force-after", "1h"));
                java.sql.Connection blocker = java.sql.DriverManager.getConnection(TestPipeline.services().jdbcUrl(),
                        TestPipeline.services().jdbcUser(), TestPipeline.services().jdbcPassword());
                java.sql.Connection watcher = java.sql.DriverManager.getConnection(TestPipeline.services().jdbcUrl(),
                        TestPipeline.services().jdbcUser(), TestPipeline.services().jdbcPassword())) {
            // the first batch's rules wait on this lock: it runs for as long as the test wants
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("LOCK TABLE pipeline.orders IN ACCESS EXCLUSIVE MODE");
            drop(pipeline, "products.csv", PRODUCTS);
            drop(pipeline, "orders_1.csv", orders(1));
            drop(pipeline, "order_items_1.csv", items(1));
            await("the first batch validated and waiting", Duration.ofSeconds(30),
                    () -> "validated".equals(status(watcher)));

            drop(pipeline, "orders_2.csv", orders(2));
            await("the new arrival collected", Duration.ofSeconds(20),
                    () -> keys(pipeline, "collected/").stream().anyMatch(k -> k.endsWith("/orders_2.csv")));
            await("the new arrival in the open batch", Duration.ofSeconds(20),
                    () -> pipeline.bean("batchCompletion", BatchCompletion.class).hasOpenBatch());
            assertThat(status(watcher)).as("the first batch has not ended").isEqualTo("validated");

            blocker.rollback();
            await("the first batch finished", Duration.ofSeconds(30), () -> "finished".equals(status(watcher)));
            assertThat(onlyReport(pipeline).get("totals").get("archived").asInt()).isEqualTo(3);
            assertThat(keys(pipeline, "collected/")).singleElement().asString().endsWith("/orders_2.csv");
        }
    }

    /** The status of the only (or first) batch. */
    private static String status(java.sql.Connection c) throws java.sql.SQLException {
        try (var r = c.createStatement().executeQuery(
                "SELECT status FROM pipeline.batches ORDER BY first_arrival LIMIT 1")) {
            return r.next() ? r.getString(1) : null;
        }
    }
}
