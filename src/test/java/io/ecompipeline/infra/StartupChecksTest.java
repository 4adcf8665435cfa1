package io.ecompipeline.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.ecompipeline.common.StartupException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sfn.model.ActivityAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.SfnException;

/** The start-up checks say which kind of failure stopped the start, and run concurrently. */
@Tag("unit")
class StartupChecksTest {

    private static final String SFN = "Step Functions at https://states.us-east-1.amazonaws.com";

    @Test
    void noAnswerIsUnreachable() {
        SdkClientException refused = SdkClientException.create("Unable to execute HTTP request: Connect to "
                + "127.0.0.1:9 failed", new ConnectException("Connection refused"));
        assertThat(StartupChecks.message(SFN, refused)).isEqualTo("Cannot reach " + SFN + ": Unable to execute HTTP "
                + "request: Connect to 127.0.0.1:9 failed (Connection refused)");
    }

    @Test
    void refusedPermissionOrCredentialsIsAccessDenied() {
        SfnException denied = (SfnException) SfnException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails
                .builder().errorCode("AccessDeniedException").errorMessage("User: arn:aws:sts::1:assumed-role/task is "
                        + "not authorized to perform: states:ListActivities").build()).build();
        assertThat(StartupChecks.message(SFN, denied)).startsWith("Access denied by " + SFN)
                .endsWith("AccessDeniedException: User: arn:aws:sts::1:assumed-role/task is not authorized to perform: "
                        + "states:ListActivities");
        S3Exception forbidden = (S3Exception) S3Exception.builder().statusCode(403).build();
        assertThat(StartupChecks.message("S3 bucket b at AWS region r", forbidden))
                .startsWith("Access denied by S3 bucket b at AWS region r").contains("HTTP 403");
        assertThat(StartupChecks.message(SFN, SdkClientException.create("Unable to load credentials from any of the "
                + "providers in the chain"))).startsWith("No AWS credentials for " + SFN);
    }

    @Test
    void anyOtherAnswerIsNamedAsTheServiceSaidIt() {
        ActivityAlreadyExistsException exists = (ActivityAlreadyExistsException) ActivityAlreadyExistsException
                .builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ActivityAlreadyExists").errorMessage("Activity already exists").build()).build();
        assertThat(StartupChecks.message(SFN, exists))
                .isEqualTo(SFN + " answered with an error: ActivityAlreadyExists: Activity already exists")
                .doesNotContain("Cannot reach");
        assertThat(StartupChecks.message(SFN, new IllegalStateException("Step Functions activity a not found")))
                .isEqualTo(SFN + ": Step Functions activity a not found");
    }

    @Test
    void checksRunConcurrentlyAndTheFirstFailureInOrderIsReported() {
        CountDownLatch bothRunning = new CountDownLatch(2);
        StartupChecks checks = new StartupChecks();
        // each check waits for the other: done one after the other they would not end
        checks.start("first", () -> meet(bothRunning));
        checks.start("second", () -> meet(bothRunning));
        checks.await();

        StartupChecks failing = new StartupChecks();
        CountDownLatch secondStarted = new CountDownLatch(1);
        AtomicReference<Thread> second = new AtomicReference<>();
        // the first check fails only once the second has failed and its thread ended: the first in order is reported,
        // not the first in time
        failing.start("S3 bucket b", () -> {
            awaitEnd(secondStarted, second);
            throw SdkClientException.create("Unable to execute HTTP request", new ConnectException("refused"));
        });
        failing.start("DynamoDB table t", () -> {
            second.set(Thread.currentThread());
            secondStarted.countDown();
            throw new IllegalStateException("late");
        });
        assertThatThrownBy(failing::await).isInstanceOf(StartupException.class)
                .hasMessageStartingWith("Cannot reach S3 bucket b: ");
    }

    private static void meet(CountDownLatch latch) {
        latch.countDown();
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other check did not run at the same time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the thread {@code started} announces in {@code thread} has ended. */
    private static void awaitEnd(CountDownLatch started, AtomicReference<Thread> thread) {
        try {
            if (started.await(10, TimeUnit.SECONDS)) {
                thread.get().join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
