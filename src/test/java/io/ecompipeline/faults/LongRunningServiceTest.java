package io.ecompipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.ecompipeline.ingest.ArrivalRegistrar;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.model.FileArrival;
import io.ecompipeline.support.TestPipeline;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A service keeps nothing per batch it has run (issue 16, finding 8): small batches (500 by default; fewer with
 * {@code -Dlongrun.batches=N}), each a valid orders file and a file quarantined for its name, every tenth one failing
 * (its staging table is away: PostgreSQL refuses the COPY) and dead-lettered at its only attempt, every tenth but one
 * with a file that vanished from {@code collected/} (quarantined, the batch goes on), leave the JVM's thread count and
 * its heap after a GC where they were after the first fifth of them, no lease renewal thread behind, and nothing queued
 * in {@link BatchEvents} once nobody listens. Arrivals go straight from the registrar to the collector, from a prefix the poller does not list:
 * the same beans, without waiting for polls.
 */
class LongRunningServiceTest {

    /** The 500 (about 0.2 s a batch here); {@code -Dlongrun.batches=N} for a quicker look. */
    private static final int BATCHES = Integer.getInteger("longrun.batches", 500);
    private static final String ORDERS = "order_id,user_id,order_date,total_amount,status\n";

    @Test
    void fiveHundredBatchesLeaveNoThreadsNorEventsBehind() throws Exception {
        // only this test feeds the collector: no poll reminders or re-collections race with it (see the README's known
        // limits on concurrent feeds of the aggregation repository)
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.batch.max-attempts", "1",
                "pipeline.generator.schedule-enabled", "false", "pipeline.poll.delay", "3600000",
                "pipeline.recovery.initial-delay", "1h"))) {
            CamelContext context = pipeline.app().context();
            ArrivalRegistrar arrivals = pipeline.bean("arrivalRegistrar", ArrivalRegistrar.class);
            BatchCompletion completion = pipeline.bean("batchCompletion", BatchCompletion.class);
            BatchEvents batchEvents = pipeline.bean("batchEvents", BatchEvents.class);
            ProducerTemplate collector = context.createProducerTemplate();

            int baseline = 0;
            long baselineHeap = 0;
            int finished = 0;
            int gaveUp = 0;
            long started = System.nanoTime();
            try (BatchEvents.Listener events = batchEvents.listen()) {
                for (int i = 1; i <= BATCHES; i++) {
                    if (i == BATCHES / 5 + 1) {
                        baseline = threads();
                        baselineHeap = heapAfterGc();
                    }
                    boolean failing = i % 10 == 0;
                    boolean vanishing = i % 10 == 9;
                    completion.expectWave(2);
                    String orders = String.format("drops/b%03d/orders_%d.csv", i, i);
                    String junk = String.format("drops/b%03d/notes_%d.txt", i, i);
                    drop(pipeline, orders, ORDERS + (2 * i) + ",7," + "2025-01-" + (10 + i % 20) + ",10.00,shipped\n"
                            + (2 * i + 1) + ",8,2025-01-" + (10 + i % 20) + ",5.00,returned\n");
                    drop(pipeline, junk, "not data\n");
                    for (String key : new String[] {orders, junk}) {
                        HeadObjectResponse head = pipeline.s3().headObject(b -> b.bucket(TestPipeline.BUCKET).key(key));
                        String line = arrivals.register(key, head.eTag(), Instant.now(), head.contentLength());
                        if (vanishing && key.equals(orders)) {
                            // gone before its batch reads it: the file is quarantined, the batch goes on
                            String collected = FileArrival.fromLine(line).collectedKey();
                            pipeline.s3().deleteObject(b -> b.bucket(TestPipeline.BUCKET).key(collected));
                        }
                        if (failing && key.equals(junk)) {
                            // the database refuses the batch: the attempt fails and, at max-attempts 1, dead-letters
                            pipeline.sql("ALTER TABLE pipeline.stage_orders RENAME TO stage_orders_away");
                        }
                        collector.sendBody("direct:collect-batch", line);
                    }
                    BatchEvents.Ended ended;
                    do {
                        ended = events.awaitNext(Duration.ofSeconds(30));
                        assertThat(ended).as("batch " + i + " ended").isNotNull();
                    } while (!ended.finished() && !ended.gaveUp());
                    if (failing) {
                        pipeline.sql("ALTER TABLE pipeline.stage_orders_away RENAME TO stage_orders");
                    }
                    finished += ended.finished() ? 1 : 0;
                    gaveUp += ended.gaveUp() ? 1 : 0;
                }
            }
            System.out.printf("%d batches (%d finished, %d dead-lettered) in %d s; threads %d after %d, %d after %d%n",
                    BATCHES, finished, gaveUp, (System.nanoTime() - started) / 1_000_000_000L, baseline, BATCHES / 5,
                    threads(), BATCHES);
            assertThat(finished + gaveUp).isEqualTo(BATCHES);
            assertThat(gaveUp).isEqualTo(BATCHES / 10);
            long heap = heapAfterGc();
            System.out.printf("heap after GC: %d MB after %d batches, %d MB after %d%n", baselineHeap >> 20,
                    BATCHES / 5, heap >> 20, BATCHES);
            // the embedded servers share this heap and keep the archived objects (a few KB a batch)
            assertThat(heap).as("heap after GC").isLessThanOrEqualTo(baselineHeap + (32L << 20));
            assertThat(threads()).as("live threads after %d batches (%d after %d)", BATCHES, baseline, BATCHES / 5)
                    .isLessThanOrEqualTo(baseline + 2);
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("lease-renewal-batch"))
                    .isEmpty();
            // nobody listens any more: nothing is kept for anyone
            assertThat(batchEvents.listeners()).isZero();
            batchEvents.finished("a-batch-nobody-waits-for");
            assertThat(batchEvents.pending()).isZero();
        }
    }

    private static void drop(TestPipeline pipeline, String key, String text) {
        pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key(key), RequestBody.fromString(text));
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // kept: System.gc() only asks, and no event says the heap has settled; three requests a moment apart
            // are the measurement itself
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Live threads, once the threads that are ending (a released lease's renewal) have ended. */
    private static int threads() {
        await("the released leases' renewal threads to end").atMost(Duration.ofSeconds(10))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("lease-renewal-batch")));
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
