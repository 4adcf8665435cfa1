package io.ecompipeline.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.stream.Stream;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Error texts for logs, start-up messages and task results, and which errors are outages rather than the fault of the
 * data. The one place that walks an error's cause chain: every other class asks here (the chain ends at the first
 * cause that is null or its own cause).
 */
public final class Errors {

    private Errors() {
    }

    /**
     * The error's message followed by each cause's message it does not already contain (a type's name stands for a
     * missing message), e.g.
     * {@code Error pre-parsing resource (while parsing a flow mapping ... line 6, column 11)}.
     */
    public static String withCauses(Throwable error) {
        StringBuilder text = new StringBuilder(describe(error));
        chain(error).skip(1).map(Errors::describe).filter(m -> text.indexOf(m) < 0)
                .forEach(m -> text.append(" (").append(m).append(')'));
        return text.toString();
    }

    /** The error's message, or its type's name when it has none (a NullPointerException, a RejectedExecution...). */
    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    /** The message, followed by the root cause's when it differs (e.g. "Connection refused"). */
    public static String rootMessage(Throwable error) {
        Throwable root = chain(error).reduce((first, second) -> second).orElse(error);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return error == root ? message : error.getMessage() + " (" + message + ")";
    }

    /** The error and its causes, outermost first. */
    public static Stream<Throwable> chain(Throwable error) {
        return Stream.iterate(error, t -> t != null, t -> t.getCause() == t ? null : t.getCause());
    }

    /** The first of the error and its causes that is a {@code type}, or null. */
    public static <T extends Throwable> T find(Throwable error, Class<T> type) {
        return chain(error).filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    /**
     * True when the error (or one of its causes) is a failure of the infrastructure, which a retry may get past: S3,
     * DynamoDB or SQS unreachable, throttling or failing on their side (5xx), credentials refused (403), a missing
     * bucket or table, PostgreSQL or I/O failures. An AWS service's other 4xx answer is about the request itself (its
     * key, its size), and a retry would fail the same way.
     */
    public static boolean isInfrastructure(Throwable error) {
        for (Throwable t : (Iterable<Throwable>) chain(error)::iterator) {
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
