package io.ecompipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecompipeline.ingest.ArrivalRegistrar;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.orchestrate.CollectorLeadership;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Bad and hostile input never takes the service down: odd keys (nested, spaces, unicode, '..', 1,000 characters; the
 * embedded S3 refuses a whole '..' path segment, so '..' appears inside segments here), a
 * zero-byte object, a 10 MB field, a file of one endless line, and a file of 300,000 rejected rows all end archived or
 * quarantined with a clear reason, and the service goes on.
 */
class HostileInputTest {

    @Test
    void hostileFilesEndArchivedOrQuarantinedWithAReason() throws Exception {
        Map<String, byte[]> drops = new LinkedHashMap<>();
        drops.put("incoming/products.csv", ("product_id,category,name,price\n1,Books,Dune,10.00\n2,Books,\""
                + "x".repeat(10 * 1024 * 1024) + "\",3.00\n").getBytes(StandardCharsets.UTF_8));
        drops.put("incoming/sub dir/orders_ünïcödé ✓.csv",
                "order_id,user_id,order_date,total_amount,status\n1,1,2025-01-01,10.00,delivered\n".getBytes(StandardCharsets.UTF_8));
        drops.put("incoming/..a../orders_..dots..csv",
                "order_id,user_id,order_date,total_amount,status\n2,1,2025-01-01,10.00,delivered\n".getBytes(StandardCharsets.UTF_8));
        // 1,000 characters (in segments, as the embedded S3 stores keys as paths); its archive key must be shortened
        String longName = "incoming/" + ("d".repeat(199) + "/").repeat(4) + "order_items_" + "l".repeat(172) + ".csv";
        drops.put(longName, "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n2,1,1,10.00\n".getBytes(StandardCharsets.UTF_8));
        drops.put("incoming/orders_empty.csv", new byte[0]);
        drops.put("incoming/orders_endless.csv", "o".repeat(20 * 1024 * 1024).getBytes(StandardCharsets.UTF_8));
        StringBuilder bad = new StringBuilder("order_id,product_id,quantity,unit_price\n");
        for (int i = 0; i < 300_000; i++) {
            bad.append("x,1,1,1\n");
        }
        drops.put("incoming/order_items_rejected.csv", bad.toString().getBytes(StandardCharsets.UTF_8));

        try (TestPipeline pipeline = TestPipeline.fresh(Map.of());
                BatchEvents.Listener events = pipeline.bean("batchEvents", BatchEvents.class).listen()) {
            pipeline.bean("batchCompletion", BatchCompletion.class).expectWave(drops.size());
            // uploaded with the poller paused, as ingest does: the embedded S3 lists a large object (20 MB here) under
            // a temporary key while it is written (S3 never lists an object before its upload completes)
            CollectorLeadership poller = pipeline.bean("collectorLeadership", CollectorLeadership.class);
            poller.pausePolling();
            try {
                drops.forEach((key, bytes) -> pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key(key),
                        RequestBody.fromBytes(bytes)));
            } finally {
                poller.resumePolling();
            }
            BatchEvents.Ended ended = events.awaitNext(Duration.ofMinutes(3));
            assertThat(ended).isNotNull();
            assertThat(ended.finished()).as(String.valueOf(ended.error())).isTrue();

            Map<String, JsonNode> byKey = pipeline.reportFiles(ended.batchId());
            assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(drops.keySet());
            assertThat(byKey.get("incoming/orders_empty.csv").get("reason").asText()).isEqualTo("no_header");
            assertThat(byKey.get("incoming/orders_endless.csv").get("reason").asText()).isEqualTo("header_too_long");
            assertThat(byKey.get("incoming/products.csv").get("rejected_by_reason").get("field_too_long").asInt())
                    .isEqualTo(1);
            JsonNode rejected = byKey.get("incoming/order_items_rejected.csv");
            assertThat(rejected.get("outcome").asText()).isEqualTo("archived");
            assertThat(rejected.get("rejected_by_reason").get("invalid_order_id").asLong()).isEqualTo(300_000);
            assertThat(byKey.get("incoming/sub dir/orders_ünïcödé ✓.csv").get("rows_accepted").asInt()).isEqualTo(1);
            assertThat(byKey.get("incoming/..a../orders_..dots..csv").get("rows_accepted").asInt()).isEqualTo(1);
            assertThat(byKey.get(longName).get("outcome").asText()).isEqualTo("archived");
            assertThat(byKey.get(longName).get("rows_accepted").asInt()).isEqualTo(2);
            assertThat(byKey.get(longName).get("stored_at").asText().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(1024);

            // an object deleted between listing and reading is skipped, not an error
            assertThat(pipeline.bean("arrivalRegistrar", ArrivalRegistrar.class)
                    .register("incoming/orders_ghost.csv", "etag", java.time.Instant.now(), 10L)).isNull();

            // every object is stored byte for byte, and nothing is left behind
            Map<String, Integer> stored = new HashMap<>();
            pipeline.objects().forEach((key, bytes) -> {
                if ((key.startsWith("archive/") || key.startsWith("quarantine/")) && !key.endsWith(".error.json")) {
                    stored.merge(sha(bytes), 1, Integer::sum);
                }
                assertThat(key).doesNotStartWith("incoming/").doesNotStartWith("collected/");
            });
            Map<String, Integer> sent = new HashMap<>();
            drops.values().forEach(bytes -> sent.merge(sha(bytes), 1, Integer::sum));
            assertThat(stored).isEqualTo(sent);
        }
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
