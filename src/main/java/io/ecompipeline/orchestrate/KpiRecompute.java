package io.ecompipeline.orchestrate;

import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The steps of the {@code recompute-kpis} route (routes/kpi.camel.yaml) around the KPI computation: takes the
 * processing lease (waiting a while for a running batch, then refusing with who holds it), cuts the range into chunks
 * of dates so that what a chunk holds does not grow with the range, logs progress, sums up, and gives the lease back
 * on every path. Each run has a lease of its own (same lock, another owner), so a recompute and a batch of the same
 * instance exclude each other too, and releasing one never releases the other. Which lock a run takes and what
 * happens after its release (waking the batches that waited) is the wiring's choice.
 */
public class KpiRecompute {

    private static final Logger LOG = LoggerFactory.getLogger(KpiRecompute.class);
    /** The exchange property holding the run. */
    public static final String RUN = "pipelineRecompute";
    public static final String FROM = "recomputeFrom";
    public static final String TO = "recomputeTo";
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * @param chunkDays dates computed together (one SQL query and its rows per table)
     * @param leaseWait how long a run waits for the processing lease before it refuses
     * @param progressEvery how often a run logs how far it got
     */
    public record Settings(int chunkDays, Duration leaseWait, Duration progressEvery) {
    }

    /** A recompute that could not start: the lease stayed held, or the range is wrong. The message says which. */
    public static class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** One run: its range, lease and counts, shared by the route's steps through the exchange. */
    public static final class Run {
        final LocalDate from;
        final LocalDate to;
        final ProcessingLease lease;
        final String id;
        final long total;
        final AtomicLong written = new AtomicLong();
        final long started = System.nanoTime();
        long done;
        long lastLog = System.nanoTime();

        Run(LocalDate from, LocalDate to, ProcessingLease lease, String id) {
            this.from = from;
            this.to = to;
            this.lease = lease;
            this.id = id;
            this.total = java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
        }
    }

    private final Supplier<ProcessingLease> leases;
    private final Settings settings;
    private final Runnable afterRelease;

    /**
     * @param leases a new lease on the processing lock for each run
     * @param afterRelease run once a run gave the lease back (wakes batches that waited for it)
     */
    public KpiRecompute(Supplier<ProcessingLease> leases, Settings settings, Runnable afterRelease) {
        this.leases = leases;
        this.settings = settings;
        this.afterRelease = afterRelease;
    }

    /** The range as the command line and JMX give it, checked: {@link Refused} says what is wrong in one line. */
    public static LocalDate[] range(String from, String to) {
        LocalDate f = date("from", from);
        LocalDate t = date("to", to);
        if (f.isAfter(t)) {
            throw new Refused("from (" + f + ") is after to (" + t + ")");
        }
        return new LocalDate[] {f, t};
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new Refused(name + " is missing: a date as YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new Refused(name + " must be a date as YYYY-MM-DD, not '" + value + "'");
        }
    }

    /**
     * Checks the range, takes the lease (waiting up to the lease wait while a batch holds it) and starts the run:
     * header {@code batchId} becomes the run's id, which the items written carry in {@code batch_id} and the log lines
     * show.
     */
    public void begin(Exchange exchange, @Header(FROM) String from, @Header(TO) String to) throws InterruptedException {
        LocalDate[] range = range(from, to);
        ProcessingLease lease = leases.get();
        long deadline = System.nanoTime() + settings.leaseWait().toNanos();
        boolean told = false;
        while (!lease.tryAcquire()) {
            if (System.nanoTime() >= deadline) {
                throw new Refused("the processing lease is held by " + lease.holder() + " (a batch is running, or"
                        + " another recompute): recompute refused after waiting " + settings.leaseWait().toSeconds()
                        + " s. Run it again once that has ended, or allow a longer wait (pipeline.recompute.lease-wait)");
            }
            if (!told) {
                LOG.info("Recompute waits for the processing lease, held by {} (up to {} s)", lease.holder(),
                        settings.leaseWait().toSeconds());
                told = true;
            }
            Thread.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
        Run run = new Run(range[0], range[1], lease, "recompute-" + ID.format(Instant.now()));
        exchange.setProperty(RUN, run);
        exchange.setProperty(io.ecompipeline.kpi.KpiTableWriter.WRITES_COUNTED, run.written);
        exchange.getMessage().setHeader("batchId", run.id);
        MDC.put(PendingBatches.BATCH_ID, run.id);
        LOG.info("Recomputing the KPIs of {} to {} ({} dates, in chunks of {}) from the state, under the processing"
                + " lease", run.from, run.to, run.total, settings.chunkDays());
    }

    /** The range's dates in chunks of {@code chunkDays}, oldest first, as the KPI routes take them. */
    public List<List<Date>> chunks(@ExchangeProperty(RUN) Run run) {
        List<List<Date>> chunks = new ArrayList<>();
        List<Date> chunk = new ArrayList<>();
        for (LocalDate d = run.from; !d.isAfter(run.to); d = d.plusDays(1)) {
            chunk.add(Date.valueOf(d));
            if (chunk.size() == settings.chunkDays()) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** After a chunk: progress every {@code progressEvery}; a lease lost meanwhile stops the run here. */
    public void chunkDone(@ExchangeProperty(RUN) Run run, @Header("touchedDates") List<Date> dates) {
        run.lease.assertHeld();
        run.done += dates.size();
        long now = System.nanoTime();
        if (run.done < run.total && now - run.lastLog >= settings.progressEvery().toNanos()) {
            run.lastLog = now;
            LOG.info(String.format(Locale.ROOT, "Recompute: %,d of %,d dates (%d %%), %,d items written, %.1f s",
                    run.done, run.total, run.done * 100 / run.total, run.written.get(), seconds(run)));
        }
    }

    /** What the run did, one line: the command prints it, the JMX operation returns it. */
    public String summary(@ExchangeProperty(RUN) Run run) {
        String summary = String.format(Locale.ROOT,
                "Recomputed the KPIs of %s to %s: %,d dates, %,d items written or deleted in %.1f s (%s)", run.from,
                run.to, run.total, run.written.get(), seconds(run), run.id);
        LOG.info(summary);
        return summary;
    }

    /** Gives the lease back, on success and on failure, then lets waiting batches go. */
    public void end(@ExchangeProperty(RUN) Run run) {
        if (run == null) {
            return; // refused before the lease was taken
        }
        run.lease.release();
        MDC.remove(PendingBatches.BATCH_ID); // this thread's; the caller clears its own (see forgetRun)
        try {
            afterRelease.run();
        } catch (RuntimeException e) {
            LOG.warn("Could not wake the batches that waited for the lease (they retry on their own): {}",
                    e.getMessage());
        }
    }

    /** For the thread that sent the range: its log lines no longer carry the run's id. */
    public static void forgetRun() {
        MDC.remove(PendingBatches.BATCH_ID);
    }

    private static double seconds(Run run) {
        return (System.nanoTime() - run.started) / 1e9;
    }
}
