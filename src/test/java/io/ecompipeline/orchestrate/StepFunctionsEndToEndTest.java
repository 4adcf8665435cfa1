package io.ecompipeline.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.SfnEndpoint;
import io.ecompipeline.support.TestPipeline;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The application in Step Functions mode (docs/step-functions.md) against src/test/sfn/sfn-endpoint.mjs: a
 * loopback Step Functions API whose executions run the real asl/ files (aws-local-stepfunctions), with their
 * DynamoDB and SQS tasks done on the embedded DynamoDB Local and ElasticMQ and their activity tasks handed to the
 * application's GetActivityTask polls.
 */
class StepFunctionsEndToEndTest {

    static final Path LAB_SAMPLE = Path.of("src/test/resources/lab-sample");
    static final ObjectMapper JSON = new ObjectMapper();

    static final int VALIDATE_FILE_WORKERS = 2;

    static SfnEndpoint endpoint;
    static String endpointUrl;

    @TempDir
    Path out;

    @BeforeAll
    static void startEndpoint() throws Exception {
        LocalServices services = TestPipeline.services();
        // polls are held 60 s, as AWS holds them: longer than the shutdown timeout, so the application must end them
        endpoint = SfnEndpoint.start(services.dynamoDbEndpoint(), services.sqsEndpoint(), services.region(), 60,
                Path.of("target/sfn-endpoint.log"));
        endpointUrl = endpoint.url();
    }

    @AfterAll
    static void stopEndpoint() throws Exception {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    static Map<String, String> stepFunctionsMode() {
        Map<String, String> p = new HashMap<>();
        p.put("pipeline.orchestrator", "stepfunctions");
        p.put("pipeline.sfn.endpoint", endpointUrl);
        p.put("pipeline.sfn.heartbeat-interval", "1s");
        p.put("pipeline.sfn.poll-error-delay", "500");
        // the instance's validate-file workers (one GetActivityTask poll each)
        p.put("pipeline.validation.threads", String.valueOf(VALIDATE_FILE_WORKERS));
        return p;
    }

    @Test
    void labSampleThroughStepFunctionsGivesTheReferenceKpisLogsNoErrorAndStopsAtOnce() throws Exception {
        try (LogCapture log = LogCapture.attach()) {
            TestPipeline pipeline = TestPipeline.fresh(stepFunctionsMode());
            try {
                labSampleGivesTheReferenceKpis(pipeline);
            } finally {
                long t0 = System.nanoTime();
                pipeline.close();
                // the open 60 s polls are ended, not waited for (nor cut by the 30 s shutdown timeout)
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            }
            assertCleanLog(log);
        }
    }

    /** A clean run: no ERROR, no stack trace, no warning (docs/operating.md "Progress and logs"). */
    static void assertCleanLog(LogCapture log) {
        assertThat(log.lines()).as("log lines at ERROR or WARN").noneMatch(
                l -> l.level().equals("ERROR") || l.level().equals("WARN"));
        assertThat(log.events()).as("log lines with a stack trace").noneMatch(e -> e.getThrown() != null);
        assertThat(log.lines()).as("the start-up and the shutdown were logged").anyMatch(
                l -> l.message().contains("shutdown in"));
    }

    private void labSampleGivesTheReferenceKpis(TestPipeline pipeline) throws Exception {
        assertThat(pipeline.ingest(LAB_SAMPLE, out)).isZero();

        ReferenceKpis expected = ReferenceKpis.of(LAB_SAMPLE);
        assertThat(TestPipeline.byKey(TestPipeline.readCsv(out.resolve("order_kpis.csv")), 1))
                .isEqualTo(expected.orderKpis);
        assertThat(TestPipeline.byKey(TestPipeline.readCsv(out.resolve("category_kpis.csv")), 2))
                .isEqualTo(expected.categoryKpis);
        pipeline.assertNothingLost(LAB_SAMPLE);

        String batchId = TestPipeline.readCsv(out.resolve("files.csv")).get(0).get(2);
        assertThat(batchStatus(batchId)).isEqualTo("finished");
        SfnClient sfn = pipeline.bean("sfnClient", SfnClient.class);
        // provisioned from the jar's asl/ files
        assertThat(sfn.listStateMachines().stateMachines()).extracting(m -> m.name())
                .contains("ecom-pipeline-ingest-batch", "ecom-pipeline-daily-generation");
        assertThat(sfn.listActivities().activities()).extracting(a -> a.name()).contains(
                "ecom-pipeline-validate-file", "ecom-pipeline-validate-apply", "ecom-pipeline-compute-kpis",
                "ecom-pipeline-curate-batch", "ecom-pipeline-finish-batch", "ecom-pipeline-generate");
        String executionArn = executionArn(sfn, batchId);
        // the finish step ends the batch; the execution releases the lock just after
        DescribeExecutionResponse execution = awaitEnd(sfn, executionArn);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode input = JSON.readTree(execution.input());
        assertThat(input.get("batchId").asText()).isEqualTo(batchId);
        assertThat(input.get("files")).hasSize(26)
                .allSatisfy(f -> assertThat(f.asText()).startsWith("collected/"));
        List<JsonNode> files = new ArrayList<>();
        List<JsonNode> activities = new ArrayList<>();
        for (HistoryEvent e : sfn.getExecutionHistory(b -> b.executionArn(executionArn)).events()) {
            if ("ActivitySucceeded".equals(e.typeAsString())) {
                JsonNode output = JSON.readTree(e.activitySucceededEventDetails().output());
                (output.has("fileKey") ? files : activities).add(output);
            }
        }
        // the Map: one task per file, each file once
        assertThat(files).extracting(f -> f.get("fileKey").asText())
                .containsExactlyInAnyOrderElementsOf(JSON.convertValue(input.get("files"), List.class));
        assertThat(files).allSatisfy(f -> assertThat(f.get("outcome").asText()).isIn("archived", "quarantined"));
        assertThat(activities).hasSize(4);
        assertThat(activities.get(2).get("status").asText()).as("the curated zone written").isEqualTo("curated");
        // orders and lines: one file per date (31); each KPI table: one per month (the sample spans 2)
        assertThat(pipeline.objects().keySet()).filteredOn(k -> k.startsWith("curated/")).hasSize(2 * 31 + 2 * 2);
        JsonNode validation = activities.get(0);
        assertThat(validation.get("batchId").asText()).isEqualTo(batchId);
        assertThat(validation.get("acceptedRows").asLong()).isPositive();
        assertThat(validation.get("filesAccepted").asInt() + validation.get("filesQuarantined").asInt())
                .isEqualTo(26);
        assertThat(lockItem(pipeline)).as("the ingest lock is released").isEmpty();
    }

    @Test
    void aFailingStepFailsTheExecutionReleasesTheLockAlertsAndDeadLettersTheBatch() throws Exception {
        try (LogCapture log = LogCapture.attach(); TestPipeline pipeline = TestPipeline.fresh(stepFunctionsMode())) {
            // applying the batch needs this table: the validate-apply task fails with a non-transient SQL error
            pipeline.sql("ALTER TABLE pipeline.orders RENAME TO orders_gone");
            // a few of the lab sample's files are enough to fail
            Path input = Files.createDirectories(out.resolve("input"));
            for (String file : List.of("products.csv", "orders_part1.csv", "order_items_part1.csv")) {
                Files.copy(LAB_SAMPLE.resolve(file), input.resolve(file));
            }

            assertThat(pipeline.ingest(input, out.resolve("output"))).isEqualTo(1);

            String batchId = onlyBatch();
            assertThat(batchStatus(batchId)).isEqualTo("dead_lettered");
            SfnClient sfn = pipeline.bean("sfnClient", SfnClient.class);
            DescribeExecutionResponse execution = awaitEnd(sfn, executionArn(sfn, batchId));
            assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(execution.error()).isEqualTo("BatchFailed");
            assertThat(lockItem(pipeline)).as("the ingest lock is released").isEmpty();

            SqsClient sqs = pipeline.bean("sqsClient", SqsClient.class);
            JsonNode alert = awaitMessage(sqs, "ecom-pipeline-alerts", batchId);
            assertThat(alert.get("error").asText()).isEqualTo("BatchFailed");
            assertThat(alert.get("executionId").asText()).isEqualTo(execution.executionArn());
            assertThat(alert.get("cause").asText()).contains("orders");
            JsonNode deadLetter = awaitMessage(sqs, "ecom-pipeline-dead-letter", batchId);
            assertThat(deadLetter.get("error").asText()).contains("BatchFailed");
            // nothing lost: the files wait under collected/ for a re-drive
            assertThat(pipeline.objects().keySet()).filteredOn(k -> k.startsWith("collected/")).hasSize(3);
            // the reason is the execution's, not attempts this mode does not count
            assertThat(log.containing("Batch dead-lettered: its Step Functions execution failed (BatchFailed: ")).hasSize(1);
            // "no execution yet" was an answer, not an error
            assertThat(log.containing("ExecutionDoesNotExist")).isEmpty();
            assertThat(log.events()).noneMatch(e -> e.getThrown() != null
                    && String.valueOf(e.getThrown()).contains("ExecutionDoesNotExist"));
        }
    }

    @Test
    void aSecondStartFindsTheActivitiesAndCreatesNone() throws Exception {
        try (TestPipeline first = TestPipeline.fresh(stepFunctionsMode())) {
            assertThat(first.bean("sfnClient", SfnClient.class).listActivities().activities()).isNotEmpty();
        }
        try (LogCapture log = LogCapture.attach(); TestPipeline again = TestPipeline.restart(stepFunctionsMode())) {
            assertThat(log.containing("Created activity")).isEmpty();
            assertThat(log.containing("Orchestrator: Step Functions")).hasSize(1);
        }
    }

    @Test
    void anUnreachableStepFunctionsEndpointIsNamedAsSuch() throws Exception {
        Map<String, String> dead = stepFunctionsMode();
        dead.put("pipeline.sfn.endpoint", "http://127.0.0.1:9");
        assertThatThrownBy(() -> TestPipeline.fresh(dead).close()).hasRootCauseInstanceOf(ConnectException.class)
                .satisfies(e -> assertThat(startupMessage(e)).startsWith(
                        "Cannot reach Step Functions at http://127.0.0.1:9: "));
    }

    private static String startupMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupException) {
                return t.getMessage();
            }
        }
        throw new AssertionError("no StartupException in " + e);
    }

    @Test
    void shutdownStopsPolling() throws Exception {
        TestPipeline pipeline = TestPipeline.fresh(stepFunctionsMode());
        JsonNode before = stats();
        long pollsBefore = before.get("polls").asLong();
        int workers = 5 + VALIDATE_FILE_WORKERS;
        awaitQuietly(Duration.ofSeconds(10), () -> stats().get("openPolls").asInt() >= workers);
        assertThat(stats().get("openPolls").asInt()).as("one poll per activity, validate-file's per validation thread")
                .isEqualTo(workers);
        assertThat(stats().get("polls").asLong()).isGreaterThan(pollsBefore);

        long t0 = System.nanoTime();
        pipeline.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("shutdown with six open 60 s polls")
                .isLessThan(Duration.ofSeconds(5));

        awaitQuietly(Duration.ofSeconds(2), () -> stats().get("openPolls").asInt() == 0);
        JsonNode stopped = stats();
        assertThat(stopped.get("openPolls").asInt()).as("no poll left open").isZero();
        // an absence has no event to wait for: the poll count stays put for 1.5 s, and the check fails the moment a
        // poll comes in
        await("no poll after shutdown").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> stats().get("polls").asLong() == stopped.get("polls").asLong());
        assertThat(stats().get("polls").asLong()).as("no poll after shutdown").isEqualTo(stopped.get("polls").asLong());
    }

    // --- helpers

    static JsonNode stats() throws Exception {
        return endpoint.stats();
    }

    static String executionArn(SfnClient sfn, String batchId) {
        String machine = sfn.listStateMachines().stateMachines().stream()
                .filter(m -> m.name().equals("ecom-pipeline-ingest-batch")).findFirst().orElseThrow().stateMachineArn();
        return machine.replace(":stateMachine:", ":execution:") + ":" + batchId;
    }

    /** The execution once it has ended, or as it is after 20 s (the caller's check of its status then fails). */
    static DescribeExecutionResponse awaitEnd(SfnClient sfn, String executionArn) {
        awaitQuietly(Duration.ofSeconds(20),
                () -> sfn.describeExecution(b -> b.executionArn(executionArn)).status() != ExecutionStatus.RUNNING);
        return sfn.describeExecution(b -> b.executionArn(executionArn));
    }

    /**
     * Waits until {@code condition} holds or {@code timeout} has passed, checking every 100 ms; the assertion after it
     * says what is wrong when it does not hold.
     */
    static void awaitQuietly(Duration timeout, Callable<Boolean> condition) {
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            // the caller's assertion reports it
        }
    }

    static Map<String, AttributeValue> lockItem(TestPipeline pipeline) {
        return pipeline.bean("dynamoDbClient", DynamoDbClient.class).getItem(b -> b.tableName("ProcessingLock")
                .key(Map.of("lock_id", AttributeValue.builder().s("sfn-ingest-batch").build()))).item();
    }

    static JsonNode awaitMessage(SqsClient sqs, String queue, String batchId) throws Exception {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                JsonNode body = JSON.readTree(m.body());
                if (batchId.equals(body.path("batchId").asText(body.path("batch_id").asText()))) {
                    return body;
                }
            }
        }
        throw new AssertionError("no message about " + batchId + " on " + queue);
    }

    static String batchStatus(String batchId) throws Exception {
        return query("SELECT status FROM pipeline.batches WHERE batch_id = '" + batchId + "'");
    }

    static String onlyBatch() throws Exception {
        return query("SELECT string_agg(batch_id, ',') FROM pipeline.batches");
    }

    static String query(String sql) throws Exception {
        LocalServices s = TestPipeline.services();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
