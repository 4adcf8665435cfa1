package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchManifestAggregation;
import io.ecompipeline.model.FileArrival;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The open batch's gauges follow what the collector's completion check sees: its files and age while it waits, 0
 * once it closes or when an idle poll finds none, and force-after beside them; they survive garbage collection (a
 * gauge holds its source weakly unless told otherwise).
 */
@Tag("unit")
class OpenBatchGaugesTest {

    @Test
    void theGaugesShowTheWaitingBatchAndDropToZeroWhenItCloses() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PipelineMetrics metrics = new PipelineMetrics(registry);
        BatchCompletion completion = new BatchCompletion(2, 2, Duration.ofMinutes(30).toMillis(), () -> true,
                () -> true);
        metrics.openBatch(completion::openFiles, completion::openSince, Duration.ofMinutes(30));
        System.gc();

        long firstArrival = System.currentTimeMillis() - 90_000;
        String manifest = arrival("incoming/orders_1.csv", 1) + "\n" + arrival("incoming/order_items_1.csv", 2);
        assertThat(completion.isComplete(batch(manifest, firstArrival, true))).isFalse();
        assertThat(gauge(registry, "pipeline.open.batch.files")).isEqualTo(2.0);
        assertThat(gauge(registry, "pipeline.open.batch.age")).isBetween(89.0, 120.0);
        assertThat(gauge(registry, "pipeline.open.batch.force.after")).isEqualTo(1800.0);

        String full = manifest + "\n" + arrival("incoming/orders_2.csv", 3) + "\n"
                + arrival("incoming/order_items_2.csv", 4);
        assertThat(completion.isComplete(batch(full, firstArrival, true))).isTrue();
        assertThat(gauge(registry, "pipeline.open.batch.files")).isZero();
        assertThat(gauge(registry, "pipeline.open.batch.age")).isZero();

        assertThat(completion.isComplete(batch(manifest, firstArrival, false))).isFalse();
        assertThat(gauge(registry, "pipeline.open.batch.files")).isEqualTo(2.0);
        assertThat(completion.isComplete(batch("", null, true))).isTrue();
        assertThat(gauge(registry, "pipeline.open.batch.files")).isZero();
    }

    private static String arrival(String key, int n) {
        return new FileArrival(key, "collected/000000000000000" + n + "/" + key.substring(9), 10, "etag", 1).toLine();
    }

    private static Exchange batch(String manifest, Long firstArrival, boolean pollComplete) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(manifest);
        exchange.getMessage().setHeader(BatchManifestAggregation.FIRST_ARRIVAL, firstArrival);
        exchange.getMessage().setHeader(BatchManifestAggregation.POLL_COMPLETE, pollComplete);
        return exchange;
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }
}
