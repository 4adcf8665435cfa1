package io.ecompipeline.ingest;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.observe.PipelineMetrics;
import org.apache.camel.Header;

/** Tells in-process listeners (the one-shot commands) that a batch has ended, finished or failed. */
public class BatchEvents {

    /** Something that happened to a batch: it finished, an attempt failed (it will be retried), or it gave up. */
    public record Ended(String batchId, String error, boolean gaveUp) {
        public boolean finished() {
            return error == null;
        }
    }

    private final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    private final PipelineMetrics metrics;

    public BatchEvents(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    public void finished(@Header("batchId") String batchId) {
        ended.add(new Ended(batchId, null, false));
    }

    public void failed(@Header("batchId") String batchId, Exception error) {
        metrics.batchFailed();
        ended.add(new Ended(batchId, String.valueOf(error.getMessage()), false));
    }

    public void gaveUp(@Header("batchId") String batchId) {
        metrics.batchDeadLettered();
        ended.add(new Ended(batchId, "gave up after its last attempt", true));
    }

    /** The next batch event, or null when none ends within {@code timeout}. */
    public Ended awaitNext(Duration timeout) throws InterruptedException {
        return ended.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
