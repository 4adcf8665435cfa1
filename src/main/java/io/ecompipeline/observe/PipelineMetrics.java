package io.ecompipeline.observe;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.ecompipeline.model.BatchFile;
import io.ecompipeline.model.FileKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The pipeline's own metrics, next to Camel's route metrics in the same registry (Prometheus text at
 * {@code /observe/metrics}): rows read, accepted and rejected by reason, batches by outcome and their duration, KPI
 * items written per table, rows the generator committed per table, arrivals that could not be collected. Counted in
 * this JVM since it started. Every counter and timer exists from start-up at 0 (each reason code, each table, each
 * outcome), so an alert rule on a rate or a ratio has a series to read before the first event.
 * <p>
 * Beside them, the gauges an operator alerts on (docs/operating.md "Alerts and the Grafana dashboard",
 * {@code deploy/monitoring/}): how fresh the data is (the last finished batch, the newest order date: read from the
 * database, so every instance reports them, also after a restart) and the open batch (its files, its age, and
 * force-after, the age at which it closes whatever it holds; only the instance holding the collector lease sees it, the
 * others report 0: alert on the max).
 */
public class PipelineMetrics {

    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";
    public static final String DEAD_LETTERED = "dead_lettered";

    /**
     * Row-level reason codes besides {@code missing_<column>} and {@code invalid_<column>}
     * (docs/failure-handling.md "Reason codes").
     */
    static final List<String> ROW_REASONS = List.of("field_count", "unterminated_quote", "field_too_long",
            "duplicate_order_id", "unknown_order", "unknown_product");

    /** The tables the generator counts rows of ({@link #generatorRows}). */
    static final List<String> GENERATOR_TABLES = List.of("customers", "products", "orders", "order_items",
            "status_updates", "payments", "shipments");

    // after the lists above, which its constructor reads
    /** For code that runs without an application (unit tests): counts into a registry nobody reads. */
    public static final PipelineMetrics NONE = new PipelineMetrics(new SimpleMeterRegistry());

    private final MeterRegistry registry;
    private final AtomicLong lastBatchFinished = new AtomicLong();
    private final AtomicLong newestOrderDate = new AtomicLong();

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        // present from the start, so a scrape before the first batch shows zeros rather than nothing
        for (String outcome : List.of(FINISHED, FAILED, DEAD_LETTERED)) {
            batches(outcome);
        }
        for (String outcome : List.of(FINISHED, FAILED)) {
            batchTimer(outcome);
        }
        rowsRead();
        rowsAccepted();
        arrivalErrors();
        ordersMoved();
        for (String reason : rowReasons()) {
            rowsRejected(reason);
        }
        for (String table : GENERATOR_TABLES) {
            generatorCounter(table);
        }
        Gauge.builder("pipeline.last.batch.finished.timestamp", lastBatchFinished, AtomicLong::get)
                .description("When the newest finished batch finished (Unix time; 0: none yet)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("pipeline.newest.order.date.timestamp", newestOrderDate, AtomicLong::get)
                .description("The newest order_date in the state, as midnight UTC of that date (Unix time; 0: no orders)")
                .baseUnit("seconds").register(registry);
    }

    /** Every row-level reason code: the fixed ones and the missing/invalid ones of each kind's columns. */
    static List<String> rowReasons() {
        List<String> reasons = new ArrayList<>(ROW_REASONS);
        for (FileKind kind : FileKind.values()) {
            for (String column : kind.columns()) {
                for (String prefix : List.of("missing_", "invalid_")) {
                    if (!reasons.contains(prefix + column)) {
                        reasons.add(prefix + column);
                    }
                }
            }
        }
        return reasons;
    }

    /** The KPI tables' counters at 0 from the start (their names are configuration). */
    public void kpiTables(String... tables) {
        for (String table : tables) {
            kpiItems(table);
        }
    }

    /**
     * The open batch's gauges: its files, its age (0 when there is none) and the force-after setting, so an alert
     * compares the age with what it should never exceed. Held strongly: a gauge keeps only a weak reference by
     * default, and a method reference nothing else holds would read NaN after the next GC.
     */
    public void openBatch(LongSupplier files, LongSupplier firstArrivalMillis, Duration forceAfter) {
        Gauge.builder("pipeline.open.batch.files", files, LongSupplier::getAsLong)
                .description("Files in the open batch, waiting for it to close (0: no open batch)")
                .strongReference(true).register(registry);
        Gauge.builder("pipeline.open.batch.age", firstArrivalMillis,
                        first -> first.getAsLong() <= 0 ? 0 : (System.currentTimeMillis() - first.getAsLong()) / 1000.0)
                .description("Seconds since the open batch's first file arrived (0: no open batch)")
                .baseUnit("seconds").strongReference(true).register(registry);
        Gauge.builder("pipeline.open.batch.force.after", forceAfter, d -> d.toMillis() / 1000.0)
                .description("pipeline.batch.force-after: the open batch closes at this age whatever it holds")
                .baseUnit("seconds").strongReference(true).register(registry);
    }

    /**
     * {@code pipeline_routes_reload_failed{file}}: 1 while the routes file's content on disk failed to load, so the
     * routes running differ from it (reload/RoutesFolderReloader); 0 once a version loads. From start-up, per file.
     */
    public void routesFile(String file, BooleanSupplier failed) {
        Gauge.builder("pipeline.routes.reload.failed", failed, f -> f.getAsBoolean() ? 1 : 0)
                .description("1 while the routes file on disk could not be loaded (the running routes are another "
                        + "version of it), else 0")
                .tag("file", file).strongReference(true).register(registry);
    }

    /** What the database says of the data's freshness ({@link Freshness}). */
    public void freshness(Instant lastFinished, LocalDate newestOrder) {
        lastBatchFinished.set(lastFinished == null ? 0 : lastFinished.getEpochSecond());
        newestOrderDate.set(newestOrder == null ? 0 : newestOrder.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
    }

    /** An object under incoming/ could not be collected: it is retried, or was set aside in quarantine. */
    public void arrivalFailed() {
        arrivalErrors().increment();
    }

    /**
     * A batch finished: its files' row counts and the orders it moved to another date, once per batch (the finish
     * step records its status with them).
     */
    public void batchFinished(List<BatchFile> files, long movedOrders) {
        batches(FINISHED).increment();
        ordersMoved().increment(movedOrders);
        for (BatchFile f : files) {
            rowsRead().increment(f.rowsRead());
            rowsAccepted().increment(f.rowsAccepted());
            for (Map.Entry<String, Long> r : f.rejected().entrySet()) {
                rowsRejected(r.getKey()).increment(r.getValue());
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
        batchTimer(outcome).record(took);
    }

    public void kpiItemsWritten(String table, int items) {
        kpiItems(table).increment(items);
    }

    /** Rows the generator committed, per table (its rows/s is the rate of this counter). */
    public void generatorRows(String table, long rows) {
        generatorCounter(table).increment(rows);
    }

    private Timer batchTimer(String outcome) {
        return Timer.builder("pipeline.batch.duration").description("Time to run a batch through its steps")
                .tag("outcome", outcome).register(registry);
    }

    private Counter kpiItems(String table) {
        return counter("pipeline.kpi.items.written", "KPI items put or deleted in DynamoDB", "table", table);
    }

    private Counter generatorCounter(String table) {
        return counter("pipeline.generator.rows", "Rows the data generator committed", "table", table);
    }

    private Counter rowsRejected(String reason) {
        return counter("pipeline.rows.rejected", "Rows rejected, by reason code", "reason", reason);
    }

    private Counter batches(String outcome) {
        return counter("pipeline.batches", "Batch attempts by outcome", "outcome", outcome);
    }

    /** One labelled series of a counter (registering is idempotent: the same series comes back each time). */
    private Counter counter(String name, String description, String label, String value) {
        return Counter.builder(name).description(description).tag(label, value).register(registry);
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

    private Counter ordersMoved() {
        return Counter.builder("pipeline.orders.moved")
                .description("Orders a batch gave another order_date than an earlier batch had (their KPIs moved)")
                .register(registry);
    }

    private Counter rowsAccepted() {
        return Counter.builder("pipeline.rows.accepted").description("Rows accepted").register(registry);
    }
}
