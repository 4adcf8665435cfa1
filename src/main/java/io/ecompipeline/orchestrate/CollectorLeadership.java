package io.ecompipeline.orchestrate;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route policy that lets only the holder of the {@code collector} lease consume (the S3 poller, and in
 * {@code pipeline.arrival=events} the arrival queue's consumer too): with several instances on one bucket,
 * exactly one collects arrivals into batches at a time, and another takes over within a lease when it dies. The others
 * stand by (their batch processing still runs, one at a time, under the processing lock).
 */
public class CollectorLeadership extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(CollectorLeadership.class);

    private final ProcessingLease lease;
    private final Duration checkEvery;
    private final CopyOnWriteArrayList<Route> routes = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "collector-leadership");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean leading;
    /** A one-shot command uploading a wave: no poll lists a half-written object of the embedded S3 meanwhile. */
    private volatile boolean paused;
    private boolean checking;

    public CollectorLeadership(ProcessingLease lease, Duration checkEvery) {
        this.lease = lease;
        this.checkEvery = checkEvery;
    }

    public boolean isLeader() {
        return leading && lease.isHeld();
    }

    /**
     * A route joins when it starts, not when it is created: a route that does not start (the notification consumer
     * in {@code pipeline.arrival=poll}, autoStartup false) is never started by the leadership either.
     */
    @Override
    public void onStart(Route route) {
        routes.addIfAbsent(route);
        if (!isLeader()) {
            stopRouteConsumer(route);
        }
        synchronized (this) {
            if (!checking && !checker.isShutdown()) {
                checking = true;
                checker.scheduleWithFixedDelay(this::check, 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void check() {
        try {
            boolean leader = lease.tryAcquire();
            if (leader != leading) {
                LOG.info(leader ? "This instance now collects arrivals (collector lease {})"
                        : "This instance stands by: another instance collects arrivals ({})", lease.owner());
            }
            leading = leader;
            for (Route route : routes) {
                if (leader && !paused) {
                    startConsumer(route.getConsumer());
                } else {
                    stopRouteConsumer(route);
                }
            }
        } catch (Exception e) {
            if (checker.isShutdown()) {
                return; // resigning: the check in flight was interrupted on purpose
            }
            LOG.warn("Collector leadership check failed: {}", e.getMessage());
        }
    }

    /**
     * Stops polling until {@link #resumePolling()}: {@code ingest} and {@code demo} upload a wave whole before the
     * poller lists it (the embedded S3 may list an object whose upload is still being written, which S3 never does).
     */
    public void pausePolling() {
        paused = true;
        routes.forEach(this::stopRouteConsumer);
    }

    public void resumePolling() throws Exception {
        paused = false;
        if (isLeader()) {
            for (Route route : routes) {
                startConsumer(route.getConsumer());
            }
        }
    }

    private void stopRouteConsumer(Route route) {
        try {
            stopConsumer(route.getConsumer());
        } catch (Exception e) {
            LOG.warn("Could not pause the consumer of {}: {}", route.getId(), e.getMessage());
        }
    }

    /**
     * Resigns when the application stops. A route stopped while the application runs is being replaced (a live
     * reload of its YAML file, docs/operating.md "Editing routes live"): the lease is kept, and the new route starts
     * consuming right away when this instance leads.
     */
    @Override
    public void onStop(Route route) {
        if (route.getCamelContext().isStopping() || route.getCamelContext().isStopped()) {
            resign();
        } else {
            // stopped by an operator or being replaced: the next check must not start its consumer again; it
            // joins again when it (or its replacement) starts
            routes.remove(route);
        }
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
    }

    private void resign() {
        checker.shutdownNow();
        leading = false;
        lease.shutdown();
    }
}
