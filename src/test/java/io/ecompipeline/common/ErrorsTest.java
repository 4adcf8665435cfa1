package io.ecompipeline.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The error texts of logs and task results (a cause's message once, in brackets, only when the message above does not
 * already hold it), which errors are outages a retry may get past and which are the request's own fault, and keys
 * made printable on one line.
 */
@Tag("unit")
class ErrorsTest {

    @Test
    void aCausesMessageIsAddedOnceAndOnlyWhenItIsNew() {
        Exception error = new IllegalStateException("Error pre-parsing resource",
                new IOException("while parsing a flow mapping", new IOException("line 6, column 11")));
        assertThat(Errors.withCauses(error))
                .isEqualTo("Error pre-parsing resource (while parsing a flow mapping) (line 6, column 11)");

        IOException root = new IOException("connection refused");
        assertThat(Errors.withCauses(new UncheckedIOException("java.io.IOException: connection refused", root)))
                .as("a wrapper repeating its cause's message").isEqualTo("java.io.IOException: connection refused");
        assertThat(Errors.withCauses(new IllegalStateException(null, new IOException((String) null))))
                .as("a missing message is named by its type").isEqualTo("IllegalStateException (IOException)");
    }

    @Test
    void outagesAreInfrastructureAndARequestsOwnFaultIsNot() {
        assertThat(Errors.isInfrastructure(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")))).isTrue();
        assertThat(Errors.isInfrastructure(new IllegalStateException("step failed",
                new SQLException("connection lost", "08006")))).as("found among the causes").isTrue();
        assertThat(Errors.isInfrastructure(new UncheckedIOException(new IOException("reset")))).isTrue();
        for (int status : new int[] {500, 503, 403, 404, 429}) {
            assertThat(Errors.isInfrastructure(S3Exception.builder().statusCode(status).build())).as("HTTP %d", status)
                    .isTrue();
        }
        assertThat(Errors.isInfrastructure(DynamoDbException.builder().statusCode(400).build())).isFalse();
        assertThat(Errors.isInfrastructure(S3Exception.builder().statusCode(413).build())).isFalse();
        assertThat(Errors.isInfrastructure(new IllegalArgumentException("bad input"))).isFalse();
    }

    @Test
    void controlCharactersOfAKeyAreEscapedSoThatItStaysOneLine() {
        assertThat(Errors.printable("incoming/orders_nl\nhere\t.csv")).isEqualTo("incoming/orders_nl\\u000ahere\\u0009.csv");
        assertThat(Errors.printable("incoming/ünïcödé ✓ 😀.csv")).isEqualTo("incoming/ünïcödé ✓ 😀.csv");
        assertThat(Errors.printable("a\u007fb\u0000")).isEqualTo("a\\u007fb\\u0000");
        assertThat(Errors.printable(null)).isEqualTo("null");
    }
}
