package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** Files moved to collected/ whose arrival never reached the collector (a crash in between) are not lost. */
class StrandedArrivalsTest {

    @Test
    void strandedFilesAreCollectedAgainAndProcessed() throws Exception {
        Map<String, String> files = Map.of(
                "collected/aaaa/products.csv", "product_id,category,name,price\n1,Books,Dune,10.00\n",
                "collected/bbbb/orders_1.csv", "order_id,user_id,order_date,total_amount,status\n1,1,2025-01-01,10.00,delivered\n",
                "collected/cccc/order_items_1.csv", "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n");
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.batch.min-order-files", "1",
                "pipeline.batch.min-item-files", "1", "pipeline.recovery.stranded-after", "0s",
                "pipeline.recovery.initial-delay", "500", "pipeline.recovery.period", "1000"))) {
            files.forEach((key, content) -> pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key(key),
                    RequestBody.fromString(content, StandardCharsets.UTF_8)));
            List<String> reports = await("the batch's quality report").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> pipeline.s3()
                            .listObjectsV2(b -> b.bucket(TestPipeline.BUCKET).prefix("reports/")).contents().stream()
                            .map(o -> o.key()).toList(), keys -> !keys.isEmpty());
            assertThat(reports).hasSize(1);
            JsonNode report = new ObjectMapper().readTree(pipeline.object(reports.get(0)));
            assertThat(report.get("totals").get("archived").asInt()).isEqualTo(3);
            assertThat(report.get("totals").get("rows_accepted").asInt()).isEqualTo(3);
            Map<String, byte[]> objects = pipeline.objects();
            assertThat(objects.keySet()).noneMatch(k -> k.startsWith("collected/"));
            String batch = report.get("batch_id").asText();
            assertThat(new String(objects.get("archive/" + batch + "/orders_1.csv"), StandardCharsets.UTF_8))
                    .isEqualTo(files.get("collected/bbbb/orders_1.csv"));
        }
    }
}
