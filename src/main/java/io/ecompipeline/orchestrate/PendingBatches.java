package io.ecompipeline.orchestrate;

import java.time.Duration;

import io.ecompipeline.state.BatchStore;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local orchestrator: under the processing lock, runs every closed batch that has not finished, oldest first, so
 * that batches apply in the order they closed whichever instance closed them. A batch that fails keeps its place
 * and is retried as a whole after {@code retry-interval}; once its attempts are used up it is dead-lettered and the
 * next one runs. Runs when a batch closes and periodically, which also resumes batches a crash interrupted.
 */
public class PendingBatches {

    private static final Logger LOG = LoggerFactory.getLogger(PendingBatches.class);

    private final ProducerTemplate producer;
    private final ProcessingLock lock;
    private final BatchStore batches;
    private final Duration retryInterval;
    private final int maxAttempts;

    public PendingBatches(ProducerTemplate producer, ProcessingLock lock, BatchStore batches, Duration retryInterval,
            int maxAttempts) {
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
                int attempt = batches.startAttempt(batchId);
                if (attempt > maxAttempts) {
                    deadLetter(batchId);
                    continue;
                }
                LOG.info("[{}] Processing batch (attempt {} of {})", batchId, attempt, maxAttempts);
                try {
                    producer.requestBodyAndHeader("direct:process-batch", null, "batchId", batchId);
                } catch (CamelExecutionException e) {
                    if (attempt >= maxAttempts) {
                        deadLetter(batchId);
                        continue;
                    }
                    return; // the failed batch keeps its place; retried after retry-interval
                }
            }
        } finally {
            lock.release();
        }
    }

    private void deadLetter(String batchId) {
        producer.requestBodyAndHeader("direct:batch-dead-letter", null, "batchId", batchId);
    }
}
