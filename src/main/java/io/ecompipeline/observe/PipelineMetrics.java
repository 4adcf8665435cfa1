package io.ecompipeline.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ecompipeline.model.BatchFile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The pipeline's own metrics, next to Camel's route metrics in the same registry (Prometheus text at
 * {@code /observe/metrics}): rows read, accepted and rejected by reason, batches by outcome and their duration, KPI
 * items written per table, rows the generator committed per table, arrivals that could not be collected. Counted in
 * this JVM since it started.
 */
public class PipelineMetrics {

    /** For code that runs without an application (unit tests): counts into a registry nobody reads. */
    public static final PipelineMetrics NONE = new PipelineMetrics(new SimpleMeterRegistry());

    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";
    public static final String DEAD_LETTERED = "dead_lettered";

    private final MeterRegistry registry;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        // present from the start, so a scrape before the first batch shows zeros rather than nothing
        for (String outcome : List.of(FINISHED, FAILED, DEAD_LETTERED)) {
            batches(outcome);
        }
        rowsRead();
        rowsAccepted();
        arrivalErrors();
    }

    /** An object under incoming/ could not be collected: it is retried, or was set aside in quarantine. */
    public void arrivalFailed() {
        arrivalErrors().increment();
    }

    /** A batch finished: its files' row counts, once per batch (the finish step records its status with them). */
    public void batchFinished(List<BatchFile> files) {
        batches(FINISHED).increment();
        for (BatchFile f : files) {
            rowsRead().increment(f.rowsRead());
            rowsAccepted().increment(f.rowsAccepted());
            for (Map.Entry<String, Long> r : f.rejected().entrySet()) {
                Counter.builder("pipeline.rows.rejected").description("Rows rejected, by reason code")
                        .tag("reason", r.getKey()).register(registry).increment(r.getValue());
            }
        }
    }

    /** An attempt failed; the batch is retried later. */
    public void batchFailed() {
        batches(FAILED).increment();
    }

    public void batchDeadLettered() {
        batches(DEAD_LETTERED).increment();
    }

    /** Wall time of one attempt at a batch, by how it ended. */
    public void batchDuration(Duration took, String outcome) {
        Timer.builder("pipeline.batch.duration").description("Time to run a batch through its steps")
                .tag("outcome", outcome).register(registry).record(took);
    }

    public void kpiItemsWritten(String table, int items) {
        Counter.builder("pipeline.kpi.items.written").description("KPI items put or deleted in DynamoDB")
                .tag("table", table).register(registry).increment(items);
    }

    /** Rows the generator committed, per table (its rows/s is the rate of this counter). */
    public void generatorRows(String table, long rows) {
        Counter.builder("pipeline.generator.rows").description("Rows the data generator committed")
                .tag("table", table).register(registry).increment(rows);
    }

    private Counter batches(String outcome) {
        return Counter.builder("pipeline.batches").description("Batch attempts by outcome")
                .tag("outcome", outcome).register(registry);
    }

    private Counter rowsRead() {
        return Counter.builder("pipeline.rows.read").description("Data rows read from finished batches' files")
                .register(registry);
    }

    private Counter arrivalErrors() {
        return Counter.builder("pipeline.arrival.errors")
                .description("Arrivals under incoming/ that could not be collected (retried, or quarantined)")
                .register(registry);
    }

    private Counter rowsAccepted() {
        return Counter.builder("pipeline.rows.accepted").description("Rows accepted").register(registry);
    }
}
