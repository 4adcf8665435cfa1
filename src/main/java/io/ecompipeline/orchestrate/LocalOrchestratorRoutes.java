package io.ecompipeline.orchestrate;

import org.apache.camel.builder.RouteBuilder;

/**
 * Runs closed batches that are waiting: shortly after start-up (resuming what a crash interrupted) and then every
 * {@code retry-interval} (retries, and batches another instance closed while this one held the lock).
 */
public class LocalOrchestratorRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:resume-batches?delay=1000&period={{pipeline.batch.retry-interval}}")
                .routeId("resume-batches")
                .routeDescription("Runs closed batches that wait: interrupted, failed earlier, or closed elsewhere")
                .to("direct:batch-closed");
    }
}
