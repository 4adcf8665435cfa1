package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State across batches (docs/contract.md §4): later statuses, late lines, catalog changes, re-sent files. Run with each
 * of the KPI queries' two shapes (KpiQueryPlan): grouped as a whole, and per order through the indexes.
 */
class MultiWaveTest {

    @TempDir
    Path work;

    private Path wave(String name, Map<String, String> files) throws Exception {
        Path dir = Files.createDirectories(work.resolve("in").resolve(name));
        for (var f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        return dir;
    }

    @ParameterizedTest(name = "pipeline.kpi.per-order-max-share = {0}")
    @ValueSource(strings = {"0", "2"}) // always as a whole; always per order
    void laterBatchesUpdateOrdersLinesAndCatalogAndResendsChangeNothing(String perOrderMaxShare) throws Exception {
        wave("w1", Map.of(
                "products.csv", "product_id,category,name,price\n1,Books,Dune,10.00\n2,Toys,Ball,2.00\n",
                "orders_1.csv", "order_id,user_id,order_date,total_amount,status\n"
                        + "1,1,2025-01-01,14.00,delivered\n2,2,2025-01-01,2.00,delivered\n3,1,2025-01-02,20.00,shipped\n",
                "order_items_1.csv", "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n1,2,2,2.00\n2,2,1,2.00\n"));
        // order 2 is returned later; order 3's lines arrive a batch after the order
        wave("w2", Map.of(
                "orders_2.csv", "order_id,user_id,order_date,total_amount,status\n2,2,2025-01-01,2.00,returned\n",
                "order_items_2.csv", "order_id,product_id,quantity,unit_price\n3,1,2,10.00\n"));
        // product 2 moves to Games: new lines get it, old lines keep Toys; line (1,1) is replaced
        Map<String, String> w3 = Map.of(
                "products_update.csv", "product_id,category,name,price\n2,Games,Ball,2.50\n",
                "orders_3.csv", "order_id,user_id,order_date,total_amount,status\n4,3,2025-01-02,5.00,delivered\n",
                "order_items_3.csv", "order_id,product_id,quantity,unit_price\n4,2,2,2.50\n1,1,3,10.00\n");
        wave("w3", w3);
        wave("w4", w3); // the last wave sent again

        Path out = work.resolve("out");
        Path again = work.resolve("again");
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.kpi.per-order-max-share", perOrderMaxShare))) {
            assertThat(pipeline.ingest(work.resolve("in"), out)).isZero();
            // the whole input sent once more: every batch re-applies the same latest versions
            assertThat(pipeline.ingest(work.resolve("in"), again)).isZero();
            pipeline.assertNothingLost(work.resolve("in"), work.resolve("in"));
        }

        Map<String, List<String>> orders = TestPipeline.byKey(TestPipeline.readCsv(out.resolve("order_kpis.csv")), 1);
        Map<String, List<String>> categories =
                TestPipeline.byKey(TestPipeline.readCsv(out.resolve("category_kpis.csv")), 2);
        // 2025-01-01: order 1 = 3 x 10.00 + 2 x 2.00, order 2 (returned) = 2.00
        assertThat(orders.get("2025-01-01")).containsExactly("2", "36.00", "6", "0.5000", "2");
        // 2025-01-02: order 3 = 2 x 10.00 (late lines), order 4 = 2 x 2.50
        assertThat(orders.get("2025-01-02")).containsExactly("2", "25.00", "4", "0.0000", "2");
        assertThat(categories.get("Toys|2025-01-01")).containsExactly("6.00", "3.00", "0.5000");
        assertThat(categories.get("Games|2025-01-02")).containsExactly("5.00", "5.00", "0.0000");
        assertThat(categories).doesNotContainKey("Games|2025-01-01");

        ReferenceKpis expected = ReferenceKpis.of(work.resolve("in"));
        assertThat(orders).isEqualTo(expected.orderKpis);
        assertThat(categories).isEqualTo(expected.categoryKpis);
        assertThat(Files.readString(again.resolve("order_kpis.csv"))).isEqualTo(Files.readString(out.resolve("order_kpis.csv")));
        assertThat(Files.readString(again.resolve("category_kpis.csv")))
                .isEqualTo(Files.readString(out.resolve("category_kpis.csv")));

        List<List<String>> files = TestPipeline.readCsv(again.resolve("files.csv"));
        assertThat(files).hasSize(11).allSatisfy(f -> assertThat(f.get(1)).isEqualTo("archived"));
        assertThat(files.stream().map(f -> f.get(2)).distinct()).hasSize(4);
    }
}
