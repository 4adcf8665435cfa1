package io.ecompipeline.orchestrate;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import io.ecompipeline.model.BatchFile;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The local orchestrator's bookkeeping for the {@code process-pending} route (routes/batch.camel.yaml), which decides:
 * it claims the oldest closed batch that has not ended under the processing lease, so that batches apply in the order
 * they closed whichever instance closed them, and it times each run. A batch that failed keeps its place and is
 * retried after {@code retry-interval} (doubling per failed attempt); the route dead-letters it after
 * {@code max-attempts} failed attempts, or after {@code max-starts} starts that never ended (a batch that kills its
 * process every time).
 */
public class PendingBatches {

    private static final Logger LOG = LoggerFactory.getLogger(PendingBatches.class);
    /** The MDC key the log pattern shows (camel-mdc sets it from the batchId header inside the step routes). */
    public static final String BATCH_ID = "batchId";
    private static final String STARTED = "pipelineBatchStarted";
    private static final String CLAIMED = "pipelineClaimedBatches";

    private final java.util.concurrent.atomic.AtomicBoolean inRound = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean wokenDuringRound = new java.util.concurrent.atomic.AtomicBoolean();
    private final ProcessingLease lease;
    private final BatchStore batches;
    private final Duration retryInterval;
    private final int maxAttempts;
    private final PipelineMetrics metrics;

    public PendingBatches(ProcessingLease lease, BatchStore batches, Duration retryInterval, int maxAttempts,
            PipelineMetrics metrics) {
        this.lease = lease;
        this.batches = batches;
        this.retryInterval = retryInterval;
        this.maxAttempts = maxAttempts;
        this.metrics = metrics;
    }

    /**
     * Starts a round (the route then claims batches until none is left); false when a round is already running here.
     * The seda consumer does not wait for a round whose steps went asynchronous (the parallel validation), so this is
     * what keeps one batch at a time in this instance. A wake-up that arrives during a round is remembered.
     */
    public boolean beginRound() {
        if (inRound.compareAndSet(false, true)) {
            wokenDuringRound.set(false);
            return true;
        }
        wokenDuringRound.set(true);
        return false;
    }

    /**
     * Claims the next batch to run: sets the headers {@code batchId} and {@code batchStarts} and returns true; false
     * when none waits, when it is backing off after a failure, when it already ran in this round (it failed just now),
     * or when another instance holds the processing lease.
     */
    public boolean claimNext(Exchange exchange) throws Exception {
        String batchId = batches.nextPending(retryInterval);
        @SuppressWarnings("unchecked")
        Set<String> claimed = exchange.getProperty(CLAIMED, Set.class);
        if (claimed == null) {
            claimed = new HashSet<>();
            exchange.setProperty(CLAIMED, claimed);
        }
        if (batchId == null || claimed.contains(batchId)) {
            return false;
        }
        if (!lease.tryAcquire()) {
            LOG.info("Another instance holds the processing lease; closed batches wait for their turn");
            return false;
        }
        lease.assertHeld();
        MDC.put(BATCH_ID, batchId);
        int starts = batches.startRun(batchId);
        claimed.add(batchId);
        exchange.setProperty(STARTED, System.nanoTime());
        exchange.getMessage().setHeader("batchId", batchId);
        exchange.getMessage().setHeader("batchStarts", starts);
        LOG.info("Processing batch (attempt {} of {})", batches.attempts(batchId) + 1, maxAttempts);
        return true;
    }

    /** A run that ended well: its duration and throughput, for the metrics and for a person following the log. */
    public void finished(Exchange exchange) throws Exception {
        String batchId = exchange.getMessage().getHeader("batchId", String.class);
        long nanos = System.nanoTime() - exchange.getProperty(STARTED, System.nanoTime(), Long.class);
        metrics.batchDuration(Duration.ofNanos(nanos), PipelineMetrics.FINISHED);
        long rows = 0;
        int files = 0;
        for (BatchFile f : batches.files(batchId)) {
            rows += f.rowsRead();
            files++;
        }
        double seconds = nanos / 1e9;
        LOG.info(String.format(Locale.ROOT, "Batch done in %.1f s: %d files, %,d rows (%,.0f rows/s)", seconds, files,
                rows, rows / Math.max(seconds, 0.001)));
    }

    /** A run that failed (already logged and recorded by the failing step): its duration. */
    public void failed(Exchange exchange) {
        long nanos = System.nanoTime() - exchange.getProperty(STARTED, System.nanoTime(), Long.class);
        metrics.batchDuration(Duration.ofNanos(nanos), PipelineMetrics.FAILED);
    }

    /**
     * Ends a round: gives the lease back so another instance may process, and clears the log's batch id. Returns true
     * when a wake-up came during the round (a batch may have closed after the round's last claim): wake up again.
     */
    public boolean endRound() {
        MDC.remove(BATCH_ID);
        lease.release();
        inRound.set(false);
        return wokenDuringRound.getAndSet(false);
    }
}
