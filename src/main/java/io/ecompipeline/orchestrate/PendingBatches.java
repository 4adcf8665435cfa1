package io.ecompipeline.orchestrate;

import java.time.Duration;

import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The local orchestrator: under the processing lock, runs every closed batch that has not finished, oldest first, so
 * that batches apply in the order they closed whichever instance closed them. A batch that fails keeps its place
 * and is retried as a whole after {@code retry-interval}; once its attempts are used up it is dead-lettered and the
 * next one runs. Runs when a batch closes and periodically, which also resumes batches a crash interrupted.
 */
public class PendingBatches {

    private static final Logger LOG = LoggerFactory.getLogger(PendingBatches.class);
    /** The MDC key the log pattern shows (camel-mdc sets it from the batchId header inside the step routes). */
    public static final String BATCH_ID = "batchId";

    private final ProducerTemplate producer;
    private final ProcessingLock lock;
    private final BatchStore batches;
    private final Duration retryInterval;
    private final int maxAttempts;
    private final PipelineMetrics metrics;

    public PendingBatches(ProducerTemplate producer, ProcessingLock lock, BatchStore batches, Duration retryInterval,
            int maxAttempts, PipelineMetrics metrics) {
        this.metrics = metrics;
        this.producer = producer;
        this.lock = lock;
        this.batches = batches;
        this.retryInterval = retryInterval;
        this.maxAttempts = maxAttempts;
    }

    public synchronized void runPending() throws Exception {
        if (batches.nextPending(retryInterval) == null) {
            return;
        }
        if (!lock.tryAcquire()) {
            LOG.info("Another instance holds the processing lock; closed batches wait for their turn");
            return;
        }
        try {
            String batchId;
            while ((batchId = batches.nextPending(retryInterval)) != null) {
                lock.assertHeld();
                // this method runs within the route of whichever batch closed last: log under the one it runs now
                MDC.put(BATCH_ID, batchId);
                int attempt = batches.startAttempt(batchId);
                if (attempt > maxAttempts) {
                    deadLetter(batchId);
                    continue;
                }
                LOG.info("Processing batch (attempt {} of {})", attempt, maxAttempts);
                long started = System.nanoTime();
                try {
                    producer.requestBodyAndHeader("direct:process-batch", null, "batchId", batchId);
                } catch (CamelExecutionException e) {
                    metrics.batchDuration(Duration.ofNanos(System.nanoTime() - started), PipelineMetrics.FAILED);
                    if (attempt >= maxAttempts) {
                        deadLetter(batchId);
                        continue;
                    }
                    return; // the failed batch keeps its place; retried after retry-interval
                }
                metrics.batchDuration(Duration.ofNanos(System.nanoTime() - started), PipelineMetrics.FINISHED);
                logDone(batchId, System.nanoTime() - started);
            }
        } finally {
            MDC.remove(BATCH_ID);
            lock.release();
        }
    }

    /** One line per processed batch with its throughput, for a person following the log. */
    private void logDone(String batchId, long nanos) throws Exception {
        long rows = 0;
        int files = 0;
        for (var f : batches.files(batchId)) {
            rows += f.rowsRead();
            files++;
        }
        double seconds = nanos / 1e9;
        LOG.info(String.format(java.util.Locale.ROOT, "Batch done in %.1f s: %d files, %,d rows (%,.0f rows/s)",
                seconds, files, rows, rows / Math.max(seconds, 0.001)));
    }

    private void deadLetter(String batchId) {
        producer.requestBodyAndHeader("direct:batch-dead-letter", null, "batchId", batchId);
    }
}
