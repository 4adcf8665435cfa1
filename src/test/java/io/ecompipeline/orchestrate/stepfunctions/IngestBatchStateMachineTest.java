package io.ecompipeline.orchestrate.stepfunctions;

import static io.ecompipeline.support.StateMachineHarness.Outcome.failing;
import static io.ecompipeline.support.StateMachineHarness.Outcome.hanging;
import static io.ecompipeline.support.StateMachineHarness.Outcome.returning;
import static io.ecompipeline.support.StateMachineHarness.Outcome.returningAfter;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecompipeline.support.StateMachineHarness;
import io.ecompipeline.support.StateMachineHarness.Outcome;
import io.ecompipeline.support.StateMachineHarness.Run;
import io.ecompipeline.support.StateMachineHarness.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The paths of {@code asl/ingest-batch.asl.json}, interpreted by aws-local-stepfunctions with scripted DynamoDB, SQS
 * and activity results: the lease is taken before any step and released on every path once held, retries follow
 * the definition's backoff, and every failure ends with one alert and a failed execution. The files are validated by
 * a Map, one {@code ValidateFile} task per file; the input runs it one file at a time (validateMaxConcurrency 1) so
 * that the scripted outcomes of its calls meet the files in a fixed order.
 */
class IngestBatchStateMachineTest {

    private static final Path ASL = StateMachineHarness.asl("ingest-batch");
    private static final JsonNode DEFINITION = StateMachineHarness.definition("ingest-batch");
    private static final String UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem";
    private static final String DELETE_ITEM = "arn:aws:states:::dynamodb:deleteItem";
    private static final String SEND_MESSAGE = "arn:aws:states:::sqs:sendMessage";
    private static final String LOCK_BUSY = "DynamoDB.ConditionalCheckFailedException";
    private static final String ORDERS = "collected/a1/orders_2026-11-29.csv";
    private static final String ITEMS = "collected/a1/order_items_2026-11-29.csv";

    private static StateMachineHarness sfn;

    @BeforeAll
    static void startHarness() throws IOException {
        sfn = StateMachineHarness.start();
    }

    @AfterAll
    static void stopHarness() throws IOException {
        sfn.close();
    }

    private static Map<String, Object> input(String batchId) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batchId", batchId);
        input.put("files", List.of(ORDERS, ITEMS));
        input.put("validateMaxConcurrency", 1);
        return input;
    }

    private static Outcome fileValidated() {
        return returning(Map.of("outcome", "archived", "rowsAccepted", 3, "rowsRejected", 0));
    }

    private static List<JsonNode> fileCalls(Run run, String fileKey) {
        return run.calls("ValidateFile").stream().filter(c -> c.path("input").path("fileKey").asText().equals(fileKey))
                .toList();
    }

    private static List<String> fileKeys(Run run) {
        return run.calls("ValidateFile").stream().map(c -> c.path("input").path("fileKey").asText()).toList();
    }

    private static Outcome validated(String batchId, int acceptedRows) {
        return returning(Map.of("batchId", batchId, "acceptedRows", acceptedRows, "rejectedRows", 1,
                "filesQuarantined", 0, "filesAccepted", 2));
    }

    /** Every activity answers; the lease is free. */
    private static Script happy(String batchId) {
        return new Script(input(batchId)).executionName(batchId)
                .task("ValidateFile", fileValidated())
                .task("ValidateApply", validated(batchId, 7))
                .task("ComputeKpis", returning(Map.of("dates", 2)))
                .task("CurateBatch", returning(Map.of("status", "curated")))
                .task("FinishBatch", returning(Map.of("archived", 2)));
    }

    /** The retrier of a top-level Task state, or of the Task inside a Map state's item processor. */
    private static JsonNode retrier(String state, String error) {
        JsonNode s = DEFINITION.path("States").path(state);
        if (s.path("Type").asText().equals("Map")) {
            JsonNode processor = s.path("ItemProcessor");
            s = processor.path("States").path(processor.path("StartAt").asText());
        }
        for (JsonNode r : s.path("Retry")) {
            for (JsonNode e : r.path("ErrorEquals")) {
                if (e.asText().equals(error)) {
                    return r;
                }
            }
        }
        throw new AssertionError(state + " has no retrier for " + error);
    }

    /** The waits before each call when every retry of the retrier is used: 0, then interval x rate^n. */
    private static List<Double> backoffsWhenExhausted(JsonNode retrier) {
        List<Double> waits = new ArrayList<>(List.of(0.0));
        double wait = retrier.path("IntervalSeconds").asDouble(1);
        for (int i = 0; i < retrier.path("MaxAttempts").asInt(3); i++) {
            waits.add(Math.min(wait, retrier.path("MaxDelaySeconds").asDouble(Double.MAX_VALUE)));
            wait *= retrier.path("BackoffRate").asDouble(2);
        }
        return waits;
    }

    private static String me(JsonNode dynamoCall) {
        return dynamoCall.path("input").path("ExpressionAttributeValues").path(":me").path("S").asText();
    }

    /** The only alert of the run, checked for its shape; returns its body. */
    private static JsonNode singleAlert(Run run, String batchId) {
        List<JsonNode> alerts = run.callsTo(SEND_MESSAGE);
        assertThat(alerts).as(run.toString()).hasSize(1);
        assertThat(alerts.get(0).path("input").path("QueueUrl").asText()).endsWith("/ecom-pipeline-alerts");
        JsonNode body = alerts.get(0).path("input").path("MessageBody");
        assertThat(body.path("batchId").asText()).isEqualTo(batchId);
        assertThat(body.path("executionId").asText()).endsWith(":" + batchId);
        return body;
    }

    @Test
    void happyPathTakesTheLeaseRunsEveryStepAndReleasesIt() throws IOException {
        Run run = sfn.run(ASL, happy("b-happy"));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.calls().stream().map(c -> c.path("state").asText()))
                .containsExactly("AcquireLock", "ValidateFile", "ValidateFile", "ValidateApply", "ComputeKpis",
                        "CurateBatch", "FinishBatch", "ReleaseLock");
        assertThat(run.states()).containsExactly("CheckLockExpiry", "NoLockExpiry", "AcquireLock",
                "CheckMaxConcurrency", "ValidateFiles", "ValidateApply", "AnyRowsAccepted", "ComputeKpis",
                "CurateBatch", "FinishBatch", "ReleaseLock", "BatchDone");
        JsonNode acquire = run.calls("AcquireLock").get(0).path("input");
        assertThat(acquire.path("TableName").asText()).isEqualTo("ProcessingLock");
        assertThat(acquire.path("Key").path("lock_id").path("S").asText()).isEqualTo("sfn-ingest-batch");
        assertThat(acquire.path("ConditionExpression").asText())
                .isEqualTo("attribute_not_exists(lock_id) OR #owner = :me OR acquired_at < :expiredBefore");
        assertThat(acquire.path("ExpressionAttributeNames").path("#owner").asText()).isEqualTo("owner");
        assertThat(me(run.calls("AcquireLock").get(0))).endsWith(":execution:ecom-pipeline-ingest-batch:b-happy");

        JsonNode release = run.calls("ReleaseLock").get(0);
        assertThat(release.path("resource").asText()).isEqualTo(DELETE_ITEM);
        assertThat(release.path("input").path("ConditionExpression").asText()).isEqualTo("#owner = :me");
        assertThat(me(release)).isEqualTo(me(run.calls("AcquireLock").get(0)));

        JsonNode validate = run.calls("ValidateApply").get(0);
        assertThat(validate.path("resource").asText())
                .isEqualTo("arn:aws:states:eu-west-1:123456789012:activity:ecom-pipeline-validate-apply");
        assertThat(validate.path("input").path("batchId").asText()).isEqualTo("b-happy");
        assertThat(validate.path("input").path("files")).hasSize(2);
        for (JsonNode file : run.calls("ValidateFile")) {
            assertThat(file.path("resource").asText())
                    .isEqualTo("arn:aws:states:eu-west-1:123456789012:activity:ecom-pipeline-validate-file");
            assertThat(file.path("input").path("batchId").asText()).isEqualTo("b-happy");
            assertThat(file.path("input").size()).as("a file's task needs only the batch id and its key").isEqualTo(2);
        }
        assertThat(fileKeys(run)).containsExactly(ORDERS, ITEMS);
        assertThat(run.output().has("validateFiles")).as("the Map's results are dropped").isFalse();
        assertThat(run.calls("ComputeKpis").get(0).path("input").path("batchId").asText()).isEqualTo("b-happy");
        JsonNode curate = run.calls("CurateBatch").get(0);
        assertThat(curate.path("resource").asText())
                .isEqualTo("arn:aws:states:eu-west-1:123456789012:activity:ecom-pipeline-curate-batch");
        assertThat(curate.path("input").path("batchId").asText()).isEqualTo("b-happy");
        assertThat(curate.path("input").size()).as("the curated step needs only the batch id").isEqualTo(1);
        assertThat(run.callsTo(SEND_MESSAGE)).isEmpty();
        assertThat(run.output().path("validation").path("acceptedRows").asInt()).isEqualTo(7);
    }

    @Test
    void lockExpiryGivenByTheStarterReachesTheCondition() throws IOException {
        Map<String, Object> input = input("b-expiry");
        input.put("lockExpiredBefore", "2026-11-30T05:00:00Z");
        Script script = happy("b-expiry");
        Run withExpiry = sfn.run(ASL, new Script(input).executionName("b-expiry")
                .task("ValidateFile", fileValidated())
                .task("ValidateApply", validated("b-expiry", 1))
                .task("ComputeKpis", returning(Map.of()))
                .task("CurateBatch", returning(Map.of()))
                .task("FinishBatch", returning(Map.of())));
        Run without = sfn.run(ASL, script);

        assertThat(withExpiry.calls("AcquireLock").get(0).path("input").path("ExpressionAttributeValues")
                .path(":expiredBefore").path("S").asText()).isEqualTo("2026-11-30T05:00:00Z");
        // without it, a held lease is never taken over: no ISO time sorts before the default
        String never = without.calls("AcquireLock").get(0).path("input").path("ExpressionAttributeValues")
                .path(":expiredBefore").path("S").asText();
        assertThat(never.compareTo("2000-01-01T00:00:00Z")).isNegative();
    }

    @Test
    void busyLeaseIsRetriedWithBackoffUntilItIsFree() throws IOException {
        Run run = sfn.run(ASL, happy("b-busy")
                .task("AcquireLock", failing(LOCK_BUSY, "held"), failing(LOCK_BUSY, "held"), returning(Map.of())));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.backoffs("AcquireLock")).containsExactlyElementsOf(
                backoffsWhenExhausted(retrier("AcquireLock", LOCK_BUSY)).subList(0, 3));
        assertThat(run.calls("ValidateApply")).hasSize(1);
        assertThat(run.calls("ReleaseLock")).hasSize(1);
    }

    /**
     * Decision: a lease we never got is not deleted (the conditional delete could only fail or, worse, succeed
     * against a holder with our id); the run alerts and fails, and the starter starts the batch again later.
     */
    @Test
    void leaseBusyUntilRetriesRunOutAlertsAndFailsWithoutTouchingTheLease() throws IOException {
        Run run = sfn.run(ASL, happy("b-starved").timeScale(0.0001)
                .task("AcquireLock", failing(LOCK_BUSY, "held by another batch")));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo(LOCK_BUSY);
        assertThat(run.backoffs("AcquireLock"))
                .containsExactlyElementsOf(backoffsWhenExhausted(retrier("AcquireLock", LOCK_BUSY)));
        assertThat(run.backoffs("AcquireLock").stream().mapToDouble(Double::doubleValue).sum())
                .as("a busy lease is waited for about as long as a batch takes, not failed fast").isGreaterThan(600);
        assertThat(run.callsTo(DELETE_ITEM)).as("the lease was never ours").isEmpty();
        assertThat(run.calls("ValidateApply")).isEmpty();
        JsonNode alert = singleAlert(run, "b-starved");
        assertThat(alert.path("error").asText()).isEqualTo(LOCK_BUSY);
        assertThat(alert.path("cause").asText()).isEqualTo("held by another batch");
    }

    @Test
    void transientStepFailureIsRetriedAndTheBatchCompletes() throws IOException {
        Run run = sfn.run(ASL, happy("b-flaky")
                .task("ComputeKpis", failing("Transient", "DynamoDB throttled"), returning(Map.of("dates", 1))));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.backoffs("ComputeKpis")).containsExactly(0.0,
                retrier("ComputeKpis", "Transient").path("IntervalSeconds").asDouble());
        assertThat(run.calls("FinishBatch")).hasSize(1);
        assertThat(run.calls("ReleaseLock")).hasSize(1);
        assertThat(run.callsTo(SEND_MESSAGE)).isEmpty();
    }

    /** The Map's MaxConcurrency comes from the execution input; an older starter's input (without it) still runs. */
    @Test
    void fileValidationWithoutAMaxConcurrencyInTheInputHasADefault() throws IOException {
        Map<String, Object> input = input("b-unbounded");
        input.remove("validateMaxConcurrency");
        input.put("files", List.of(ORDERS, ITEMS, "collected/a1/products.csv"));
        Run run = sfn.run(ASL, happy("b-unbounded").input(input));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.states()).contains("NoMaxConcurrency");
        assertThat(DEFINITION.path("States").path("NoMaxConcurrency").path("Result").asInt()).isPositive();
        assertThat(fileKeys(run)).containsExactlyInAnyOrder(ORDERS, ITEMS, "collected/a1/products.csv");
        assertThat(run.calls("ValidateApply")).hasSize(1);
        assertThat(DEFINITION.path("States").path("ValidateFiles").path("MaxConcurrencyPath").asText())
                .isEqualTo("$.validateMaxConcurrency");
    }

    /** A file's task that fails with Transient is retried (the same file), the other files go on, the batch completes. */
    @Test
    void fileValidationFailingWithTransientIsRetriedAndTheBatchCompletes() throws IOException {
        Run run = sfn.run(ASL, happy("b-file-flaky").task("ValidateFile",
                failing("Transient", "PostgreSQL connection reset"), fileValidated(), fileValidated()));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(fileKeys(run)).containsExactly(ORDERS, ORDERS, ITEMS);
        assertThat(run.calls("ValidateFile").get(1).path("sleptBefore").asDouble())
                .isEqualTo(retrier("ValidateFiles", "Transient").path("IntervalSeconds").asDouble());
        assertThat(run.calls("ValidateApply")).hasSize(1);
        assertThat(run.calls("ReleaseLock")).hasSize(1);
        assertThat(run.callsTo(SEND_MESSAGE)).isEmpty();
    }

    /**
     * A file that cannot be validated fails the Map: no batch-level step runs, the lease is released, one alert. (AWS
     * then stops the Map's other iterations; aws-local-stepfunctions still starts those queued behind the failed one,
     * so the calls are counted for the failing file only.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"BatchFailed", "Transient"})
    void fileValidationFailingForGoodReleasesTheLeaseAlertsAndFails(String error) throws IOException {
        Run run = sfn.run(ASL, happy("b-file-down").task("ValidateFile",
                failing(error, "COPY into stage_orders failed")));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo(error);
        int calls = error.equals("Transient") ? 1 + retrier("ValidateFiles", "Transient").path("MaxAttempts").asInt() : 1;
        assertThat(fileCalls(run, ORDERS)).hasSize(calls);
        assertThat(run.calls("ValidateApply")).isEmpty();
        assertThat(run.calls("ComputeKpis")).isEmpty();
        List<JsonNode> releases = run.callsTo(DELETE_ITEM);
        assertThat(releases).hasSize(1);
        assertThat(me(releases.get(0))).isEqualTo(me(run.calls("AcquireLock").get(0)));
        assertThat(run.states()).endsWith("ValidateFiles", "ReleaseLockAfterFailure", "NotifyFailure", "BatchFailed");
        JsonNode alert = singleAlert(run, "b-file-down");
        assertThat(alert.path("error").asText()).isEqualTo(error);
        assertThat(alert.path("cause").asText()).isEqualTo("COPY into stage_orders failed");
    }

    /** A worker that dies while validating a file: its task times out on heartbeats and another worker takes it. */
    @Test
    void workerSilentOnAFileIsReplacedByAnotherAttempt() throws IOException {
        Run run = sfn.run(ASL, happy("b-file-silent").task("ValidateFile", hanging(), fileValidated(), fileValidated()));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(fileKeys(run)).containsExactly(ORDERS, ORDERS, ITEMS);
        assertThat(run.calls("ValidateFile").get(1).path("sleptBefore").asDouble())
                .isEqualTo(retrier("ValidateFiles", "States.HeartbeatTimeout").path("IntervalSeconds").asDouble());
        assertThat(run.callsTo(DELETE_ITEM)).hasSize(1);
        assertThat(run.callsTo(SEND_MESSAGE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ValidateFile", "ValidateApply", "ComputeKpis", "CurateBatch", "FinishBatch"})
    void transientFailureThatOutlastsTheRetriesReleasesAlertsAndFails(String step) throws IOException {
        Run run = sfn.run(ASL, happy("b-down").task(step, failing("Transient", "PostgreSQL unreachable")));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo("Transient");
        // the worker contract (IntervalSeconds 2, BackoffRate 2, MaxAttempts 3)
        List<Double> backoffs = step.equals("ValidateFile") // the first file's calls (see the test above)
                ? fileCalls(run, ORDERS).stream().map(c -> c.path("sleptBefore").asDouble()).toList()
                : run.backoffs(step);
        assertThat(backoffs).containsExactly(0.0, 2.0, 4.0, 8.0);
        assertThat(run.calls("ValidateApply")).hasSize(step.equals("ValidateFile") ? 0 : step.equals("ValidateApply") ? 4 : 1);
        assertThat(run.calls("ReleaseLockAfterFailure")).hasSize(1);
        assertThat(run.calls("ReleaseLock")).isEmpty();
        assertThat(singleAlert(run, "b-down").path("cause").asText()).isEqualTo("PostgreSQL unreachable");
    }

    @Test
    void fatalStepFailureIsNotRetriedReleasesTheLeaseAlertsAndFails() throws IOException {
        Run run = sfn.run(ASL, happy("b-fatal").task("ComputeKpis", failing("BatchFailed", "KPI item too large")));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo("BatchFailed");
        assertThat(run.cause()).isEqualTo("KPI item too large");
        assertThat(run.calls("ComputeKpis")).hasSize(1);
        assertThat(run.calls("CurateBatch")).isEmpty();
        assertThat(run.calls("FinishBatch")).isEmpty();
        List<JsonNode> releases = run.callsTo(DELETE_ITEM);
        assertThat(releases).hasSize(1);
        assertThat(me(releases.get(0))).isEqualTo(me(run.calls("AcquireLock").get(0)));
        assertThat(run.states()).endsWith("ReleaseLockAfterFailure", "NotifyFailure", "BatchFailed");
        JsonNode alert = singleAlert(run, "b-fatal");
        assertThat(alert.path("error").asText()).isEqualTo("BatchFailed");
        assertThat(alert.path("cause").asText()).isEqualTo("KPI item too large");
    }

    /**
     * HeartbeatSeconds is enforced by the harness (the library ignores it): a silent worker (a container that died
     * mid-step) ends the task, and another worker runs the step again (each step skips work already done).
     */
    @Test
    void workerSilentOnceIsReplacedByAnotherAttempt() throws IOException {
        Run run = sfn.run(ASL, happy("b-silent-once").task("FinishBatch", hanging(), returning(Map.of("finished", true))));

        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.calls("FinishBatch")).hasSize(2);
        assertThat(run.calls("FinishBatch").get(1).path("sleptBefore").asDouble())
                .isEqualTo(retrier("FinishBatch", "States.HeartbeatTimeout").path("IntervalSeconds").asDouble());
        assertThat(run.callsTo(DELETE_ITEM)).hasSize(1);
        assertThat(run.callsTo(SEND_MESSAGE)).isEmpty();
    }

    @Test
    void workerSilentOnEveryAttemptFailsTheRunWithTheLeaseReleased() throws IOException {
        Run run = sfn.run(ASL, happy("b-silent").task("FinishBatch", hanging()));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo("States.HeartbeatTimeout");
        int retries = retrier("FinishBatch", "States.HeartbeatTimeout").path("MaxAttempts").asInt();
        assertThat(retries).isPositive();
        assertThat(run.calls("FinishBatch")).hasSize(1 + retries);
        assertThat(run.calls("ReleaseLockAfterFailure")).hasSize(1);
        assertThat(singleAlert(run, "b-silent").path("error").asText()).isEqualTo("States.HeartbeatTimeout");
    }

    @Test
    void stepRunningPastItsTimeoutFailsTheRunWithTheLeaseReleased() throws IOException {
        int timeout = DEFINITION.path("States").path("ValidateApply").path("TimeoutSeconds").asInt();
        Run run = sfn.run(ASL, happy("b-slow").timeScale(0.0001)
                .task("ValidateApply", returningAfter(timeout + 60, Map.of("acceptedRows", 1))));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo("States.Timeout");
        assertThat(run.calls("ValidateApply")).as("a timed-out step is not retried").hasSize(1);
        assertThat(run.calls("ComputeKpis")).isEmpty();
        assertThat(run.calls("ReleaseLockAfterFailure")).hasSize(1);
        assertThat(singleAlert(run, "b-slow").path("error").asText()).isEqualTo("States.Timeout");
    }

    @Test
    void everyActivityDeclaresItsTimeouts() {
        List<String> activities = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> states = new ArrayList<>();
        DEFINITION.path("States").fields().forEachRemaining(states::add);
        DEFINITION.path("States").path("ValidateFiles").path("ItemProcessor").path("States").fields()
                .forEachRemaining(states::add);
        states.forEach(e -> {
            if (e.getValue().path("Resource").asText().contains(":activity:")
                    || e.getValue().path("Resource").asText().startsWith("${ActivityArnPrefix}")) {
                activities.add(e.getKey());
                assertThat(e.getValue().path("HeartbeatSeconds").asInt()).as(e.getKey()).isPositive()
                        .isLessThan(e.getValue().path("TimeoutSeconds").asInt());
            }
        });
        assertThat(activities).containsExactlyInAnyOrder("ValidateFile", "ValidateApply", "ComputeKpis", "CurateBatch",
                "FinishBatch");
    }

    @Test
    void batchWithNoAcceptedRowSkipsKpisButIsFinished() throws IOException {
        Run run = sfn.run(ASL, happy("b-empty").task("ValidateApply", validated("b-empty", 0)));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.calls("ComputeKpis")).isEmpty();
        assertThat(run.calls("CurateBatch")).as("no date changed: nothing to curate").isEmpty();
        assertThat(run.calls("FinishBatch")).hasSize(1);
        assertThat(run.calls("ReleaseLock")).hasSize(1);
    }

    /** The batch is done; a lease lost to a takeover (or not deletable) is reported, not turned into a failure. */
    @Test
    void leaseThatIsNoLongerOursAtTheEndIsAlertedButTheBatchSucceeds() throws IOException {
        Run run = sfn.run(ASL, happy("b-lost").task("ReleaseLock", failing(LOCK_BUSY, "owner changed")));

        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.calls("ReleaseLock")).as("a failed condition is not retried").hasSize(1);
        assertThat(singleAlert(run, "b-lost").path("error").asText()).isEqualTo(LOCK_BUSY);
    }

    @Test
    void failedReleaseAfterAFailureStillAlertsWithTheStepError() throws IOException {
        Run run = sfn.run(ASL, happy("b-twice")
                .task("ValidateApply", failing("BatchFailed", "manifest unreadable"))
                .task("ReleaseLockAfterFailure", failing("DynamoDB.AmazonDynamoDBException", "unreachable")));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo("BatchFailed");
        assertThat(run.calls("ReleaseLockAfterFailure")).as("retried: the lease should not wait for its expiry")
                .hasSize(1 + retrier("ReleaseLockAfterFailure", "States.TaskFailed").path("MaxAttempts").asInt());
        assertThat(singleAlert(run, "b-twice").path("cause").asText()).isEqualTo("manifest unreadable");
    }
}
