package io.ecompipeline.ingest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.ecompipeline.model.FileArrival;
import io.ecompipeline.model.FileKind;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the open batch closes (docs/contract.md §2). In service mode: enough orders and items files (and a catalog file
 * while none is known), and every file of the poll that reached those counts collected; or {@code force-after}
 * since the first file arrived (checked on each arrival, on each idle poll and by the completion timeout, so a batch
 * closes in time even after the instance that opened it was replaced). In one-shot mode ({@link #expectWave}): when the wave's files are all collected.
 */
public class BatchCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(BatchCompletion.class);

    private final int minOrderFiles;
    private final int minItemFiles;
    private final long forceAfterMillis;
    private final BooleanSupplier catalogKnown;
    private final BooleanSupplier openBatchExists;
    private volatile Integer expectedWaveFiles;
    /** The open batch as the last check saw it (files, first arrival in ms; 0 and 0 without one), for the gauges. */
    private volatile long openFiles;
    private volatile long openSince;
    /** What the last INFO line said of the open batch, so an unchanged batch is not logged at every idle poll. */
    private final AtomicReference<String> lastLogged = new AtomicReference<>();

    /** The aggregator's correlation key: there is one open batch at a time. */
    public static final String OPEN_BATCH = "open-batch";

    public BatchCompletion(int minOrderFiles, int minItemFiles, long forceAfterMillis, BooleanSupplier catalogKnown,
            BooleanSupplier openBatchExists) {
        this.minOrderFiles = minOrderFiles;
        this.minItemFiles = minItemFiles;
        this.forceAfterMillis = forceAfterMillis;
        this.catalogKnown = catalogKnown;
        this.openBatchExists = openBatchExists;
    }

    /** Whether an idle poll should remind the collector of its open batch (to close it when it is due). */
    public boolean hasOpenBatch() {
        return openBatchExists.getAsBoolean();
    }

    /** One-shot mode: the next batch is exactly the next {@code files} arrivals. */
    public void expectWave(int files) {
        expectedWaveFiles = files;
    }

    /** One-shot mode: an object of the wave was quarantined on arrival, so the wave's batch holds one file fewer. */
    public void arrivalSetAside() {
        Integer expected = expectedWaveFiles;
        if (expected != null) {
            expectedWaveFiles = expected - 1;
        }
    }

    public boolean isComplete(Exchange batch) {
        List<FileArrival> files = FileArrival.fromManifest(batch.getMessage().getBody(String.class));
        if (files.isEmpty()) {
            seen(0, 0);
            return true; // an idle-poll reminder that found no open batch: nothing to keep
        }
        Integer expected = expectedWaveFiles;
        if (expected != null) {
            return files.size() >= expected;
        }
        Map<FileKind, Long> counts = files.stream()
                .flatMap(f -> FileKind.ofName(f.incomingKey()).stream())
                .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        long orders = counts.getOrDefault(FileKind.ORDERS, 0L);
        long items = counts.getOrDefault(FileKind.ITEMS, 0L);
        long products = counts.getOrDefault(FileKind.PRODUCTS, 0L);
        boolean pollComplete = batch.getMessage().getHeader(BatchManifestAggregation.POLL_COMPLETE, false, Boolean.class);
        boolean enough = orders >= minOrderFiles && items >= minItemFiles
                && (products > 0 || catalogKnown.getAsBoolean());
        long remaining = remainingMillis(batch);
        String holds = String.format("Open batch holds %d files (%d orders, %d items, %d catalog); closes at %d orders"
                + " + %d items files%s", files.size(), orders, items, products, minOrderFiles, minItemFiles,
                enough && !pollComplete ? ", once this poll's files are in" : "");
        String closes = ", or at " + Instant.ofEpochMilli(System.currentTimeMillis() + remaining)
                .truncatedTo(ChronoUnit.SECONDS) + " (force-after)";
        // every idle poll asks again (each 5 s in service mode): the log says what changed, not each question
        if (!holds.equals(lastLogged.getAndSet(holds))) {
            LOG.info(holds + closes);
        } else {
            LOG.debug(holds + closes);
        }
        boolean complete = enough && pollComplete || remaining <= 1;
        Long first = batch.getMessage().getHeader(BatchManifestAggregation.FIRST_ARRIVAL, Long.class);
        seen(complete ? 0 : files.size(), complete || first == null ? 0 : first);
        return complete;
    }

    private void seen(long files, long firstArrival) {
        openFiles = files;
        openSince = firstArrival;
    }

    /** Files in the open batch when it was last checked (on each arrival and idle poll); 0 without one. */
    public long openFiles() {
        return openFiles;
    }

    /** When the open batch's first file arrived (epoch ms) as last checked; 0 without one. */
    public long openSince() {
        return openSince;
    }

    /** Completion timeout of the open batch: what is left of force-after since its first file arrived. */
    public long remainingMillis(Exchange batch) {
        Long first = batch.getMessage().getHeader(BatchManifestAggregation.FIRST_ARRIVAL, Long.class);
        long start = first == null ? System.currentTimeMillis() : first;
        return Math.max(1, start + forceAfterMillis - System.currentTimeMillis());
    }
}
