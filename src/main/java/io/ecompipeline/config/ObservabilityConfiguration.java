package io.ecompipeline.config;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.ecompipeline.observe.CollectionReadinessCheck;
import io.ecompipeline.observe.Freshness;
import io.ecompipeline.observe.LastExchangeGauge;
import io.ecompipeline.observe.LoggingLevels;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.observe.RouteSourceDumper;
import io.ecompipeline.observe.ServicesReadinessCheck;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.ModelToYAMLDumper;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.TimeUtils;

/**
 * The meter registry (camel-micrometer-prometheus picks it up and serves it at {@code /observe/metrics}), the
 * pipeline's metrics and the readiness checks of the services and of collection. The metrics are a lazy bean like the
 * others, so the beans that count find them whatever the order of the configuration classes.
 */
@Configuration
public class ObservabilityConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public PipelineMetrics pipelineMetrics(CamelContext context) {
        // camel-micrometer-prometheus has usually bound its registry by now (camel.metrics.enabled): count into it
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        LastExchangeGauge.registerEarly(registry);
        return new PipelineMetrics(registry);
    }

    /** The freshness gauges' reader (route freshness-gauges, and after each finished batch). */
    @BindToRegistry(lazy = true)
    public Freshness freshness(@BeanInject("dataSource") HikariDataSource dataSource,
            @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new Freshness(dataSource, metrics);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        context.getRegistry().bind("servicesReadinessCheck", new ServicesReadinessCheck());
        context.getRegistry().bind("collectionReadinessCheck", new CollectionReadinessCheck(Duration.ofMillis(
                TimeUtils.toMilliSeconds(context.resolvePropertyPlaceholders(
                        "{{pipeline.health.collection-failing-after}}"))), metrics(context)));
        context.addService(new LoggingLevels()); // io.ecompipeline:type=Logging, log levels at run time
        // a route's YAML in Hawtio's Source tab: its block in the routes file (Camel's own dump fails on most of ours)
        context.getCamelContextExtension().addContextPlugin(ModelToYAMLDumper.class,
                new RouteSourceDumper(PluginHelper.getModelToYAMLDumper(context)));
    }

    public static PipelineMetrics metrics(CamelContext context) {
        PipelineMetrics metrics = context.getRegistry().lookupByNameAndType("pipelineMetrics", PipelineMetrics.class);
        return metrics != null ? metrics : PipelineMetrics.NONE;
    }
}
