package io.ecompipeline.ingest;

import io.ecompipeline.model.FileArrival;
import io.ecompipeline.observe.CollectionReadinessCheck;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Hands files stranded under {@code collected/} back to the collector, at start-up and then periodically. In Java
 * because it is plumbing an operator does not tune beyond its timing, which is configuration. Each re-collection
 * counts as an arrival for the collection readiness check: a failure is logged and tried again next period.
 */
public class StrandedArrivalRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:recover-stranded?delay={{pipeline.recovery.initial-delay}}&period={{pipeline.recovery.period}}")
                .routeId("recover-stranded")
                .routeDescription("Re-collects files left under collected/ by a crash between their move and the collector")
                .setBody(method("strandedArrivals", "find"))
                .split(body())
                    .setProperty(Exchange.BATCH_COMPLETE, exchangeProperty(Exchange.SPLIT_COMPLETE))
                    .process(e -> e.setProperty(CollectionReadinessCheck.ARRIVAL_KEY,
                            FileArrival.fromLine(e.getMessage().getBody(String.class)).incomingKey()))
                    .doTry()
                        .to("direct:collect-batch")
                        .bean("collectionReadinessCheck", "arrivalCollected")
                    .doCatch(Exception.class)
                        .bean("collectionReadinessCheck", "arrivalFailed")
                    .end()
                .end();
    }
}
