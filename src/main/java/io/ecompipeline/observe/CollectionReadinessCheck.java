package io.ecompipeline.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.ecompipeline.common.Errors;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not ready while collection has failed for every arrival for {@code pipeline.health.collection-failing-after}:
 * the services may all answer and the routes run, yet no file gets into a batch (a bug, a broken table of the open
 * batch). The {@code ingest-poll-s3}, {@code ingest-arrival-events} and {@code recover-stranded} routes report each
 * arrival's outcome here; one
 * collected arrival makes it ready again. An instance that does not collect (standing by for the collector lease)
 * reports nothing and stays ready.
 * Each failure is also counted ({@code pipeline_arrival_errors_total}) and logged with its key and cause.
 */
public class CollectionReadinessCheck extends AbstractHealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(CollectionReadinessCheck.class);
    /** The exchange property the route keeps the arrival's key in (its S3 headers are removed on the way). */
    public static final String ARRIVAL_KEY = "pipelineArrivalKey";

    private final Duration failingAfter;
    private final PipelineMetrics metrics;
    private final LongSupplier clock;
    /** When the current run of failures began (no arrival collected since), or 0 when collection works. */
    private final AtomicLong failingSince = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastError;

    public CollectionReadinessCheck(Duration failingAfter, PipelineMetrics metrics) {
        this(failingAfter, metrics, System::currentTimeMillis);
    }

    CollectionReadinessCheck(Duration failingAfter, PipelineMetrics metrics, LongSupplier clock) {
        super("pipeline", "collection");
        this.failingAfter = failingAfter;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** An arrival got into the open batch. */
    public void arrivalCollected() {
        if (failingSince.getAndSet(0) != 0) {
            LOG.info("Collection works again after {} failed arrivals", failures.get());
        }
        failures.set(0);
    }

    /** An arrival failed (the exception caught by the route); it is retried by the next poll or recover-stranded. */
    public void arrivalFailed(Exchange exchange) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String key = exchange.getProperty(ARRIVAL_KEY, String.class);
        failingSince.compareAndSet(0, clock.getAsLong());
        failures.incrementAndGet();
        lastError = error == null ? "unknown error" : Errors.withCauses(error);
        metrics.arrivalFailed();
        if (error != null && !Errors.isInfrastructure(error)) {
            LOG.error("Could not collect {} (tried again later): {}", (key == null ? "an object" : Errors.printable(key)), lastError, error);
        } else {
            LOG.warn("Could not collect {} (tried again later): {}", (key == null ? "an object" : Errors.printable(key)), lastError);
        }
    }

    /** Whether collection has been failing for longer than allowed. */
    public boolean failing() {
        long since = failingSince.get();
        return since != 0 && clock.getAsLong() - since >= failingAfter.toMillis();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long since = failingSince.get();
        builder.detail("failed_arrivals", failures.get());
        if (since != 0) {
            builder.detail("failing_since", Instant.ofEpochMilli(since).toString());
        }
        if (failing()) {
            builder.down();
            builder.message("collection has failed for every arrival since " + Instant.ofEpochMilli(since) + " ("
                    + failures.get() + " arrivals): " + lastError);
        } else {
            builder.up();
        }
    }
}
