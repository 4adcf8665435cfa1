package io.ecompipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.TestPipeline;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An order that a later batch gives another order_date (a corrected export, or two sources whose ids overlap) moves
 * its KPIs from one date to the other: the batch's report counts it in {@code orders_moved} with an example (old and
 * new date), {@code pipeline_orders_moved_total} counts it, and one WARN line names it; an order re-sent with its
 * date unchanged is not counted, and the batch that first brought the orders reports none.
 */
class MovedOrdersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aBatchThatChangesAnOrdersDateSaysSoInItsReportAMetricAndOneWarning() throws Exception {
        Path first = Files.createDirectories(work.resolve("in/1"));
        Files.writeString(first.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n");
        Files.writeString(first.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-01,10.00,delivered\n2,101,2024-03-02,10.00,delivered\n");
        Files.writeString(first.resolve("order_items_1.csv"),
                "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n2,1,1,10.00\n");
        Path second = Files.createDirectories(work.resolve("in/2"));
        Files.writeString(second.resolve("orders_2.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-05,10.00,delivered\n2,101,2024-03-02,10.00,returned\n3,102,2024-03-05,10.00,shipped\n");
        Files.writeString(second.resolve("order_items_2.csv"), "order_id,product_id,quantity,unit_price\n3,1,1,10.00\n");

        try (LogCapture log = LogCapture.attach(); TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            assertThat(pipeline.ingest(work.resolve("in"), work.resolve("out"))).isZero();

            Map<String, JsonNode> reports = new TreeMap<>();
            for (Map.Entry<String, byte[]> o : pipeline.objects().entrySet()) {
                if (o.getKey().startsWith("reports/")) {
                    JsonNode report = JSON.readTree(o.getValue());
                    reports.put(report.get("order_dates_changed").toString(), report);
                }
            }
            assertThat(reports).hasSize(2);
            JsonNode firstReport = reports.get("[\"2024-03-01\",\"2024-03-02\"]");
            assertThat(firstReport.get("orders_moved").get("count").asLong()).isZero();
            assertThat(firstReport.get("orders_moved").get("examples")).isEmpty();
            // the second batch moved order 1 from the 1st to the 5th: both dates' KPIs changed
            JsonNode secondReport = reports.get("[\"2024-03-01\",\"2024-03-02\",\"2024-03-05\"]");
            assertThat(secondReport.get("orders_moved").get("count").asLong()).isEqualTo(1);
            assertThat(secondReport.get("orders_moved").get("examples")).isEqualTo(
                    JSON.readTree("[{\"order_id\": 1, \"from\": \"2024-03-01\", \"to\": \"2024-03-05\"}]"));

            MeterRegistry registry = pipeline.bean(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
            assertThat(registry.get("pipeline.orders.moved").counter().count()).isEqualTo(1.0);
            List<LogCapture.Line> warnings = log.lines().stream().filter(l -> l.level().equals("WARN")).toList();
            assertThat(warnings).singleElement().satisfies(w -> assertThat(w.message()).isEqualTo(
                    "1 order of this batch had another order_date in an earlier batch, so their KPIs moved to the new"
                            + " date: order 1: 2024-03-01 -> 2024-03-05 (the report's orders_moved lists up to 10)"));
            // the KPIs follow the order: nothing is left on the 1st
            assertThat(TestPipeline.readCsv(work.resolve("out/order_kpis.csv")).stream().map(r -> r.get(0)))
                    .containsExactly("2024-03-02", "2024-03-05");
        }
    }
}
