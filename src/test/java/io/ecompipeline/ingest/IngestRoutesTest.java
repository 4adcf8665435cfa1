package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.ecompipeline.model.FileArrival;
import io.ecompipeline.support.RouteTestContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The arrival routes of {@code routes/ingest.camel.yaml} on their own: the S3 consumer replaced by a {@code direct:}
 * endpoint, the aggregator with its real strategy and completion rules over an in-memory repository, stub beans for
 * the S3 moves and the batch records. Checks the route's decisions: an arrival joins the open batch, which closes
 * once its poll's files make a batch; a failed arrival is counted and nothing is collected; an idle poll without an
 * open batch does nothing.
 */
@Tag("route")
class IngestRoutesTest {

    private final StubArrivals arrivals = new StubArrivals();
    private final StubHealth health = new StubHealth();
    private final StubBatchStore batches = new StubBatchStore();
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = RouteTestContext.create();
        context.getRegistry().bind("collectorLeadership", new RoutePolicySupport() { });
        context.getRegistry().bind("arrivalRegistrar", arrivals);
        context.getRegistry().bind("collectionReadinessCheck", health);
        context.getRegistry().bind("batchStore", batches);
        context.getRegistry().bind("batchManifestAggregation", new BatchManifestAggregation());
        context.getRegistry().bind("batchCompletion", new BatchCompletion(1, 1, TimeUnit.HOURS.toMillis(1),
                () -> true, () -> false));
        context.getRegistry().bind("batchCollectorRepository", new MemoryAggregationRepository(true));
        RouteTestContext.loadRoutes(context, "ingest.camel.yaml");
        AdviceWith.adviceWith(context, "ingest-poll-s3", a -> a.replaceFromWith("direct:poll"));
        AdviceWith.adviceWith(context, "collect-batch",
                a -> a.weaveByToUri("direct:batch-closed").replace().to("mock:batch-closed"));
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private void poll(String key, boolean lastOfPoll) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("CamelAwsS3Key", key);
        headers.put("CamelAwsS3ETag", "\"etag\"");
        headers.put("CamelAwsS3ContentLength", 10L);
        context.createProducerTemplate().send("direct:poll", e -> {
            e.getMessage().setHeaders(headers);
            e.setProperty(Exchange.BATCH_COMPLETE, lastOfPoll);
        });
    }

    @Test
    void arrivalsJoinTheOpenBatchWhichClosesOnceItsPollsFilesMakeABatch() throws Exception {
        MockEndpoint closed = context.getEndpoint("mock:batch-closed", MockEndpoint.class);
        closed.expectedMessageCount(1);
        closed.expectedHeaderReceived("batchId", "batch-1");

        poll("incoming/orders_1.csv", false);
        poll("incoming/order_items_1.csv", false);
        assertThat(closed.getReceivedCounter()).as("closed before its poll's last file").isZero();
        poll("incoming/products.csv", true);

        closed.assertIsSatisfied();
        assertThat(batches.opened).hasSize(1);
        assertThat(FileArrival.fromManifest(batches.opened.get(0))).extracting(FileArrival::incomingKey)
                .containsExactly("incoming/orders_1.csv", "incoming/order_items_1.csv", "incoming/products.csv");
        assertThat(health.collected).hasValue(3);
        assertThat(health.failed).hasValue(0);
    }

    @Test
    void aFailedArrivalIsCountedAndNothingIsCollected() throws Exception {
        MockEndpoint closed = context.getEndpoint("mock:batch-closed", MockEndpoint.class);
        closed.expectedMessageCount(0);

        poll("incoming/orders_broken.csv", true);

        closed.assertIsSatisfied();
        assertThat(health.failed).hasValue(1);
        assertThat(health.collected).hasValue(0);
        assertThat(batches.opened).isEmpty();
    }

    @Test
    void anIdlePollWithoutAnOpenBatchDoesNothing() throws Exception {
        context.createProducerTemplate().sendBody("direct:poll", null);

        assertThat(health.collected).hasValue(0);
        assertThat(health.failed).hasValue(0);
        assertThat(batches.opened).isEmpty();
    }

    /** Moves nothing: returns the arrival line ArrivalRegistrar would, or fails as an unreadable object does. */
    public static class StubArrivals {
        public String register(@Header("CamelAwsS3Key") String key) {
            if (key.contains("broken")) {
                throw new IllegalStateException("copy of " + key + " does not match its source");
            }
            String name = key.substring(key.lastIndexOf('/') + 1);
            return new FileArrival(key, "collected/0000/" + name, 10, "etag", System.currentTimeMillis()).toLine();
        }
    }

    public static class StubHealth {
        final AtomicInteger collected = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();

        public void arrivalCollected() {
            collected.incrementAndGet();
        }

        public void arrivalFailed() {
            failed.incrementAndGet();
        }
    }

    public static class StubBatchStore {
        final List<String> opened = Collections.synchronizedList(new ArrayList<>());

        public String open(String manifest) {
            opened.add(manifest);
            return "batch-" + opened.size();
        }
    }
}
