package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecompipeline.ingest.ArrivalNotifications.Notification;
import io.ecompipeline.support.S3Notifications;
import io.ecompipeline.support.S3Notifications.Envelope;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The three envelopes of an S3 ObjectCreated notification, the keys' URL-decoding, and what is ignored. */
@Tag("unit")
class ArrivalNotificationsTest {

    private static final String BUCKET = "ecommerce-data";
    private final ArrivalNotifications notifications = new ArrivalNotifications(BUCKET, "incoming/");

    @Test
    void readsTheKeyOfEachEnvelope() {
        for (Envelope envelope : Envelope.values()) {
            Notification n = notifications.parse(
                    S3Notifications.objectCreated(envelope, BUCKET, "incoming/orders_1.csv", 42, "\"abc\""));
            assertThat(n.envelope()).isEqualTo(envelope.name().toLowerCase());
            assertThat(n.keys()).as(envelope.name()).containsExactly("incoming/orders_1.csv");
            assertThat(n.ignored()).isEmpty();
        }
    }

    @Test
    void decodesKeysAsS3EncodesThem() {
        String odd = "incoming/day 1/orders+ été 😀 100%.csv";
        String body = S3Notifications.objectCreated(Envelope.S3, BUCKET, odd, 1, "e");
        assertThat(body).contains("incoming/day+1/orders%2B+%C3%A9t%C3%A9+%F0%9F%98%80+100%25.csv");
        for (Envelope envelope : Envelope.values()) {
            assertThat(notifications.parse(S3Notifications.objectCreated(envelope, BUCKET, odd, 1, "e")).keys())
                    .as(envelope.name()).containsExactly(odd);
        }
        // the documented example, by hand: "red flower.jpg" arrives as red+flower.jpg
        String handWritten = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":"
                + "\"ObjectCreated:CompleteMultipartUpload\",\"s3\":{\"bucket\":{\"name\":\"ecommerce-data\"},"
                + "\"object\":{\"key\":\"incoming/red+flower%2B1.csv\",\"size\":5}}}]}";
        assertThat(notifications.parse(handWritten).keys()).containsExactly("incoming/red flower+1.csv");
        assertThat(ArrivalNotifications.decode("incoming/50%.csv")).as("a lone % is kept").isEqualTo("incoming/50%.csv");
    }

    @Test
    void ignoresTestEventsOtherPrefixesBucketsAndEvents() {
        Notification test = notifications.parse(S3Notifications.testEvent(BUCKET));
        assertThat(test.testEvent()).isTrue();
        assertThat(test.keys()).isEmpty();
        assertThat(notifications.parse(S3Notifications.sns(S3Notifications.testEvent(BUCKET))).testEvent()).isTrue();

        for (Envelope envelope : Envelope.values()) {
            assertThat(notifications.parse(S3Notifications.objectCreated(envelope, BUCKET, "archive/b1/orders_1.csv",
                    1, "e")).keys()).as(envelope + " outside incoming/").isEmpty();
            assertThat(notifications.parse(S3Notifications.objectCreated(envelope, "other-bucket",
                    "incoming/orders_1.csv", 1, "e")).keys()).as(envelope + " another bucket").isEmpty();
            assertThat(notifications.parse(S3Notifications.objectCreated(envelope, BUCKET, "incoming/folder/", 0,
                    "e")).keys()).as(envelope + " a folder marker").isEmpty();
        }
        Notification removed = notifications.parse(S3Notifications.objectCreated(Envelope.S3, BUCKET,
                "incoming/orders_1.csv", 1, "e").replace("ObjectCreated:Put", "ObjectRemoved:Delete"));
        assertThat(removed.keys()).isEmpty();
        assertThat(removed.ignored()).singleElement().asString().startsWith("ObjectRemoved:Delete");
        Notification deleted = notifications.parse(S3Notifications.objectCreated(Envelope.EVENTBRIDGE, BUCKET,
                "incoming/orders_1.csv", 1, "e").replace("Object Created", "Object Deleted"));
        assertThat(deleted.keys()).isEmpty();

        for (String junk : new String[] {"not json", "[]", "{\"hello\":1}", "", null}) {
            Notification n = notifications.parse(junk);
            assertThat(n.envelope()).as(junk).isEqualTo(ArrivalNotifications.UNREADABLE);
            assertThat(n.keys()).isEmpty();
        }
    }

    @Test
    void keepsEveryCreatedRecordOfAMessage() {
        String two = "{\"Records\":[" + record("incoming/a.csv") + "," + record("incoming/b+c.csv") + ","
                + record("reports/x.json") + "]}";
        Notification n = notifications.parse(two);
        assertThat(n.keys()).containsExactly("incoming/a.csv", "incoming/b c.csv");
        assertThat(n.ignored()).hasSize(1);
        assertThat(notifications.keyAt(n, 1)).isEqualTo("incoming/b c.csv");
    }

    private static String record(String encodedKey) {
        return "{\"eventName\":\"ObjectCreated:Copy\",\"s3\":{\"bucket\":{\"name\":\"" + BUCKET
                + "\"},\"object\":{\"key\":\"" + encodedKey + "\"}}}";
    }
}
