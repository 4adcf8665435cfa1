package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Readiness follows collection, not only the services: while every arrival fails to get into the open batch (here a
 * trigger makes PostgreSQL refuse every write to the aggregation repository's table, while the services check still
 * connects) for {@code pipeline.health.collection-failing-after}, readiness is DOWN with the reason, liveness stays UP,
 * and {@code pipeline_arrival_errors_total} (0 from the start) counts the failures. Once writes work again, the
 * stranded files are collected, their batch runs, and readiness is UP again.
 */
class CollectionReadinessTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ERRORS = "pipeline_arrival_errors_total";

    @Test
    void readinessIsDownWhileEveryArrivalFailsAndUpOnceOneIsCollected() throws Exception {
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.management.enabled", "true",
                "pipeline.management.port", "0", "pipeline.generator.schedule-enabled", "false",
                "pipeline.health.collection-failing-after", "4s", "pipeline.recovery.stranded-after", "1s",
                "pipeline.recovery.initial-delay", "1s", "pipeline.recovery.period", "1s"));
                BatchEvents.Listener events = pipeline.bean("batchEvents", BatchEvents.class).listen()) {
            String base = ManagementServer.url(pipeline.app().context());
            assertThat(metrics(base)).containsEntry(ERRORS, 0.0);
            assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);

            pipeline.sql("CREATE FUNCTION pipeline.refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN RAISE EXCEPTION 'test: batch_collector refuses writes'; END $$");
            pipeline.sql("CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON pipeline.batch_collector "
                    + "FOR EACH ROW EXECUTE FUNCTION pipeline.refuse()");
            pipeline.bean("batchCompletion", BatchCompletion.class).expectWave(3);
            Map<String, String> files = Map.of(
                    "incoming/products.csv", "product_id,category,name,price\n1,Books,Dune,10.00\n",
                    "incoming/orders_1.csv", "order_id,user_id,order_date,total_amount,status\n1,7,2025-02-01,10.00,shipped\n",
                    "incoming/order_items_1.csv", "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n");
            files.forEach((key, text) -> pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key(key),
                    RequestBody.fromString(text)));

            TestPipeline.await("a failed arrival counted", Duration.ofSeconds(30), () -> metrics(base).get(ERRORS) >= 1);
            long firstFailure = System.nanoTime();
            HttpResponse<String> stillReady = get(base + "/health/ready");
            if (System.nanoTime() - firstFailure < Duration.ofSeconds(3).toNanos()) {
                assertThat(stillReady.statusCode()).as("one failure is not yet a failing collection").isEqualTo(200);
            }
            TestPipeline.await("readiness DOWN", Duration.ofSeconds(30),
                    () -> get(base + "/health/ready").statusCode() == 503);
            HttpResponse<String> down = get(base + "/health/ready?exposureLevel=full");
            assertThat(down.body()).contains("collection has failed for every arrival", "refuses writes");
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            assertThat(metrics(base).get(ERRORS)).isGreaterThanOrEqualTo(3.0);

            pipeline.sql("DROP TRIGGER refuse ON pipeline.batch_collector");
            BatchEvents.Ended ended = events.awaitNext(Duration.ofSeconds(60));
            assertThat(ended).isNotNull();
            assertThat(ended.finished()).as(String.valueOf(ended.error())).isTrue();
            assertThat(pipeline.reportFiles(ended.batchId()).keySet()).containsExactlyInAnyOrderElementsOf(files.keySet());
            assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Prometheus text format: series (name with labels) to value. */
    private static Map<String, Double> metrics(String base) throws Exception {
        Map<String, Double> series = new TreeMap<>();
        for (String line : get(base + "/metrics").body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), Double.valueOf(line.substring(space + 1)));
            }
        }
        return series;
    }
}
