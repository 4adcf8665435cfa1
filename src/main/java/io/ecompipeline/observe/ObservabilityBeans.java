package io.ecompipeline.observe;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.util.TimeUtils;

/**
 * The meter registry (camel-micrometer-prometheus picks it up and serves it at {@code /observe/metrics}), the
 * pipeline's metrics and the readiness checks of the services and of collection. Configured first, so the other beans can count.
 */
public class ObservabilityBeans implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        // camel-micrometer-prometheus has usually bound its registry by now (camel.metrics.enabled): count into it
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        LastExchangeGauge.registerEarly(registry);
        PipelineMetrics metrics = new PipelineMetrics(registry);
        context.getRegistry().bind("pipelineMetrics", metrics);
        context.getRegistry().bind("servicesReadinessCheck", new ServicesReadinessCheck());
        context.getRegistry().bind("collectionHealth", new CollectionReadinessCheck(Duration.ofMillis(
                TimeUtils.toMilliSeconds(context.resolvePropertyPlaceholders(
                        "{{pipeline.health.collection-failing-after}}"))), metrics));
    }

    public static PipelineMetrics metrics(CamelContext context) {
        PipelineMetrics metrics = context.getRegistry().lookupByNameAndType("pipelineMetrics", PipelineMetrics.class);
        return metrics != null ? metrics : PipelineMetrics.NONE;
    }
}
