package io.ecompipeline.orchestrate.stepfunctions;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

import io.ecompipeline.common.Errors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The error name an activity task fails with: {@code Transient} when running the step again later may
 * succeed (the state machine retries it), {@code BatchFailed} otherwise.
 */
public final class TaskErrors {

    public static final String TRANSIENT = "Transient";
    public static final String BATCH_FAILED = "BatchFailed";

    private TaskErrors() {
    }

    public static String classify(Throwable error) {
        return Errors.chain(error).anyMatch(TaskErrors::isTransient) ? TRANSIENT : BATCH_FAILED;
    }

    private static boolean isTransient(Throwable t) {
        if (t instanceof SdkClientException || t instanceof IOException) {
            return true; // network: no answer, connection refused or reset, timeouts
        }
        if (t instanceof AwsServiceException aws) {
            return aws.isThrottlingException() || aws.statusCode() >= 500 || aws.retryable();
        }
        if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            // connection (08), serialization failure / deadlock (40), resources (53), server shutting down (57P),
            // lock not available (55P03)
            return state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                    || state.startsWith("57P") || state.equals("55P03");
        }
        return false;
    }

    /** The failure's cause as Step Functions takes it (at most 32,768 characters). */
    public static String cause(Throwable error) {
        String cause = Errors.withCauses(error);
        return cause.length() > 32_768 ? cause.substring(0, 32_768) : cause;
    }
}
