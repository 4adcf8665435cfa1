package io.ecompipeline.orchestrate.stepfunctions;

import static io.ecompipeline.support.StateMachineHarness.Outcome.failing;
import static io.ecompipeline.support.StateMachineHarness.Outcome.hanging;
import static io.ecompipeline.support.StateMachineHarness.Outcome.returning;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.support.StateMachineHarness;
import io.ecompipeline.support.StateMachineHarness.Run;
import io.ecompipeline.support.StateMachineHarness.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code asl/daily-generation.asl.json}, started with the input of its schedule rule
 * ({@code asl/daily-generation.schedule.json}): a failed generation run is retried twice with growing waits, and
 * a run that still fails is alerted on and fails the execution.
 */
class DailyGenerationStateMachineTest {

    private static final Path ASL = StateMachineHarness.asl("daily-generation");
    private static final JsonNode DEFINITION = StateMachineHarness.definition("daily-generation");
    private static final String SEND_MESSAGE = "arn:aws:states:::sqs:sendMessage";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StateMachineHarness sfn;

    @BeforeAll
    static void startHarness() throws IOException {
        sfn = StateMachineHarness.start();
    }

    @AfterAll
    static void stopHarness() throws IOException {
        sfn.close();
    }

    /** The execution input the schedule rule sends. */
    private static JsonNode scheduledInput() throws IOException {
        JsonNode rule = JSON.readTree(StateMachineHarness.ASL_DIR.resolve("daily-generation.schedule.json").toFile());
        return JSON.readTree(rule.path("Targets").get(0).path("Input").asText());
    }

    private static JsonNode generateRetrier() {
        return DEFINITION.path("States").path("Generate").path("Retry").get(0);
    }

    @Test
    void scheduleRunsDailyAt0200UtcAndTargetsTheGenerationMachine() throws IOException {
        JsonNode rule = JSON.readTree(StateMachineHarness.ASL_DIR.resolve("daily-generation.schedule.json").toFile());
        assertThat(rule.path("ScheduleExpression").asText()).isEqualTo("cron(0 2 * * ? *)");
        assertThat(rule.path("Targets")).hasSize(1);
        assertThat(rule.path("Targets").get(0).path("Arn").asText()).isEqualTo("${GenerationStateMachineArn}");
        assertThat(scheduledInput().path("mode").asText()).isEqualTo("incremental");
    }

    @Test
    void scheduledRunGeneratesIncrementallyAndSucceeds() throws IOException {
        Run run = sfn.run(ASL, new Script(scheduledInput())
                .task("Generate", returning(Map.of("days", 1, "orders", 1234))));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        List<JsonNode> generate = run.calls("Generate");
        assertThat(generate).hasSize(1);
        assertThat(generate.get(0).path("resource").asText()).endsWith(":activity:ecom-pipeline-generate");
        assertThat(generate.get(0).path("input").path("mode").asText()).isEqualTo("incremental");
        assertThat(run.callsTo(SEND_MESSAGE)).isEmpty();
    }

    @Test
    void failingGenerationIsRetriedTwiceWithBackoffThenAlertedAndFailed() throws IOException {
        Run run = sfn.run(ASL, new Script(scheduledInput())
                .task("Generate", failing("Transient", "S3 unreachable")));

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.error()).isEqualTo("Transient");
        assertThat(generateRetrier().path("MaxAttempts").asInt()).isEqualTo(2);
        double interval = generateRetrier().path("IntervalSeconds").asDouble();
        double rate = generateRetrier().path("BackoffRate").asDouble();
        assertThat(rate).isGreaterThan(1);
        assertThat(run.backoffs("Generate")).containsExactly(0.0, interval, interval * rate);
        List<JsonNode> alerts = run.callsTo(SEND_MESSAGE);
        assertThat(alerts).hasSize(1);
        JsonNode body = alerts.get(0).path("input").path("MessageBody");
        assertThat(alerts.get(0).path("input").path("QueueUrl").asText()).endsWith("/ecom-pipeline-alerts");
        assertThat(body.path("executionId").asText()).contains(":execution:ecom-pipeline-daily-generation:");
        assertThat(body.path("error").asText()).isEqualTo("Transient");
        assertThat(body.path("cause").asText()).isEqualTo("S3 unreachable");
        assertThat(body.path("mode").asText()).isEqualTo("incremental");
    }

    /** The generator resumes an interrupted run, so a worker lost mid-run is worth another attempt. */
    @Test
    void lostWorkerIsRetriedAndTheRunSucceeds() throws IOException {
        Run run = sfn.run(ASL, new Script(scheduledInput())
                .task("Generate", hanging(), returning(Map.of("days", 1))));

        assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.calls("Generate").get(0).path("error").asText()).isEqualTo("States.HeartbeatTimeout");
        assertThat(run.calls("Generate")).hasSize(2);
        assertThat(run.callsTo(SEND_MESSAGE)).isEmpty();
    }
}
