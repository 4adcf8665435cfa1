package io.ecompipeline.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.ecompipeline.ingest.IdlePolls;
import io.ecompipeline.support.LogCapture;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's route policy and its poll gate ({@code ingest/IdlePolls}) together, on a poller of an empty folder
 * that polls at once ({@code initialDelay=0}) and whose idle polls remind {@code direct:remind-open-batch}, a route
 * Camel starts later, after a slow one: no poll begins while the context still starts its routes (in CI a reminder
 * once came before that route consumed: "Could not remind the open batch after an idle poll"), polling begins as soon
 * as the context has started rather than a leadership check later (10 min here), and an instance without the lease
 * never polls, not even once at start-up.
 */
@Tag("route")
class CollectorLeadershipTest {

    @TempDir
    Path incoming;
    private final CamelContext context = new DefaultCamelContext();
    private final LogCapture log = LogCapture.attach();

    @AfterEach
    void stop() {
        context.stop();
        log.close();
    }

    @Test
    void theLeaderPollsOnlyOnceEveryRouteConsumesAndThenAtOnce() throws Exception {
        start(true);
        MockEndpoint reminded = context.getEndpoint("mock:reminded", MockEndpoint.class);
        reminded.expectedMinimumMessageCount(1);
        reminded.assertIsSatisfied(5_000);
        assertThat(log.lines()).as("warnings").noneMatch(line -> line.level().equals("WARN"));
    }

    @Test
    void anInstanceWithoutTheLeaseNeverPolls() throws Exception {
        start(false);
        Thread.sleep(1_000);
        assertThat(context.getEndpoint("mock:reminded", MockEndpoint.class).getReceivedCounter()).isZero();
        assertThat(log.lines()).as("warnings").noneMatch(line -> line.level().equals("WARN"));
    }

    private void start(boolean ours) throws Exception {
        CollectorLeadership leadership = new CollectorLeadership(new FixedLease(ours), Duration.ofMinutes(10));
        context.getRegistry().bind("gate", new IdlePolls(leadership::isLeader));
        context.addComponent("slow", new SlowStartComponent());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + incoming.toAbsolutePath() + "?initialDelay=0&delay=20&pollStrategy=#gate").routeId("poller")
                        .routePolicy(leadership).to("mock:collected");
                from("slow:start").routeId("slow").log("unused");
                from(IdlePolls.REMINDER).routeId("remind").to("mock:reminded");
            }
        });
        context.start();
    }

    /** A lease that is always, or never, ours: no DynamoDB. */
    private static final class FixedLease extends ProcessingLease {
        private final boolean ours;

        FixedLease(boolean ours) {
            super(null, "ProcessingLock", COLLECTOR, Duration.ofMinutes(1), Duration.ofSeconds(20));
            this.ours = ours;
        }

        @Override
        public boolean isHeld() {
            return ours;
        }

        @Override
        public synchronized boolean tryAcquire() {
            return ours;
        }

        @Override
        public void shutdown() {
        }
    }

    /** A component whose consumer takes a second to start, as a queue or HTTP consumer may. */
    private static final class SlowStartComponent extends DefaultComponent {
        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
            return new DefaultEndpoint(uri, this) {
                @Override
                public Producer createProducer() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Consumer createConsumer(Processor processor) {
                    return new DefaultConsumer(this, processor) {
                        @Override
                        protected void doStart() throws Exception {
                            Thread.sleep(1_000);
                            super.doStart();
                        }
                    };
                }
            };
        }
    }
}
