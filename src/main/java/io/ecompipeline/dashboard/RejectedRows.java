package io.ecompipeline.dashboard;

import java.nio.charset.StandardCharsets;

import io.ecompipeline.common.S3Objects;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Serves a batch's rejected rows (the CSV the report names in {@code rejected_rows}) through the dashboard, so its
 * link works for a business user without S3 access or a presigned URL. Only keys under
 * {@code pipeline.prefix.rejected} are served: the dashboard must not become a reader of the whole bucket.
 */
public class RejectedRows {

    private final S3Objects s3;
    private final String prefix;

    public RejectedRows(S3Objects s3, String prefix) {
        this.s3 = s3;
        this.prefix = prefix;
    }

    /** The object as text/plain (shown in the browser), 400 for a key outside the prefix, 404 for a missing one. */
    public void serve(@Header("key") String key, Message message) {
        message.removeHeader("key");
        if (key == null || !key.startsWith(prefix) || key.contains("..")) {
            answer(message, 400, "Not a rejected-rows key (" + prefix + "...): " + key);
            return;
        }
        try {
            message.setBody(s3.read(key));
        } catch (NoSuchKeyException e) {
            answer(message, 404, "No such rejected rows: " + key);
            return;
        }
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        message.setHeader("Cache-Control", "no-cache");
    }

    private static void answer(Message message, int status, String text) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        message.setBody(text.getBytes(StandardCharsets.UTF_8));
    }
}
