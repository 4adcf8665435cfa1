package io.ecompipeline.orchestrate;

import static io.ecompipeline.support.ConsoleCapture.capture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.management.RuntimeMBeanException;
import javax.management.ObjectName;

import io.ecompipeline.cli.RecomputeCommand;
import io.ecompipeline.support.ConsoleCapture.Outcome;
import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Recompute re-derives a date range's KPIs from the state (docs/operating.md "Recomputing KPIs"): KPI items deleted
 * from DynamoDB (a lost table, a restored backup) come back exactly as the batches wrote them, a date whose orders all
 * moved away stays without items, a second run changes nothing, and a run refuses while a batch holds the processing
 * lease, naming the holder. The command and the JMX operation run the same route.
 */
class RecomputeTest {

    private static final String FROM = "2024-02-28";
    private static final String TO = "2024-03-06";

    @TempDir
    Path work;

    @Test
    void deletedItemsComeBackAsTheBatchesWroteThemAndARepeatChangesNothing() throws Exception {
        Path first = Files.createDirectories(work.resolve("in/1"));
        Files.writeString(first.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n"
                + "2,Games,Chess,25.50\n");
        Files.writeString(first.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-01,10.00,delivered\n2,101,2024-03-02,35.50,delivered\n"
                + "4,103,2024-03-02,25.50,returned\n");
        Files.writeString(first.resolve("order_items_1.csv"), "order_id,product_id,quantity,unit_price\n"
                + "1,1,1,10.00\n2,1,1,10.00\n2,2,1,25.50\n4,2,1,25.50\n");
        // the second batch moves order 1 to the 5th: the 1st loses its items
        Path second = Files.createDirectories(work.resolve("in/2"));
        Files.writeString(second.resolve("orders_2.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-05,10.00,delivered\n3,102,2024-03-05,51.00,shipped\n");
        Files.writeString(second.resolve("order_items_2.csv"), "order_id,product_id,quantity,unit_price\n"
                + "3,2,2,25.50\n");

        try (LogCapture log = LogCapture.attach();
                TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.recompute.lease-wait", "1s",
                        "pipeline.recompute.chunk-days", "3"))) {
            assertThat(pipeline.ingest(work.resolve("in"), work.resolve("out"))).isZero();
            DynamoDbClient ddb = pipeline.bean("dynamoDbClient", DynamoDbClient.class);
            Map<String, Map<String, AttributeValue>> before = items(ddb);
            // nothing on the 1st: its one order (a Books line) moved to the 5th
            assertThat(before.keySet()).containsExactly("CategoryKPIs|Books|2024-03-02", "CategoryKPIs|Books|2024-03-05",
                    "CategoryKPIs|Games|2024-03-02", "CategoryKPIs|Games|2024-03-05", "OrderKPIs|2024-03-02",
                    "OrderKPIs|2024-03-05");

            // and the curated zone: a lost partition comes back as it was
            Map<String, String> curatedBefore = curated(pipeline);
            assertThat(curatedBefore).containsKey("curated/orders/order_date=2024-03-02/data.parquet");
            pipeline.s3().deleteObject(b -> b.bucket(TestPipeline.BUCKET)
                    .key("curated/orders/order_date=2024-03-02/data.parquet"));

            // a lost item of each table, and a whole date
            ddb.deleteItem(b -> b.tableName("OrderKPIs").key(Map.of("order_date", s("2024-03-02"))));
            ddb.deleteItem(b -> b.tableName("OrderKPIs").key(Map.of("order_date", s("2024-03-05"))));
            ddb.deleteItem(b -> b.tableName("CategoryKPIs").key(Map.of("category", s("Books"),
                    "order_date", s("2024-03-02"))));
            ddb.deleteItem(b -> b.tableName("CategoryKPIs").key(Map.of("category", s("Games"),
                    "order_date", s("2024-03-05"))));
            ddb.deleteItem(b -> b.tableName("CategoryKPIs").key(Map.of("category", s("Books"),
                    "order_date", s("2024-03-05"))));
            assertThat(items(ddb)).hasSize(1);

            Outcome recomputed = recompute(pipeline, FROM, TO);
            assertThat(recomputed.code()).isZero();
            assertThat(recomputed.stdout()).contains("Recomputed the KPIs of 2024-02-28 to 2024-03-06: 8 dates");
            Map<String, Map<String, AttributeValue>> after = items(ddb);
            assertThat(withoutProvenance(after)).isEqualTo(withoutProvenance(before));
            assertThat(after.values()).allSatisfy(item -> assertThat(item.get("batch_id").s()).startsWith("recompute-"));
            assertThat(curated(pipeline)).isEqualTo(curatedBefore);

            // again: the same items, by the command and by JMX
            assertThat(recompute(pipeline, FROM, TO).code()).isZero();
            assertThat(withoutProvenance(items(ddb))).isEqualTo(withoutProvenance(before));
            Object summary = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(RecomputeOperation.NAME),
                    "recompute", new Object[] {FROM, TO}, new String[] {"java.lang.String", "java.lang.String"});
            assertThat(summary.toString()).startsWith("Recomputed the KPIs of 2024-02-28 to 2024-03-06");
            assertThat(withoutProvenance(items(ddb))).isEqualTo(withoutProvenance(before));

            // a batch holds the lease: refused after the wait, naming the holder; then it runs again
            ProcessingLease batch = new ProcessingLease(ddb, "ProcessingLock", ProcessingLease.PROCESSING,
                    Duration.ofMinutes(2), Duration.ofSeconds(30));
            assertThat(batch.tryAcquire()).isTrue();
            try {
                Outcome refused = recompute(pipeline, FROM, TO);
                assertThat(refused.code()).isEqualTo(1);
                assertThat(refused.stderr()).contains("error: the processing lease is held by " + batch.owner())
                        .contains("recompute refused after waiting 1 s");
                assertThatThrownBy(() -> ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName(RecomputeOperation.NAME), "recompute", new Object[] {FROM, TO},
                        new String[] {"java.lang.String", "java.lang.String"}))
                        .isInstanceOf(RuntimeMBeanException.class).cause().hasMessageContaining("refused: the processing lease");
            } finally {
                batch.release();
            }
            assertThat(recompute(pipeline, FROM, TO).code()).isZero();
            assertThat(withoutProvenance(items(ddb))).isEqualTo(withoutProvenance(before));

            // the command as `bin/ecom-pipeline recompute` runs it: its own application, only the KPI routes
            ddb.deleteItem(b -> b.tableName("OrderKPIs").key(Map.of("order_date", s("2024-03-02"))));
            Map<String, String> services = new HashMap<>(TestPipeline.services().pipelineProperties());
            Outcome command = capture(() -> new RecomputeCommand(FROM, TO).run(services));
            assertThat(command.code()).as(command.stderr()).isZero();
            assertThat(command.stdout()).startsWith("Recomputed the KPIs of 2024-02-28 to 2024-03-06: 8 dates");
            assertThat(withoutProvenance(items(ddb))).isEqualTo(withoutProvenance(before));

            assertThat(log.lines()).noneMatch(l -> l.level().equals("ERROR"));
            assertThat(log.containing("Recompute waits for the processing lease, held by " + batch.owner())).isNotEmpty();
        }
    }

    /** The curated zone's objects, key to content (Base64). */
    private static Map<String, String> curated(TestPipeline pipeline) {
        Map<String, String> curated = new java.util.TreeMap<>();
        pipeline.objects().forEach((key, bytes) -> {
            if (key.startsWith("curated/")) {
                curated.put(key, java.util.Base64.getEncoder().encodeToString(bytes));
            }
        });
        return curated;
    }

    private static Outcome recompute(TestPipeline pipeline, String from, String to) throws Exception {
        return capture(() -> new RecomputeCommand(from, to).run(pipeline.app()));
    }

    /** Every KPI item of both tables (a scan: fine in a test), by table and key. */
    private static Map<String, Map<String, AttributeValue>> items(DynamoDbClient ddb) {
        Map<String, Map<String, AttributeValue>> all = new TreeMap<>();
        for (String table : List.of("OrderKPIs", "CategoryKPIs")) {
            ddb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> all.put(
                    table + "|" + (item.containsKey("category") ? item.get("category").s() + "|" : "")
                            + item.get("order_date").s(), item));
        }
        return all;
    }

    /** The items' attributes but when and by which run they were written, which a recompute sets anew. */
    private static Map<String, Map<String, AttributeValue>> withoutProvenance(Map<String, Map<String, AttributeValue>> items) {
        Map<String, Map<String, AttributeValue>> kpis = new TreeMap<>();
        items.forEach((key, item) -> {
            Map<String, AttributeValue> copy = new HashMap<>(item);
            copy.remove("updated_at");
            copy.remove("batch_id");
            kpis.put(key, copy);
        });
        return kpis;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
