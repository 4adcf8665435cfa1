package io.ecompipeline.ingest;

import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an S3 {@code ObjectCreated} notification as the arrival queue receives it ({@code pipeline.arrival=events},
 * routes/arrival-events.camel.yaml), in any of the three envelopes AWS delivers it in: S3 straight to SQS (the event
 * JSON with its {@code Records[]}), through SNS ({@code {"Type":"Notification","Message":"<the event JSON>"}}) or
 * through EventBridge ({@code {"detail-type":"Object Created","detail":{"bucket":{"name"},"object":{"key"}}}}).
 * <p>
 * It keeps the keys of objects created under {@code incoming/} of the pipeline's bucket, URL-decoded: S3 writes keys
 * in notifications form-encoded ({@code "red flower+.csv"} arrives as {@code red+flower%2B.csv}). Everything else is
 * ignored and named in {@link Notification#ignored()}: the {@code s3:TestEvent} S3 sends when the notification is
 * configured, other event types, other buckets, other prefixes, and a message that is no notification at all (the
 * reconciliation listing collects whatever such a message might have been about).
 */
public class ArrivalNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(ArrivalNotifications.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Envelopes, as {@link Notification#envelope()} names them. */
    public static final String S3 = "s3";
    public static final String SNS = "sns";
    public static final String EVENTBRIDGE = "eventbridge";
    public static final String TEST_EVENT = "s3:TestEvent";
    public static final String UNREADABLE = "unreadable";

    /**
     * A notification read: its envelope ({@code s3}, {@code sns}, {@code eventbridge}, {@code s3:TestEvent} or
     * {@code unreadable}), the decoded keys of the objects to collect, and what was ignored, for the log.
     */
    public record Notification(String envelope, List<String> keys, List<String> ignored) implements Serializable {

        public boolean testEvent() {
            return TEST_EVENT.equals(envelope);
        }
    }

    private final String bucket;
    private final String incomingPrefix;

    public ArrivalNotifications(String bucket, String incomingPrefix) {
        this.bucket = bucket;
        this.incomingPrefix = incomingPrefix;
    }

    /** The key at {@code index} of a notification, for the route's loop over its keys. */
    public String keyAt(Notification notification, int index) {
        return notification.keys().get(index);
    }

    public Notification parse(String body) {
        JsonNode message;
        try {
            message = body == null ? null : JSON.readTree(body);
        } catch (Exception e) {
            message = null;
        }
        if (message == null || !message.isObject()) {
            return unreadable(body);
        }
        if ("Notification".equals(message.path("Type").asText()) && message.path("Message").isTextual()) {
            Notification inner = parse(message.get("Message").asText());
            return inner.envelope().equals(S3) ? new Notification(SNS, inner.keys(), inner.ignored()) : inner;
        }
        if (message.has("detail-type") && message.path("detail").isObject()) {
            return eventBridge(message);
        }
        if (TEST_EVENT.equals(message.path("Event").asText())) {
            return new Notification(TEST_EVENT, List.of(), List.of(TEST_EVENT + " of bucket "
                    + message.path("Bucket").asText("?")));
        }
        if (message.path("Records").isArray()) {
            return s3Event(message.get("Records"));
        }
        return unreadable(body);
    }

    private Notification s3Event(JsonNode records) {
        List<String> keys = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (JsonNode r : records) {
            String event = r.path("eventName").asText("");
            String name = r.path("s3").path("bucket").path("name").asText("");
            String key = decode(r.path("s3").path("object").path("key").asText(""));
            keep(event.startsWith("ObjectCreated:") || event.startsWith("s3:ObjectCreated:"), event, name, key,
                    keys, ignored);
        }
        return new Notification(S3, List.copyOf(keys), List.copyOf(ignored));
    }

    private Notification eventBridge(JsonNode message) {
        List<String> keys = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        String event = message.path("detail-type").asText("");
        JsonNode detail = message.get("detail");
        String name = detail.path("bucket").path("name").asText("");
        // EventBridge carries the key as S3's own notifications do; a key it sent plain that decoding changed is
        // not found, ignored, and collected by the reconciliation listing
        String key = decode(detail.path("object").path("key").asText(""));
        keep("Object Created".equals(event), event, name, key, keys, ignored);
        return new Notification(EVENTBRIDGE, List.copyOf(keys), List.copyOf(ignored));
    }

    private void keep(boolean created, String event, String name, String key, List<String> keys,
            List<String> ignored) {
        if (!created) {
            ignored.add(event + " of " + Errors.printable(key));
        } else if (!bucket.equals(name)) {
            ignored.add(Errors.printable(key) + " of bucket " + name + " (not " + bucket + ")");
        } else if (!key.startsWith(incomingPrefix) || key.endsWith("/")) {
            ignored.add(Errors.printable(key) + " (not an object under " + incomingPrefix + ")");
        } else {
            keys.add(key);
        }
    }

    private static Notification unreadable(String body) {
        String start = body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "..." : body;
        LOG.warn("Ignored a message of the arrival queue that is no S3 notification: {}", Errors.printable(start));
        return new Notification(UNREADABLE, List.of(), List.of("a message that is no S3 notification"));
    }

    /** A key as S3 notifications carry it: form-encoded UTF-8 ('+' a space, %2B a '+'). */
    static String decode(String key) {
        try {
            return URLDecoder.decode(key, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return key; // a lone '%': not encoded after all
        }
    }
}
