package io.ecompipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.support.FaultProxy;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL connections cut for a while (a proxy in front of it): the batch is retried and ends as a clean run. */
class PostgresOutageTest {

    /** Connections dropped by the outage before it ends: several retries of the batch, not one. */
    private static final int OUTAGE_ATTEMPTS = 5;

    @TempDir
    Path work;

    @Test
    void batchRetriesThroughLostDatabaseConnections() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n");
        Files.writeString(in.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,1,2025-01-01,10.00,delivered\n2,2,2025-01-02,20.00,refunded\n");
        Files.writeString(in.resolve("order_items_1.csv"), "order_id,product_id,quantity,unit_price\n"
                + "1,1,1,10.00\n2,1,2,10.00\n");
        URI postgres = URI.create(TestPipeline.services().jdbcUrl().substring("jdbc:".length()));
        try (FaultProxy proxy = new FaultProxy(URI.create("http://" + postgres.getHost() + ":" + postgres.getPort()));
                TestPipeline pipeline = TestPipeline.fresh(Map.of(
                        "pipeline.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.uri().getPort() + "/postgres",
                        "pipeline.batch.retry-interval", "1s",
                        // an arrival whose collection failed while the database was away waits in collected/ for
                        // recover-stranded: soon here, so that the test does not depend on when the outage hits
                        "pipeline.recovery.stranded-after", "3s", "pipeline.recovery.initial-delay", "1s",
                        "pipeline.recovery.period", "2s"))) {
            proxy.down();
            CompletableFuture<Integer> ingest = CompletableFuture.supplyAsync(() -> {
                try {
                    return pipeline.ingest(in, work.resolve("out"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the outage lasts until the pipeline has run into it again and again (connections the proxy dropped:
            // its 1 s retries), and fails at once should the ingest end meanwhile
            await("the pipeline meeting the PostgreSQL outage").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("the ingest ended while PostgreSQL was unreachable", ingest::isDone)
                    .until(() -> proxy.refused() >= OUTAGE_ATTEMPTS);
            assertThat(ingest).as("no batch can finish while PostgreSQL is unreachable").isNotDone();
            proxy.up();
            assertThat(ingest.get(90, TimeUnit.SECONDS)).isZero();

            ReferenceKpis expected = ReferenceKpis.of(in);
            assertThat(TestPipeline.byKey(TestPipeline.readCsv(work.resolve("out/order_kpis.csv")), 1))
                    .isEqualTo(expected.orderKpis);
            assertThat(TestPipeline.byKey(TestPipeline.readCsv(work.resolve("out/category_kpis.csv")), 2))
                    .isEqualTo(expected.categoryKpis);
            pipeline.assertNothingLost(in);
        }
    }
}
