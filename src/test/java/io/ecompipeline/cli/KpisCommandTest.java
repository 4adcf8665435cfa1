package io.ecompipeline.cli;

import static io.ecompipeline.support.ConsoleCapture.capture;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.Settings;
import io.ecompipeline.support.ConsoleCapture.Outcome;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code kpis}: the KPI items of a range as a table (units, a totals line), CSV (the dashboard download's columns) or
 * JSON, with the numbers of the DynamoDB items; a category's items with {@code --category}; an empty range said
 * plainly (exit 0); bad arguments a usage error (exit 2) before anything is read; its own {@code --help}.
 */
class KpisCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs the command on the embedded servers' DynamoDB, as `bin/ecom-pipeline kpis` does against a `run`. */
    private static Outcome kpis(String... args) throws Exception {
        Map<String, String> services = TestPipeline.services().pipelineProperties();
        return capture(() -> new KpisCommand(Settings.beforeStart(services), System.out)
                .run(Cli.options(List.of(args))));
    }

    @Test
    void readsTheItemsOfARangeAsTableCsvAndJson() throws Exception {
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            DynamoDbClient ddb = pipeline.bean("dynamoDbClient", DynamoDbClient.class);
            putOrder(ddb, "2024-03-01", 3, "1234.5", "0.3333", 3);
            putOrder(ddb, "2024-03-02", 1, "10", "0", 1);
            putOrder(ddb, "2024-03-09", 7, "99.99", "0", 5); // outside the range asked
            putCategory(ddb, "Books", "2024-03-01", "34.5", "17.25", "0.5", 2);
            putCategory(ddb, "Games", "2024-03-01", "1200", "1200", "0", 1);
            putCategory(ddb, "Books", "2024-03-02", "10", "10", "0", 1);

            Outcome table = kpis("--from", "2024-03-01", "--to", "2024-03-05");
            assertThat(table.code()).isZero();
            assertThat(table.stdout().lines().findFirst().orElseThrow())
                    .matches("order_date\\s+category\\s+orders\\s+revenue\\s+return rate\\s+unique customers");
            assertThat(table.stdout()).contains("2024-03-01  all").contains("$1,234.50").contains("33.3 %").contains("$10.00")
                    .doesNotContain("2024-03-09").doesNotContain("$99.99");
            // the totals: orders and revenue summed, the return rate weighted by orders (1/4)
            assertThat(table.stdout().lines().filter(l -> l.startsWith("total")).findFirst().orElseThrow())
                    .matches("total\\s+2 days\\s+4\\s+\\$1,244\\.50\\s+25\\.0 %\\s+–");
            assertThat(table.stdout()).contains("average order value $311.13");

            Outcome csv = kpis("--from", "2024-03-01", "--to", "2024-03-05", "--format", "csv");
            List<List<String>> rows = new ArrayList<>(ReferenceKpis.parse(csv.stdout()));
            assertThat(rows.remove(0)).containsExactly("order_date", "category", "orders", "revenue_USD", "return_rate",
                    "unique_customers");
            assertThat(rows).containsExactly(List.of("2024-03-01", "all", "3", "1234.5", "0.3333", "3"),
                    List.of("2024-03-02", "all", "1", "10", "0", "1"));

            JsonNode json = JSON.readTree(kpis("--from", "2024-03-01", "--to", "2024-03-05", "--format", "json")
                    .stdout());
            assertThat(json.get("from").asText()).isEqualTo("2024-03-01");
            assertThat(json.get("currency").asText()).isEqualTo("USD");
            assertThat(json.get("rows")).hasSize(2);
            assertThat(json.get("rows").get(0).get("revenue").decimalValue()).isEqualByComparingTo("1234.5");
            assertThat(json.get("rows").get(0).get("return_rate").decimalValue()).isEqualByComparingTo("0.3333");
            assertThat(json.get("totals").get("orders").asLong()).isEqualTo(4);
            assertThat(json.get("totals").get("revenue").decimalValue()).isEqualByComparingTo("1244.50");
            assertThat(json.get("totals").get("return_rate").decimalValue()).isEqualByComparingTo("0.25");

            // one category: its items only, by Query
            Outcome books = kpis("--from", "2024-03-01", "--to", "2024-03-05", "--category", "Books", "--format", "csv");
            List<List<String>> bookRows = new ArrayList<>(ReferenceKpis.parse(books.stdout()));
            bookRows.remove(0);
            assertThat(bookRows).containsExactly(List.of("2024-03-01", "Books", "2", "34.5", "0.5", ""),
                    List.of("2024-03-02", "Books", "1", "10", "0", ""));
            assertThat(kpis("--from", "2024-03-01", "--to", "2024-03-01", "--category", "Games").stdout())
                    .contains("Games").contains("$1,200.00").doesNotContain("Books");

            // nothing there: said plainly, and how to load data; exit 0
            Outcome empty = kpis("--from", "2023-01-01", "--to", "2023-01-31");
            assertThat(empty.code()).isZero();
            assertThat(empty.stdout()).isEmpty();
            assertThat(empty.stderr()).startsWith("No KPIs for 2023-01-01 to 2023-01-31 in DynamoDB table OrderKPIs")
                    .contains("bin/ecom-pipeline ingest").contains("recompute --from 2023-01-01 --to 2023-01-31");
            assertThat(JSON.readTree(kpis("--from", "2023-01-01", "--to", "2023-01-31", "--format", "json").stdout())
                    .get("rows")).isEmpty();
        }
    }

    @Test
    void badArgumentsAreOneLineUsageErrorsAndHelpIsItsOwn() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("kpis --from 2024-13-01 --to 2024-12-31", "error: --from must be a date as YYYY-MM-DD, not '2024-13-01'");
        expected.put("kpis --from 2024-03-02 --to 2024-03-01", "error: --from (2024-03-02) is after --to (2024-03-01)");
        expected.put("kpis --from 2024-03-01", "error: kpis needs --from DATE and --to DATE (YYYY-MM-DD)");
        expected.put("kpis --from 2024-03-01 --to 2024-03-02 --format xml", "error: --format must be table, csv or json, not 'xml'");
        expected.put("kpis --from 2024-03-01 --to 2024-03-02 --colour red", "error: unknown option --colour for kpis");
        expected.put("recompute --from 2024-03-01 --to March", "error: --to must be a date as YYYY-MM-DD, not 'March'");
        expected.put("recompute --to 2024-03-01", "error: recompute needs --from DATE and --to DATE (YYYY-MM-DD)");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String[] args = e.getKey().split(" ");
            Outcome o = capture(() -> Cli.run(args));
            assertThat(o.code()).as(e.getKey()).isEqualTo(2);
            assertThat(o.stderr().lines().findFirst().orElseThrow()).as(e.getKey()).isEqualTo(e.getValue());
            // the launcher's check, before it looks for the services, says the same
            Outcome checked = capture(() -> Cli.checkArguments(args));
            assertThat(checked.code()).isEqualTo(2);
            assertThat(checked.stderr()).startsWith(e.getValue());
        }
        assertThat(Cli.checkArguments(new String[] {"kpis", "--from", "2024-03-01", "--to", "2024-03-01"})).isZero();

        Outcome help = capture(() -> Cli.run(new String[] {"kpis", "--help"}));
        assertThat(help.code()).isZero();
        assertThat(help.stdout()).startsWith("usage: ecom-pipeline kpis").contains("--category C")
                .contains("--format table|csv|json").doesNotContain("recompute --from");
        assertThat(Cli.usageOf("recompute")).contains("processing").doesNotContain("--category");
    }

    private static void putOrder(DynamoDbClient ddb, String date, long orders, String revenue, String returnRate,
            long customers) {
        ddb.putItem(b -> b.tableName("OrderKPIs").item(Map.of("order_date", s(date), "total_orders", n(orders),
                "total_revenue", n(revenue), "return_rate", n(returnRate), "unique_customers", n(customers),
                "total_items_sold", n(orders), "returned_orders", n(0), "batch_id", s("test"))));
    }

    private static void putCategory(DynamoDbClient ddb, String category, String date, String revenue, String aov,
            String returnRate, long orders) {
        ddb.putItem(b -> b.tableName("CategoryKPIs").item(Map.of("category", s(category), "order_date", s(date),
                "daily_revenue", n(revenue), "avg_order_value", n(aov), "avg_return_rate", n(returnRate),
                "orders", n(orders), "returned_orders", n(0), "batch_id", s("test"))));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(Object v) {
        return AttributeValue.fromN(v instanceof BigDecimal b ? b.toPlainString() : v.toString());
    }
}
