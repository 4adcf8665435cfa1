package io.ecompipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.orchestrate.CollectorLeadership;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A 100 MB file and a file of a million rejected rows, streamed through a service whose test JVM (servers included)
 * has a 1 GB heap: both end archived with their rows counted.
 */
class LargeInputTest {

    @TempDir
    Path work;

    @Test
    void hundredMegabyteFileAndAMillionRejectedRows() throws Exception {
        Path catalog = work.resolve("products_big.csv");
        String name = "n".repeat(1000);
        int products = 0;
        try (BufferedWriter w = Files.newBufferedWriter(catalog, StandardCharsets.UTF_8)) {
            w.write("product_id,category,name,price\n");
            while (Files.size(catalog) < 100L * 1024 * 1024 || products % 1000 != 0) {
                for (int i = 0; i < 1000; i++) {
                    products++;
                    w.write(products + ",Books," + name + "," + (products % 100) + ".99\n");
                }
                w.flush();
            }
        }
        Path junk = work.resolve("order_items_junk.csv");
        try (BufferedWriter w = Files.newBufferedWriter(junk, StandardCharsets.UTF_8)) {
            w.write("order_id,product_id,quantity,unit_price\n");
            for (int i = 0; i < 1_000_000; i++) {
                w.write("bad\n");
            }
        }
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of());
                BatchEvents.Listener events = pipeline.bean("batchEvents", BatchEvents.class).listen()) {
            pipeline.bean("batchCompletion", BatchCompletion.class).expectWave(2);
            // uploaded with the poller paused, as ingest does: the embedded S3 lists a large object under a
            // temporary key while it is written (S3 never lists an object before its upload completes)
            CollectorLeadership poller = pipeline.bean("collectorLeadership", CollectorLeadership.class);
            poller.pausePolling();
            try {
                for (Path f : new Path[] {catalog, junk}) {
                    pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + f.getFileName()),
                            RequestBody.fromFile(f));
                }
            } finally {
                poller.resumePolling();
            }
            BatchEvents.Ended ended = events.awaitNext(Duration.ofMinutes(5));
            assertThat(ended).isNotNull();
            assertThat(ended.finished()).as(String.valueOf(ended.error())).isTrue();
            Map<String, JsonNode> byKey = pipeline.reportFiles(ended.batchId());
            assertThat(byKey.get("incoming/products_big.csv").get("rows_accepted").asInt()).isEqualTo(products);
            assertThat(byKey.get("incoming/products_big.csv").get("size_bytes").asLong())
                    .isGreaterThanOrEqualTo(100L * 1024 * 1024);
            JsonNode rejected = byKey.get("incoming/order_items_junk.csv");
            assertThat(rejected.get("outcome").asText()).isEqualTo("archived");
            assertThat(rejected.get("rejected_by_reason").get("field_count").asLong()).isEqualTo(1_000_000);
        }
    }
}
