package io.ecompipeline.orchestrate;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route policy that lets only the holder of the {@code collector} lease consume (the S3 poller, and in
 * {@code pipeline.arrival=events} the arrival queue's consumer too): with several instances on one bucket,
 * exactly one collects arrivals into batches at a time, and another takes over within a lease when it dies. The others
 * stand by (their batch processing still runs, one at a time, under the processing lock).
 * <p>
 * Camel starts every consumer when the context starts, before any check; the poll strategy ({@code ingest/IdlePolls})
 * lets no poll begin until the context has started and this instance leads. Once both hold, the consumers are started
 * afresh, so their first poll ({@code initialDelay: 0}) lists at once rather than a poll delay later.
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
    /** Set when the Camel context has fully started (its status may still say starting at that moment). */
    private volatile boolean started;
    /** Whether the last check let the consumers consume: a change to true starts them afresh. */
    private boolean consuming;

    public CollectorLeadership(ProcessingLease lease, Duration checkEvery) {
        this.lease = lease;
        this.checkEvery = checkEvery;
    }

    /** Collects now: holds the lease, and the Camel context has fully started (every route consumes). */
    public boolean isLeader() {
        return started && leading && lease.isHeld();
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
                checkOnceStarted(route.getCamelContext());
            }
        }
    }

    /** Checks again as soon as the context has fully started, rather than a {@code checkEvery} later. */
    private void checkOnceStarted(CamelContext camelContext) {
        try {
            camelContext.addStartupListener(new ExtendedStartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                    if (alreadyStarted) {
                        onFullyStarted();
                    }
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                    onFullyStarted();
                }
            });
        } catch (Exception e) {
            LOG.warn("Could not watch the start of the Camel context ({}); collecting begins at the next check",
                    e.getMessage());
        }
    }

    private void onFullyStarted() {
        started = true;
        if (!checker.isShutdown()) {
            checker.execute(this::check);
        }
    }

    private synchronized void check() {
        try {
            boolean leader = lease.tryAcquire();
            if (leader != leading) {
                LOG.info(leader ? "This instance now collects arrivals (collector lease {})"
                        : "This instance stands by: another instance collects arrivals ({})", lease.owner());
            }
            leading = leader;
            boolean consume = leader && started && !paused;
            for (Route route : routes) {
                if (consume) {
                    if (!consuming) {
                        restart(route.getConsumer());
                    } else {
                        startConsumer(route.getConsumer());
                    }
                } else {
                    stopRouteConsumer(route);
                }
            }
            consuming = consume;
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
    public synchronized void pausePolling() {
        paused = true;
        consuming = false;
        routes.forEach(this::stopRouteConsumer);
    }

    public synchronized void resumePolling() throws Exception {
        paused = false;
        if (isLeader()) {
            for (Route route : routes) {
                startConsumer(route.getConsumer());
            }
            consuming = true;
        }
    }

    /** Started by Camel (its polls skipped so far), or stopped: starts it anew, so it polls at once. */
    private void restart(Consumer consumer) throws Exception {
        stopConsumer(consumer);
        startConsumer(consumer);
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
