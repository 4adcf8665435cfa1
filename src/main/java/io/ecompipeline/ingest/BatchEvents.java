package io.ecompipeline.ingest;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.observe.PipelineMetrics;
import org.apache.camel.Header;

/**
 * Tells in-process listeners (the one-shot commands, while they wait for their waves) that a batch has ended,
 * finished or failed. An event goes to the listeners registered when it happens and is dropped when nobody listens:
 * a service that runs for months keeps nothing per batch here.
 */
public class BatchEvents {

    /** Something that happened to a batch: it finished, an attempt failed (it will be retried), or it gave up. */
    public record Ended(String batchId, String error, boolean gaveUp) {
        public boolean finished() {
            return error == null;
        }
    }

    /** The events from its registration until it is closed, in order. */
    public final class Listener implements AutoCloseable {

        private final BlockingQueue<Ended> events = new LinkedBlockingQueue<>();

        private Listener() {
        }

        /** The next batch event, or null when none ends within {@code timeout}. */
        public Ended awaitNext(Duration timeout) throws InterruptedException {
            return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            listeners.remove(this);
        }
    }

    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final PipelineMetrics metrics;

    public BatchEvents(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    /** Starts listening: register before dropping the files whose batches you wait for, and close when done. */
    public Listener listen() {
        Listener listener = new Listener();
        listeners.add(listener);
        return listener;
    }

    /** Listeners registered now (none in a service: nothing is kept for anyone). */
    public int listeners() {
        return listeners.size();
    }

    /** Events waiting in the listeners' queues. */
    public int pending() {
        return listeners.stream().mapToInt(l -> l.events.size()).sum();
    }

    public void finished(@Header("batchId") String batchId) {
        publish(new Ended(batchId, null, false));
    }

    public void failed(@Header("batchId") String batchId, Exception error) {
        metrics.batchFailed();
        publish(new Ended(batchId, String.valueOf(error.getMessage()), false));
    }

    public void gaveUp(@Header("batchId") String batchId) {
        metrics.batchDeadLettered();
        publish(new Ended(batchId, "gave up after its last attempt", true));
    }

    private void publish(Ended event) {
        for (Listener l : listeners) {
            l.events.add(event);
        }
    }
}
