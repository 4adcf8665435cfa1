package io.ecompipeline.orchestrate;

import java.util.Map;

import javax.management.JMException;

import io.ecompipeline.common.Errors;
import io.ecompipeline.common.PlatformMBeans;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recompute of a running service, as the MBean {@code io.ecompipeline:type=Recompute}: its operation sends the
 * range to the {@code recompute-kpis} route (routes/kpi.camel.yaml), the same the {@code recompute} command runs, so
 * an operator reaches it through Jolokia ({@code /observe/jolokia}, behind the operator's login: observe/JolokiaPolicy)
 * or any JMX client without a second process. A Camel service of the context, registered in the platform MBean server
 * while the application runs.
 */
public class RecomputeOperation extends ServiceSupport implements RecomputeOperationMBean {

    public static final String NAME = "io.ecompipeline:type=Recompute";
    private static final Logger LOG = LoggerFactory.getLogger(RecomputeOperation.class);

    private final CamelContext context;
    private ProducerTemplate producer;
    private volatile String lastResult = "";

    public RecomputeOperation(CamelContext context) {
        this.context = context;
    }

    @Override
    public String recompute(String from, String to) {
        try {
            KpiRecompute.range(from, to); // a wrong range is refused before anything starts
            Object summary = producer.requestBodyAndHeaders("direct:recompute-kpis", null,
                    Map.of(KpiRecompute.FROM, from.trim(), KpiRecompute.TO, to.trim()));
            lastResult = String.valueOf(summary);
            return lastResult;
        } catch (KpiRecompute.Refused e) {
            lastResult = "refused: " + e.getMessage();
            LOG.warn("Recompute {} to {} refused: {}", from, to, e.getMessage());
            throw new IllegalStateException(lastResult); // a JDK type: any JMX client can show it
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof KpiRecompute.Refused refused) {
                lastResult = "refused: " + refused.getMessage();
                LOG.warn("Recompute {} to {} refused: {}", from, to, refused.getMessage());
            } else {
                lastResult = "failed: " + Errors.withCauses(cause);
                LOG.error("Recompute {} to {} failed", from, to, cause);
            }
            throw new IllegalStateException(lastResult);
        } finally {
            KpiRecompute.forgetRun();
        }
    }

    @Override
    public String getLastResult() {
        return lastResult;
    }

    @Override
    protected void doStart() throws JMException {
        producer = context.createProducerTemplate();
        PlatformMBeans.register(this, NAME);
    }

    @Override
    protected void doStop() {
        PlatformMBeans.unregister(NAME);
        if (producer != null) {
            producer.stop();
        }
    }
}
