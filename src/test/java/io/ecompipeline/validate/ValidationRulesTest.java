package io.ecompipeline.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file-level and row-level rule of docs/contract.md §1/§3 through the real pipeline, with its reason code, line
 * number and raw text; and the CSV dialect: quotes, BOM, CRLF, reordered and extra columns.
 */
class ValidationRulesTest {

    @TempDir
    static Path work;
    static Path input;
    static Path out;
    static Map<String, List<String>> files;
    static Map<String, byte[]> objects;
    static String batchId;

    @BeforeAll
    static void ingestCraftedFiles() throws Exception {
        input = Files.createDirectories(work.resolve("in"));
        out = work.resolve("out");
        // catalog: BOM, CRLF, reordered and extra columns, a name with a comma, a quote and a line break
        write("products.csv", "\uFEFFcategory,Price,product_id,name,supplier\r\n"
                + "Books,12.50,1,\"Dune, \"\"the\"\" novel\r\nsecond line\",acme\r\n"
                + "Toys,3.00,2,Ball,acme\r\n"
                + "Toys,-1,3,Bad price,acme\r\n"
                + ",5,4,No category,acme\r\n"
                + "Toys,5,5,Too,many,fields\r\n"
                + "Books,7.25,6,,acme\r\n");
        write("orders_a.csv", " STATUS , order_id,user_id,total_amount,order_date,channel\n"
                + "delivered,10,100,15.50,2025-03-01,web\n"
                + "RETURNED,11,101,3.00,2025-03-01T16:14:26,app\n"
                + "shipped,12,100,6.00,2025-03-02T08:00:00.123+02:00,web\n"
                + "delivered,10,102,1.00,2025-03-02,web\n"
                + "delivered,0,100,1.00,2025-03-02,web\n"
                + "delivered,13,abc,1.00,2025-03-02,web\n"
                + "delivered,14,100,1.00,2025-02-30,web\n"
                + "delivered,15,100,-5,2025-03-02,web\n"
                + "lost,16,100,1.00,2025-03-02,web\n"
                + ",17,100,1.00,2025-03-02,web\n"
                + "\n"
                + "refunded,18,103,7.25,2025-03-02Z,web\n"
                + "refunded,19,103,7.25,2025-03-02T10:00:00Z,web\n");
        write("orders_b_header_only.csv", "order_id,user_id,order_date,total_amount,status\n");
        write("orders_c_empty.csv", "");
        write("orders_d_missing_status.csv", "order_id,user_id,order_date,total_amount\n20,1,2025-03-01,1.00\n");
        write("orders_e_unterminated.csv", "order_id,user_id,order_date,total_amount,status\n"
                + "21,104,2025-03-03,2.00,delivered\n"
                + "22,104,2025-03-03,\"2.00,delivered\n");
        Files.write(input.resolve("order_items_latin1.csv"),
                "order_id,product_id,quantity,unit_price\n10,1,1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        write("order_items_a.csv", "order_id,product_id,quantity,unit_price\r\n"
                + "10,1,1,12.50\r\n"
                + "10,2,2,3.00\r\n"
                + "11,2,1,3.00\r\n"
                + "12,6,1,7.25\r\n"
                + "\"12\",\"6\",\"1\",\"7.25\"\r\n"
                + "99,1,1,1.00\r\n"
                + "10,3,1,1.00\r\n"
                + "10,1,0,1.00\r\n"
                + "10,1,1,x\r\n"
                + "10,1,1\r\n"
                + "19,2,3,3.00\r\n");
        write("notes.txt", "hello\n");

        try (TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            assertThat(pipeline.ingest(input, out)).isZero();
            pipeline.assertNothingLost(input);
            objects = pipeline.objects();
        }
        files = TestPipeline.readCsv(out.resolve("files.csv")).stream()
                .collect(Collectors.toMap(r -> r.get(0), r -> r, (a, b) -> a, TreeMap::new));
        batchId = files.get("incoming/orders_a.csv").get(2);
    }

    private static void write(String name, String content) throws Exception {
        Files.writeString(input.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void fileLevelRulesQuarantineWholeFilesWithTheirReason() {
        assertThat(files).hasSize(9);
        assertThat(outcome("products.csv")).containsExactly("archived", "");
        assertThat(outcome("orders_a.csv")).containsExactly("archived", "");
        assertThat(outcome("orders_b_header_only.csv")).containsExactly("archived", "");
        assertThat(outcome("orders_e_unterminated.csv")).containsExactly("archived", "");
        assertThat(outcome("order_items_a.csv")).containsExactly("archived", "");
        assertThat(outcome("orders_c_empty.csv")).containsExactly("quarantined", "no_header");
        assertThat(outcome("orders_d_missing_status.csv")).containsExactly("quarantined", "missing_column");
        assertThat(outcome("order_items_latin1.csv")).containsExactly("quarantined", "not_utf8");
        assertThat(outcome("notes.txt")).containsExactly("quarantined", "unrecognised_file_name");
    }

    private static List<String> outcome(String name) {
        List<String> row = files.get("incoming/" + name);
        return List.of(row.get(1), row.get(3));
    }

    @Test
    void quarantinedFilesKeepTheirBytesAndAnErrorFile() throws Exception {
        for (String name : List.of("orders_c_empty.csv", "orders_d_missing_status.csv", "order_items_latin1.csv",
                "notes.txt")) {
            assertThat(objects.get("quarantine/" + batchId + "/" + name)).as(name)
                    .isEqualTo(Files.readAllBytes(input.resolve(name)));
            JsonNode error = new ObjectMapper().readTree(objects.get("quarantine/" + batchId + "/" + name + ".error.json"));
            assertThat(error.get("reason").asText()).isEqualTo(outcome(name).get(1));
            assertThat(error.get("detail").asText()).isNotBlank();
        }
        assertThat(new String(objects.get("quarantine/" + batchId + "/orders_d_missing_status.csv.error.json"),
                StandardCharsets.UTF_8)).contains("status");
        for (String name : List.of("products.csv", "orders_a.csv", "orders_b_header_only.csv", "order_items_a.csv",
                "orders_e_unterminated.csv")) {
            assertThat(objects.get("archive/" + batchId + "/" + name)).as(name)
                    .isEqualTo(Files.readAllBytes(input.resolve(name)));
        }
        assertThat(objects.keySet()).noneMatch(k -> k.startsWith("incoming/") || k.startsWith("collected/"));
    }

    @Test
    void rejectedRowsCarryFileLineReasonAndRawText() throws Exception {
        assertThat(rejected("products.csv")).containsExactly(
                "5|invalid_price|Toys,-1,3,Bad price,acme",
                "6|missing_category|,5,4,No category,acme",
                "7|field_count|Toys,5,5,Too,many,fields");
        assertThat(rejected("orders_a.csv")).containsExactly(
                "5|duplicate_order_id|delivered,10,102,1.00,2025-03-02,web",
                "6|invalid_order_id|delivered,0,100,1.00,2025-03-02,web",
                "7|invalid_user_id|delivered,13,abc,1.00,2025-03-02,web",
                "8|invalid_order_date|delivered,14,100,1.00,2025-02-30,web",
                "9|invalid_total_amount|delivered,15,100,-5,2025-03-02,web",
                "10|invalid_status|lost,16,100,1.00,2025-03-02,web",
                "11|missing_status|,17,100,1.00,2025-03-02,web",
                "13|invalid_order_date|refunded,18,103,7.25,2025-03-02Z,web");
        assertThat(rejected("orders_e_unterminated.csv")).containsExactly(
                "3|unterminated_quote|22,104,2025-03-03,\"2.00,delivered\n");
        assertThat(rejected("order_items_a.csv")).containsExactly(
                "7|unknown_order|99,1,1,1.00",
                "8|unknown_product|10,3,1,1.00",
                "9|invalid_quantity|10,1,0,1.00",
                "10|invalid_unit_price|10,1,1,x",
                "11|field_count|10,1,1");
        assertThat(out.resolve("rejected").resolve(batchId).resolve("orders_a.csv.rejected.csv")).exists();
    }

    private static List<String> rejected(String name) {
        String csv = new String(objects.get("rejected/" + batchId + "/" + name + ".rejected.csv"), StandardCharsets.UTF_8);
        List<List<String>> rows = ReferenceKpis.parse(csv);
        assertThat(rows.get(0)).containsExactly("file", "line", "reason", "detail", "raw");
        return rows.subList(1, rows.size()).stream().peek(r -> assertThat(r.get(0)).isEqualTo("incoming/" + name))
                .map(r -> r.get(1) + "|" + r.get(2) + "|" + r.get(4)).toList();
    }

    @Test
    void reportCountsRowsPerFileAndReasonAndListsChangedDates() throws Exception {
        JsonNode report = new ObjectMapper().readTree(objects.get("reports/" + batchId + ".json"));
        assertThat(report.get("order_dates_changed").toString()).isEqualTo("[\"2025-03-01\",\"2025-03-02\",\"2025-03-03\"]");
        JsonNode orders = null;
        for (JsonNode f : report.get("files")) {
            if (f.get("key").asText().equals("incoming/orders_a.csv")) {
                orders = f;
            }
        }
        assertThat(orders).isNotNull();
        assertThat(orders.get("rows_read").asLong()).isEqualTo(12);
        assertThat(orders.get("rows_accepted").asLong()).isEqualTo(4);
        assertThat(orders.get("rows_rejected").asLong()).isEqualTo(8);
        assertThat(orders.get("rejected_by_reason").get("invalid_order_date").asLong()).isEqualTo(2);
        assertThat(report.get("totals").get("quarantined").asInt()).isEqualTo(4);
    }

    @Test
    void kpisFollowTheContractOnTheAcceptedRows() throws Exception {
        ReferenceKpis expected = ReferenceKpis.of(input);
        Map<String, List<String>> orders = TestPipeline.byKey(
                TestPipeline.readCsv(out.resolve("order_kpis.csv")), 1);
        Map<String, List<String>> categories = TestPipeline.byKey(
                TestPipeline.readCsv(out.resolve("category_kpis.csv")), 2);
        assertThat(orders).isEqualTo(expected.orderKpis);
        assertThat(categories).isEqualTo(expected.categoryKpis);
        // order 10: 12.50 + 2 x 3.00; order 11 returned: 3.00; day 2025-03-01 has 2 orders, 1 returned
        assertThat(orders.get("2025-03-01")).containsExactly("2", "21.50", "4", "0.5000", "2");
        // the quoted duplicate line of order 12 counts twice (same identity, same batch)
        assertThat(categories.get("Books|2025-03-02")).containsExactly("14.50", "14.50", "0.0000");
        assertThat(files.get("incoming/orders_a.csv").get(1)).isEqualTo("archived");
    }
}
