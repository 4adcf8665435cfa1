package io.ecompipeline.tools;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Times the batch's steps from Camel's own events: every send to a {@code direct:} endpoint (a route's {@code to},
 * or a producer template such as the orchestrator's) is an {@link ExchangeSendingEvent} when it starts and an
 * {@link ExchangeSentEvent} when it returns, so each endpoint gets the intervals it was busy. The benchmark reads the
 * phases off them by endpoint name and knows nothing of the steps' code: an endpoint the routes do not have simply
 * has no interval ("n/a"). A phase's time is the length of the union of its endpoints' intervals, so parallel calls
 * (one per file, several writes in flight) count as the wall time they covered, not as their sum.
 * <p>
 * It also takes the heap's peak at the moment {@code direct:process-batch} returns (the sum over the heap pools of
 * their peak usage since the last reset), so that what the pipeline does after the batch (exporting the KPI tables)
 * is not counted. Those pools' peaks say as much about the collector's laziness (G1 lets the young generation fill a
 * large heap before it collects) as about the pipeline; the live heap, the heap in use just after each collection,
 * is what the pipeline holds, so its peak over the batch is taken too, from the collectors' notifications.
 */
final class PhaseTimer extends EventNotifierSupport {

    /** One call of an endpoint, in {@link System#nanoTime()}. */
    record Span(long start, long end) {
    }

    static final String PROCESS_BATCH = "direct:process-batch";

    private final Map<String, List<Span>> spans = new ConcurrentHashMap<>();
    private final Map<String, Long> open = new ConcurrentHashMap<>();
    private volatile long peakHeapAtBatchEnd = -1;
    private final AtomicLong liveHeapPeak = new AtomicLong(-1);
    private volatile boolean inBatch;

    PhaseTimer() {
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        Set<String> heapPools = new HashSet<>();
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(p -> heapPools.add(p.getName()));
        NotificationListener afterGc = (notification, handback) -> {
            if (inBatch && notification.getType().equals(
                    GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                long live = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                        .getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(e -> heapPools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                liveHeapPeak.accumulateAndGet(live, Math::max);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(afterGc, null, null);
            }
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeSendingEvent || event instanceof ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        long now = System.nanoTime();
        if (event instanceof ExchangeSendingEvent sending) {
            String name = name(sending.getEndpoint());
            if (name != null) {
                open.put(sending.getExchange().getExchangeId() + " " + name, now);
            }
        } else if (event instanceof ExchangeSentEvent sent) {
            String name = name(sent.getEndpoint());
            if (name == null) {
                return;
            }
            Long start = open.remove(sent.getExchange().getExchangeId() + " " + name);
            if (start != null) {
                spans.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(new Span(start, now));
                if (name.equals(PROCESS_BATCH)) {
                    inBatch = false;
                    peakHeapAtBatchEnd = peakHeapBytes();
                }
            }
        }
    }

    /** {@code direct:name} without options, or null for the endpoints that are not steps. */
    private static String name(Endpoint endpoint) {
        String uri = endpoint.getEndpointBaseUri();
        if (!uri.startsWith("direct:")) {
            return null;
        }
        return "direct:" + uri.substring("direct:".length()).replaceFirst("^//", "");
    }

    /** Forgets what was recorded (the history batch) and resets the heap pools' peaks. */
    void reset() {
        spans.clear();
        open.clear();
        peakHeapAtBatchEnd = -1;
        liveHeapPeak.set(-1);
        inBatch = true;
        resetPeakHeap();
    }

    List<Span> spans(String endpoint) {
        return spans.getOrDefault(endpoint, List.of());
    }

    /** When the first call of the endpoint started, or -1. */
    long firstStart(String endpoint) {
        return spans(endpoint).stream().mapToLong(Span::start).min().orElse(-1);
    }

    /** Seconds covered by the calls of any of the endpoints, or -1 when none was called. */
    double seconds(String... endpoints) {
        List<Span> all = new ArrayList<>();
        for (String e : endpoints) {
            all.addAll(spans(e));
        }
        if (all.isEmpty()) {
            return -1;
        }
        all.sort(Comparator.comparingLong(Span::start));
        long covered = 0;
        long from = all.get(0).start();
        long to = all.get(0).end();
        for (Span s : all.subList(1, all.size())) {
            if (s.start() > to) {
                covered += to - from;
                from = s.start();
            }
            to = Math.max(to, s.end());
        }
        covered += to - from;
        return covered / 1e9;
    }

    int calls(String... endpoints) {
        int n = 0;
        for (String e : endpoints) {
            n += spans(e).size();
        }
        return n;
    }

    Set<String> endpoints() {
        return new TreeSet<>(spans.keySet());
    }

    long peakHeapAtBatchEnd() {
        return peakHeapAtBatchEnd;
    }

    /** The largest heap in use just after a collection during the batch, or -1 when no collection ran. */
    long liveHeapPeak() {
        return liveHeapPeak.get();
    }

    static void resetPeakHeap() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peak usage since the last reset. */
    static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
