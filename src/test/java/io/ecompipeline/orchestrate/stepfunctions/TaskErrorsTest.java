package io.ecompipeline.orchestrate.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** Which failures the state machine retries (Transient) and which fail the batch (BatchFailed). */
@Tag("unit")
class TaskErrorsTest {

    @Test
    void networkThrottlingAndTransientSqlErrorsAreTransient() {
        assertThat(TaskErrors.classify(SdkClientException.create("Unable to execute HTTP request"))).isEqualTo("Transient");
        assertThat(TaskErrors.classify(new CamelExecutionException("step failed", null,
                new IllegalStateException("wrapped", new ConnectException("Connection refused"))))).isEqualTo("Transient");
        assertThat(TaskErrors.classify(DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("ThrottlingException").build()).build())).isEqualTo("Transient");
        assertThat(TaskErrors.classify(DynamoDbException.builder().statusCode(503).build())).isEqualTo("Transient");
        assertThat(TaskErrors.classify(new SQLException("connection lost", "08006"))).isEqualTo("Transient");
        assertThat(TaskErrors.classify(new SQLException("deadlock detected", "40P01"))).isEqualTo("Transient");
    }

    @Test
    void everythingElseFailsTheBatch() {
        assertThat(TaskErrors.classify(new SQLException("relation does not exist", "42P01"))).isEqualTo("BatchFailed");
        assertThat(TaskErrors.classify(DynamoDbException.builder().statusCode(400).build())).isEqualTo("BatchFailed");
        assertThat(TaskErrors.classify(new IllegalArgumentException("bad input"))).isEqualTo("BatchFailed");
    }

    @Test
    void causeKeepsTheRootMessageWithinTheApiLimit() {
        String cause = TaskErrors.cause(new IllegalStateException("apply failed", new SQLException("x".repeat(40_000))));
        assertThat(cause).startsWith("apply failed (xxx").hasSize(32_768);
    }

    @Test
    void placeholdersAreSubstitutedAndUnknownOnesRefused() {
        assertThat(StepFunctionsResources.substitute("{\"Resource\": \"${ActivityArnPrefix}a\", \"T\": \"${LockTable}\"}",
                Map.of("ActivityArnPrefix", "arn:aws:states:r:1:activity:", "LockTable", "L")))
                .isEqualTo("{\"Resource\": \"arn:aws:states:r:1:activity:a\", \"T\": \"L\"}");
        assertThatThrownBy(() -> StepFunctionsResources.substitute("${AlertsQueueUrl}", Map.of()))
                .hasMessageContaining("${AlertsQueueUrl}");
        assertThat(StepFunctionsResources.activityArnPrefix("arn:aws:states:eu-west-1:123:activity:x"))
                .isEqualTo("arn:aws:states:eu-west-1:123:activity:");
    }
}
