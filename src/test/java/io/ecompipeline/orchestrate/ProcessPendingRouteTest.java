package io.ecompipeline.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.ecompipeline.support.RouteTestContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The local orchestrator's route ({@code process-pending} in {@code routes/batch.camel.yaml}) on its own: the batches to
 * claim and their attempts come from stubs, the batch's steps and the dead letter are mocks. Checks the decisions the
 * route makes in YAML: a batch that keeps killing its process is dead-lettered without running, a failed batch is
 * dead-lettered once its attempts are used up and otherwise left for a later round, a round goes on to the next
 * batch after a failure, and every round gives the lease back.
 */
@Tag("route")
class ProcessPendingRouteTest {

    private final StubPending pending = new StubPending();
    private final StubBatchStore batches = new StubBatchStore();
    private CamelContext context;
    private MockEndpoint processBatch;
    private MockEndpoint deadLetter;

    @BeforeEach
    void start() throws Exception {
        context = RouteTestContext.create();
        context.getRegistry().bind("pendingBatches", pending);
        context.getRegistry().bind("batchStore", batches);
        context.getRegistry().bind("batchFailures", new Object()); // the steps' route configuration names it
        ((ModelCamelContext) context).setRouteFilterPattern("process-pending", null);
        RouteTestContext.loadRoutes(context, "batch.camel.yaml");
        AdviceWith.adviceWith(context, "process-pending", a -> {
            a.replaceFromWith("direct:pending");
            // in its place inside the doTry, as the real step fails there
            a.weaveByToUri("direct:process-batch").replace().to("mock:process-batch");
            // every send, also the two of the dead letter (one per decision)
            a.interceptSendToEndpoint("direct:batch-dead-letter").skipSendToOriginalEndpoint().to("mock:dead-letter");
            a.interceptSendToEndpoint("direct:batch-closed").skipSendToOriginalEndpoint().to("mock:batch-closed");
        });
        context.start();
        processBatch = context.getEndpoint("mock:process-batch", MockEndpoint.class);
        deadLetter = context.getEndpoint("mock:dead-letter", MockEndpoint.class);
        processBatch.whenAnyExchangeReceived(e -> {
            String batchId = e.getMessage().getHeader("batchId", String.class);
            if (batchId.startsWith("failing")) {
                e.getMessage().setHeader("batchError", "PSQLException: relation does not exist");
                throw new IllegalStateException("step failed for " + batchId);
            }
        });
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private void round() {
        context.createProducerTemplate().sendBody("direct:pending", null);
    }

    @Test
    void aBatchStartedMoreThanMaxStartsTimesIsDeadLetteredWithoutRunning() throws Exception {
        pending.queue("crashing", 21); // pipeline.batch.max-starts = 20
        deadLetter.expectedMessageCount(1);
        deadLetter.expectedHeaderReceived("deadLetterReason",
                "it was started 21 times without ending (the process died each time)");
        processBatch.expectedMessageCount(0);

        round();

        MockEndpoint.assertIsSatisfied(context);
        assertThat(pending.rounds).containsExactly("begin", "end");
    }

    @Test
    void aFailedBatchIsDeadLetteredOnceItsAttemptsAreUsedUp() throws Exception {
        pending.queue("failing-1", 5);
        batches.attempts.put("failing-1", 5); // pipeline.batch.max-attempts = 5
        deadLetter.expectedMessageCount(1);
        deadLetter.message(0).header("deadLetterReason").isEqualTo(
                "its 5 attempts failed, the last with: PSQLException: relation does not exist");

        round();

        MockEndpoint.assertIsSatisfied(context);
        assertThat(pending.outcomes).containsExactly("failing-1 failed");
    }

    @Test
    void aFailedBatchWithAttemptsLeftWaitsAndTheRoundGoesOnToTheNextBatch() throws Exception {
        pending.queue("failing-2", 1);
        pending.queue("good", 1);
        batches.attempts.put("failing-2", 1);
        deadLetter.expectedMessageCount(0);
        processBatch.expectedBodiesReceivedInAnyOrder((Object) null, null);

        round();

        MockEndpoint.assertIsSatisfied(context);
        assertThat(pending.outcomes).containsExactly("failing-2 failed", "good finished");
        assertThat(pending.rounds).containsExactly("begin", "end");
    }

    /** Hands out the queued batches, as PendingBatches claims them under the lease, and records what the route says. */
    public static class StubPending {
        private final Deque<Map.Entry<String, Integer>> queued = new ArrayDeque<>();
        final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        final List<String> rounds = Collections.synchronizedList(new ArrayList<>());

        void queue(String batchId, int starts) {
            queued.add(Map.entry(batchId, starts));
        }

        public boolean beginRound() {
            rounds.add("begin");
            return true;
        }

        public boolean claimNext(Exchange exchange) {
            Map.Entry<String, Integer> next = queued.poll();
            if (next == null) {
                return false;
            }
            exchange.getMessage().setHeader("batchId", next.getKey());
            exchange.getMessage().setHeader("batchStarts", next.getValue());
            return true;
        }

        public void finished(Exchange exchange) {
            outcomes.add(exchange.getMessage().getHeader("batchId") + " finished");
        }

        public void failed(Exchange exchange) {
            outcomes.add(exchange.getMessage().getHeader("batchId") + " failed");
        }

        public boolean endRound() {
            rounds.add("end");
            return false;
        }
    }

    public static class StubBatchStore {
        final Map<String, Integer> attempts = Collections.synchronizedMap(new HashMap<>());

        public int attempts(String batchId) {
            return attempts.getOrDefault(batchId, 0);
        }
    }
}
