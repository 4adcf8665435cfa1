package io.ecompipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.support.CrashScenario;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Keys S3 accepts but that broke collection (docs/contract.md §1: "every key S3 accepts"): a newline, a TAB, a
 * carriage return, other control characters (which S3 cannot list in plain XML), and 1,024 bytes, dropped with good
 * files through the real poller. Files with a recognised name are used (the kind comes from the part after the last
 * '/', whatever it holds), the others quarantined; every object ends byte for byte under {@code archive/} or
 * {@code quarantine/}, and a valid wave after them is processed: the KPIs equal the reference's.
 */
class HostileKeysTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void oddKeysNeverStopCollectionAndEndArchivedOrQuarantined() throws Exception {
        String orders = "order_id,user_id,order_date,total_amount,status\n";
        String items = "order_id,product_id,quantity,unit_price\n";
        String longDirs = ("d".repeat(199) + "/").repeat(4);
        String longItems = "incoming/" + longDirs + "order_items_" + "l".repeat(1024 - 9 - 800 - 12 - 4) + ".csv";
        String longJunk = "incoming/" + longDirs + "junk_" + "j".repeat(1024 - 9 - 800 - 5 - 4) + ".bin";
        assertThat(longItems.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        assertThat(longJunk.getBytes(StandardCharsets.UTF_8)).hasSize(1024);

        Map<String, String> wave1 = new LinkedHashMap<>();
        wave1.put("incoming/products.csv", "product_id,category,name,price\n1,Books,Dune,10.00\n2,Toys,Ball,4.50\n");
        wave1.put("incoming/orders_nl\nhere.csv", orders + "1,10,2025-01-01,10.00,delivered\n2,11,2025-01-01,9.00,returned\n");
        wave1.put("incoming/orders_t\tab.csv", orders + "3,12,2025-01-02,4.50,shipped\n");
        wave1.put("incoming/orders_cr\rx.csv", orders + "4,10,2025-01-02,20.00,completed\n");
        wave1.put("incoming/orders_ctl\u0001\u001b\u007f.csv", orders + "5,13,2025-01-03,4.50,refunded\n");
        wave1.put("incoming/sub\tdir\n/order_items_in_odd_dir.csv", items + "1,1,1,10.00\n2,2,2,4.50\n3,2,1,4.50\n");
        wave1.put(longItems, items + "4,1,2,10.00\n5,2,1,4.50\n");
        wave1.put("incoming/notes\nwith\ttabs\u0007.txt", "not a data file\n");
        wave1.put(longJunk, "junk\u0000\u0001");
        Map<String, String> wave2 = new LinkedHashMap<>();
        wave2.put("incoming/orders_after.csv", orders + "6,14,2025-01-03,10.00,delivered\n1,10,2025-01-01,10.00,cancelled\n");
        wave2.put("incoming/order_items_after.csv", items + "6,1,1,10.00\n");

        // the reference reads the same files, named after the part of their key after the last '/'
        for (var wave : Map.of("wave-1", wave1, "wave-2", wave2).entrySet()) {
            Path dir = Files.createDirectories(work.resolve("in").resolve(wave.getKey()));
            wave.getValue().forEach((key, text) -> write(dir.resolve(key.substring(key.lastIndexOf('/') + 1)), text));
        }
        ReferenceKpis expected = ReferenceKpis.of(work.resolve("in"));

        try (TestPipeline pipeline = TestPipeline.fresh(Map.of());
                BatchEvents.Listener events = pipeline.bean("batchEvents", BatchEvents.class).listen()) {
            BatchCompletion completion = pipeline.bean("batchCompletion", BatchCompletion.class);
            String first = runWave(pipeline, completion, events, wave1);
            Map<String, JsonNode> report = pipeline.reportFiles(first);
            assertThat(report.keySet()).containsExactlyInAnyOrderElementsOf(wave1.keySet());
            for (String key : wave1.keySet()) {
                boolean data = key.endsWith(".csv");
                assertThat(report.get(key).get("outcome").asText()).as(key).isEqualTo(data ? "archived" : "quarantined");
                if (!data) {
                    assertThat(report.get(key).get("reason").asText()).isEqualTo("unrecognised_file_name");
                    JsonNode error = JSON.readTree(pipeline.object(report.get(key).get("stored_at").asText()
                            + ".error.json"));
                    assertThat(error.get("file").asText()).isEqualTo(key);
                } else {
                    assertThat(report.get(key).get("rows_rejected").asInt()).as(key).isZero();
                }
                assertThat(report.get(key).get("stored_at").asText().getBytes(StandardCharsets.UTF_8).length)
                        .isLessThanOrEqualTo(1024);
            }
            String second = runWave(pipeline, completion, events, wave2);
            assertThat(pipeline.reportFiles(second).keySet()).containsExactlyInAnyOrderElementsOf(wave2.keySet());

            assertThat(CrashScenario.kpiDivergences(pipeline.bean("dynamoDbClient", DynamoDbClient.class), expected))
                    .isEmpty();
            // every object byte for byte under archive/ or quarantine/, nothing left behind
            Map<String, Integer> stored = new HashMap<>();
            pipeline.objects().forEach((key, bytes) -> {
                if ((key.startsWith("archive/") || key.startsWith("quarantine/")) && !key.endsWith(".error.json")) {
                    stored.merge(sha(bytes), 1, Integer::sum);
                }
                assertThat(key).doesNotStartWith("incoming/").doesNotStartWith("collected/");
            });
            Map<String, Integer> sent = new HashMap<>();
            wave1.values().forEach(text -> sent.merge(sha(text.getBytes(StandardCharsets.UTF_8)), 1, Integer::sum));
            wave2.values().forEach(text -> sent.merge(sha(text.getBytes(StandardCharsets.UTF_8)), 1, Integer::sum));
            assertThat(stored).isEqualTo(sent);
        }
    }

    /** Drops a wave through the poller and returns the id of the batch it became (which must have finished). */
    private static String runWave(TestPipeline pipeline, BatchCompletion completion, BatchEvents.Listener events,
            Map<String, String> files) throws Exception {
        completion.expectWave(files.size());
        files.forEach((key, text) -> pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key(key),
                RequestBody.fromString(text)));
        BatchEvents.Ended ended = events.awaitNext(Duration.ofMinutes(2));
        assertThat(ended).as("a batch ended").isNotNull();
        assertThat(ended.finished()).as(String.valueOf(ended.error())).isTrue();
        return ended.batchId();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
