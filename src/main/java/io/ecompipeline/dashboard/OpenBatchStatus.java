package io.ecompipeline.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.ecompipeline.ingest.BatchCompletion;

/**
 * The batch the collector is still filling, for the dashboard: its files, since when, and when it closes at the
 * latest ({@code pipeline.batch.force-after} after its first file; sooner once it holds enough files). Read from
 * BatchCompletion as its last check saw it (on each arrival and idle poll), the same numbers as the open-batch gauges.
 * BatchCompletion is looked up at each call: it is bound lazily by the ingest configuration, and a command without a
 * collector has none (then there is no open batch to show).
 */
public class OpenBatchStatus {

    private final Supplier<BatchCompletion> completion;
    private final Duration forceAfter;
    private final String closesEarlier;

    public OpenBatchStatus(Supplier<BatchCompletion> completion, Duration forceAfter, String closesEarlier) {
        this.completion = completion;
        this.forceAfter = forceAfter;
        this.closesEarlier = closesEarlier;
    }

    /** files (0 without an open batch), first_arrival, age_seconds, closes_by and closes_earlier (null without one). */
    public Map<String, Object> openBatch() {
        BatchCompletion c = completion.get();
        long files = c == null ? 0 : c.openFiles();
        long since = c == null ? 0 : c.openSince();
        Map<String, Object> open = new LinkedHashMap<>();
        open.put("files", files);
        boolean isOpen = files > 0 && since > 0;
        open.put("first_arrival", isOpen ? Instant.ofEpochMilli(since).toString() : null);
        open.put("age_seconds", isOpen ? Math.max(0, (System.currentTimeMillis() - since) / 1000) : null);
        open.put("closes_by", isOpen ? Instant.ofEpochMilli(since).plus(forceAfter).toString() : null);
        open.put("closes_earlier", isOpen ? closesEarlier : null);
        return open;
    }
}
