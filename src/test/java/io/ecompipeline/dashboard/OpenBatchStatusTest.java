package io.ecompipeline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchManifestAggregation;
import io.ecompipeline.model.FileArrival;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's open batch follows what the collector's completion check saw: its files, first arrival and the
 * force-after time it closes by while it waits; nothing once it closed, or without a collector at all.
 */
@Tag("unit")
class OpenBatchStatusTest {

    @Test
    void theOpenBatchShowsItsFilesAgeAndClosingTime() throws Exception {
        BatchCompletion completion = new BatchCompletion(2, 2, Duration.ofMinutes(30).toMillis(), () -> true, () -> true);
        OpenBatchStatus status = new OpenBatchStatus(() -> completion, Duration.ofMinutes(30), "once it holds 2 orders"
                + " and 2 items files");
        assertThat(status.openBatch()).containsEntry("files", 0L).containsEntry("closes_by", null);

        long firstArrival = System.currentTimeMillis() - 90_000;
        assertThat(completion.isComplete(batch(arrival("incoming/orders_1.csv", 1), firstArrival))).isFalse();
        Map<String, Object> open = status.openBatch();
        assertThat(open).containsEntry("files", 1L)
                .containsEntry("first_arrival", Instant.ofEpochMilli(firstArrival).toString())
                .containsEntry("closes_by", Instant.ofEpochMilli(firstArrival).plus(Duration.ofMinutes(30)).toString())
                .containsEntry("closes_earlier", "once it holds 2 orders and 2 items files");
        assertThat((Long) open.get("age_seconds")).isBetween(89L, 120L);

        assertThat(completion.isComplete(batch("", null))).isTrue();
        assertThat(status.openBatch()).containsEntry("files", 0L).containsEntry("first_arrival", null);
        assertThat(new OpenBatchStatus(() -> null, Duration.ofMinutes(30), "").openBatch()).containsEntry("files", 0L);
    }

    private static String arrival(String key, int n) {
        return new FileArrival(key, "collected/000000000000000" + n + "/" + key.substring(9), 10, "etag", 1).toLine();
    }

    private static Exchange batch(String manifest, Long firstArrival) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(manifest);
        exchange.getMessage().setHeader(BatchManifestAggregation.FIRST_ARRIVAL, firstArrival);
        exchange.getMessage().setHeader(BatchManifestAggregation.POLL_COMPLETE, true);
        return exchange;
    }
}
