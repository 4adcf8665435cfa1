package io.ecompipeline.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What becomes of a file whose problem is the file itself, and of files that only their keys tell apart: a UTF-16
 * export and a binary file among good files are quarantined {@code not_utf8} and the rest is applied (the first bytes
 * used to escape the check and fail the whole batch); two files of the same name in two folders keep two rejected-row
 * files; ids of 19 digits (Snowflake-style) are accepted and 20 digits are rejected with a reason.
 */
class FileOutcomesTest {

    @TempDir
    Path work;

    @Test
    void badEncodingsSameNamesAndLongIdsEndAsTheContractSays() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n");
        Files.writeString(in.resolve("orders_good.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "9223372036854775807,1,2025-01-01,10.00,delivered\n"
                + "12345678901234567890,1,2025-01-01,10.00,delivered\n"
                + "2,9223372036854775807,2025-01-02,5.00,returned\n");
        Files.write(in.resolve("orders_utf16.csv"), "order_id,user_id,order_date,total_amount,status\n3,1,2025-01-03,1.00,delivered\n"
                .getBytes(StandardCharsets.UTF_16));
        Files.write(in.resolve("orders_binary.csv"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16,
                'J', 'F', 'I', 'F', 0, 1, (byte) 0xc3, (byte) 0x28});
        Path c = Files.createDirectories(in.resolve("c"));
        Path d = Files.createDirectories(in.resolve("d"));
        Files.writeString(c.resolve("order_items_2.csv"), "order_id,product_id,quantity,unit_price\n"
                + "9223372036854775807,1,2,10.00\n" + "2,1,zero,1.00\n");
        Files.writeString(d.resolve("order_items_2.csv"), "order_id,product_id,quantity,unit_price\n"
                + "2,1,1,10.00\n" + "77,1,1,1.00\n" + "2,99,1,1.00\n");

        try (TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            // sub-folders of the input are waves; drop the two same-named files into one batch by hand
            Path flat = Files.createDirectories(work.resolve("flat"));
            for (String name : List.of("products.csv", "orders_good.csv", "orders_utf16.csv", "orders_binary.csv")) {
                Files.copy(in.resolve(name), flat.resolve(name));
            }
            Files.copy(c.resolve("order_items_2.csv"), flat.resolve("order_items_2.csv"));
            Files.copy(d.resolve("order_items_2.csv"), flat.resolve("order_items_2_d.csv"));
            pipeline.bean("batchCompletion", io.ecompipeline.ingest.BatchCompletion.class).expectWave(7);
            var events = pipeline.bean("batchEvents", io.ecompipeline.ingest.BatchEvents.class).listen();
            for (String name : List.of("products.csv", "orders_good.csv", "orders_utf16.csv", "orders_binary.csv")) {
                put(pipeline, "incoming/" + name, flat.resolve(name));
            }
            put(pipeline, "incoming/c/order_items_2.csv", c.resolve("order_items_2.csv"));
            put(pipeline, "incoming/d/order_items_2.csv", d.resolve("order_items_2.csv"));
            put(pipeline, "incoming/orders_late.csv", in.resolve("orders_good.csv"));
            var ended = events.awaitNext(java.time.Duration.ofMinutes(3));
            events.close();
            assertThat(ended).isNotNull();
            assertThat(ended.finished()).as(String.valueOf(ended.error())).isTrue();
            Map<String, JsonNode> files = pipeline.reportFiles(ended.batchId());

            assertThat(files.get("incoming/orders_utf16.csv").get("outcome").asText()).isEqualTo("quarantined");
            assertThat(files.get("incoming/orders_utf16.csv").get("reason").asText()).isEqualTo("not_utf8");
            assertThat(files.get("incoming/orders_binary.csv").get("reason").asText()).isEqualTo("not_utf8");
            assertThat(pipeline.object("quarantine/" + ended.batchId() + "/orders_utf16.csv.error.json"))
                    .contains("not_utf8");

            JsonNode good = files.get("incoming/orders_good.csv");
            assertThat(good.get("outcome").asText()).isEqualTo("archived");
            assertThat(good.get("rows_accepted").asInt()).isEqualTo(2);
            assertThat(good.get("rejected_by_reason").get("invalid_order_id").asInt()).isEqualTo(1);
            // the same file again, later in the read order: every order repeats one of orders_good.csv
            assertThat(files.get("incoming/orders_late.csv").get("rejected_by_reason").get("duplicate_order_id").asInt())
                    .isEqualTo(2);

            JsonNode cItems = files.get("incoming/c/order_items_2.csv");
            JsonNode dItems = files.get("incoming/d/order_items_2.csv");
            assertThat(cItems.get("rejected_rows").asText()).isEqualTo("rejected/" + ended.batchId()
                    + "/c/order_items_2.csv.rejected.csv");
            assertThat(dItems.get("rejected_rows").asText()).isEqualTo("rejected/" + ended.batchId()
                    + "/d/order_items_2.csv.rejected.csv");
            List<List<String>> cRejected = ReferenceKpis.parse(pipeline.object(cItems.get("rejected_rows").asText()));
            List<List<String>> dRejected = ReferenceKpis.parse(pipeline.object(dItems.get("rejected_rows").asText()));
            assertThat(cRejected.subList(1, cRejected.size())).extracting(r -> r.get(0) + "|" + r.get(1) + "|"
                    + r.get(2) + "|" + r.get(4)).containsExactly("incoming/c/order_items_2.csv|3|invalid_quantity|2,1,zero,1.00");
            assertThat(dRejected.subList(1, dRejected.size())).extracting(r -> r.get(0) + "|" + r.get(1) + "|"
                    + r.get(2) + "|" + r.get(4)).containsExactly(
                            "incoming/d/order_items_2.csv|3|unknown_order|77,1,1,1.00",
                            "incoming/d/order_items_2.csv|4|unknown_product|2,99,1,1.00");

            // the KPIs count the 19-digit order and its line
            Map<String, List<String>> orders = TestPipeline.byKey(new io.ecompipeline.cli.KpiExport(
                    pipeline.bean("dynamoDbClient", software.amazon.awssdk.services.dynamodb.DynamoDbClient.class))
                    .rows("OrderKPIs", List.of("order_date", "total_orders", "total_revenue", "total_items_sold",
                            "return_rate", "unique_customers"), 1), 1);
            assertThat(orders.get("2025-01-01").subList(0, 3)).containsExactly("1", "20.00", "2");
            assertThat(orders.get("2025-01-02").subList(0, 5)).containsExactly("1", "10.00", "1", "1.0000", "1");
        }
    }

    private static void put(TestPipeline pipeline, String key, Path file) {
        pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromFile(file));
    }
}
