package io.ecompipeline.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Error texts for logs and task results, and which errors are outages rather than the fault of the data. */
public final class Errors {

    private Errors() {
    }

    /**
     * The error's message followed by each cause's message it does not already contain, e.g.
     * {@code Error pre-parsing resource (while parsing a flow mapping ... line 6, column 11)}.
     */
    public static String withCauses(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && text.indexOf(cause.getMessage()) < 0) {
                text.append(" (").append(cause.getMessage()).append(')');
            }
        }
        return text.toString();
    }

    /**
     * True when the error (or one of its causes) is a failure of the infrastructure, which a retry may get past: S3,
     * DynamoDB or SQS unreachable, throttling or failing on their side (5xx), credentials refused (403), a missing
     * bucket or table, PostgreSQL or I/O failures. An AWS service's other 4xx answer is about the request itself (its
     * key, its size), and a retry would fail the same way.
     */
    public static boolean isInfrastructure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SdkClientException || t instanceof SQLException || t instanceof IOException
                    || t instanceof UncheckedIOException
                    || t.getClass().getName().startsWith("org.springframework.dao.")
                    || t.getClass().getName().startsWith("org.springframework.transaction.")) {
                return true;
            }
            if (t instanceof AwsServiceException aws) {
                int status = aws.statusCode();
                return status >= 500 || status == 403 || status == 404 || status == 429 || aws.isThrottlingException()
                        || status == 0;
            }
        }
        return false;
    }

    /** A key or name for a log line: control characters written as backslash-u escapes, so that one key is one line. */
    public static String printable(String key) {
        if (key == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder(key.length());
        key.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                s.append(String.format("\\u%04x", c));
            } else {
                s.appendCodePoint(c);
            }
        });
        return s.toString();
    }
}
