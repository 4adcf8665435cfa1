package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.model.FileArrival;
import io.ecompipeline.support.RouteTestContext;
import io.ecompipeline.support.S3Notifications;
import io.ecompipeline.support.S3Notifications.Envelope;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The notification route of {@code routes/arrival-events.camel.yaml} on its own, its SQS consumer replaced by a
 * {@code direct:} endpoint: a message is marked for deletion (the exchange property the aws2-sqs consumer deletes on)
 * only once its objects are in the open batch, or when it concerns nothing to collect; a failed arrival keeps it. The
 * end of a receive does not close a batch; an empty receive does, as an idle poll.
 */
@Tag("route")
class ArrivalEventsRoutesTest {

    private static final String BUCKET = "ecommerce-data";
    private static final String DELETE = "CamelAwsSqsDeleteFiltered";

    private final StubRegistrar registrar = new StubRegistrar();
    private final IngestRoutesTest.StubHealth health = new IngestRoutesTest.StubHealth();
    private final IngestRoutesTest.StubBatchStore batches = new IngestRoutesTest.StubBatchStore();
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = RouteTestContext.create();
        Properties events = new Properties();
        events.setProperty("pipeline.arrival", "events");
        context.getPropertiesComponent().setOverrideProperties(events);
        context.getRegistry().bind("collectorLeadership", new RoutePolicySupport() { });
        context.getRegistry().bind("arrivalRegistrar", registrar);
        context.getRegistry().bind("arrivalNotifications", new ArrivalNotifications(BUCKET, "incoming/"));
        context.getRegistry().bind("collectionReadinessCheck", health);
        context.getRegistry().bind("batchStore", batches);
        context.getRegistry().bind("batchManifestAggregation", new BatchManifestAggregation());
        context.getRegistry().bind("batchCompletion", new BatchCompletion(1, 1, TimeUnit.HOURS.toMillis(1),
                () -> true, () -> true));
        context.getRegistry().bind("batchCollectorRepository", new MemoryAggregationRepository(true));
        RouteTestContext.loadRoutes(context, "ingest.camel.yaml");
        RouteTestContext.loadRoutes(context, "arrival-events.camel.yaml");
        AdviceWith.adviceWith(context, "ingest-poll-s3", a -> a.replaceFromWith("direct:poll"));
        AdviceWith.adviceWith(context, "ingest-arrival-events", a -> a.replaceFromWith("direct:sqs"));
        AdviceWith.adviceWith(context, "collect-batch",
                a -> a.weaveByToUri("direct:batch-closed").replace().to("mock:batch-closed"));
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** Delivers one message as the aws2-sqs consumer does, the last of its receive; returns the finished exchange. */
    private Exchange receive(String body) {
        return context.createProducerTemplate().send("direct:sqs", e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeader("CamelAwsSqsReceiptHandle", "handle-1");
            e.getMessage().setHeader("CamelAwsSqsMessageId", "id-1");
            e.setProperty(Exchange.BATCH_COMPLETE, true);
        });
    }

    private static String created(String key) {
        return S3Notifications.objectCreated(Envelope.S3, BUCKET, key, 10, "etag");
    }

    @Test
    void aMessageIsDeletedOnceItsObjectIsInTheOpenBatchAndAReceiveDoesNotCloseIt() throws Exception {
        MockEndpoint closed = context.getEndpoint("mock:batch-closed", MockEndpoint.class);
        closed.expectedMessageCount(1);

        Exchange orders = receive(created("incoming/orders_1.csv"));
        Exchange items = receive(S3Notifications.objectCreated(Envelope.EVENTBRIDGE, BUCKET,
                "incoming/order_items_1.csv", 10, "etag"));

        for (Exchange done : new Exchange[] {orders, items}) {
            assertThat(done.getException()).isNull();
            assertThat(done.getProperty(DELETE)).isEqualTo("true");
            // the consumer deletes with the receipt handle; the open batch never kept it
            assertThat(done.getMessage().getHeader("CamelAwsSqsReceiptHandle")).isEqualTo("handle-1");
        }
        assertThat(registrar.registered).containsExactly("incoming/orders_1.csv", "incoming/order_items_1.csv");
        assertThat(health.collected).hasValue(2);
        assertThat(closed.getReceivedCounter()).as("enough files, but the queue has not gone quiet").isZero();

        // an empty receive: idlePolls reminds the open batch, which closes
        context.createProducerTemplate().sendBody(IdlePolls.REMINDER, null);
        closed.assertIsSatisfied();
        assertThat(FileArrival.fromManifest(batches.opened.get(0))).extracting(FileArrival::incomingKey)
                .containsExactly("incoming/orders_1.csv", "incoming/order_items_1.csv");
        assertThat(closed.getReceivedExchanges().get(0).getMessage().getHeaders()).noneSatisfy(
                (name, value) -> assertThat(name).startsWith("CamelAwsSqs"));
    }

    @Test
    void aFailedArrivalKeepsTheMessage() {
        Exchange failed = receive(created("incoming/broken.csv"));

        assertThat(failed.getException()).as("caught: no ERROR from the error handler").isNull();
        assertThat(failed.getProperty(DELETE)).isNull();
        assertThat(health.failed).hasValue(1);

        // a message with two records, one of which fails: kept whole (the good one is collected, a redelivery finds
        // it gone from incoming/)
        String two = "{\"Records\":[" + record("incoming/orders_2.csv") + "," + record("incoming/broken_2.csv") + "]}";
        Exchange half = receive(two);
        assertThat(half.getProperty(DELETE)).isNull();
        assertThat(registrar.registered).contains("incoming/orders_2.csv");
        assertThat(health.collected).hasValue(1);
        assertThat(health.failed).hasValue(2);
    }

    @Test
    void whatConcernsNothingToCollectIsDeleted() {
        for (String body : new String[] {S3Notifications.testEvent(BUCKET), created("archive/b/orders_1.csv"),
                S3Notifications.objectCreated(Envelope.SNS, "another-bucket", "incoming/orders_1.csv", 1, "e"),
                "not a notification", created("incoming/gone.csv")}) {
            Exchange done = receive(body);
            assertThat(done.getException()).as(body).isNull();
            assertThat(done.getProperty(DELETE)).as(body).isEqualTo("true");
        }
        assertThat(registrar.registered).containsExactly("incoming/gone.csv");
        assertThat(health.collected).hasValue(0);
        assertThat(health.failed).hasValue(0);
        assertThat(batches.opened).isEmpty();
    }

    private static String record(String key) {
        return "{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"" + BUCKET
                + "\"},\"object\":{\"key\":\"" + key + "\"}}}";
    }

    /** Moves nothing: the arrival line ArrivalRegistrar would give, null for an object gone, or a failure. */
    public static class StubRegistrar extends IngestRoutesTest.StubArrivals {
        final java.util.List<String> registered = new java.util.concurrent.CopyOnWriteArrayList<>();

        public String registerNotified(String key) {
            registered.add(key);
            if (key.contains("broken")) {
                throw new IllegalStateException("copy of " + key + " does not match its source");
            }
            if (key.contains("gone")) {
                return null;
            }
            String name = key.substring(key.lastIndexOf('/') + 1);
            return new FileArrival(key, "collected/0000/" + name, 10, "etag", System.currentTimeMillis()).toLine();
        }
    }
}
