package io.ecompipeline.cli;

import java.util.List;
import java.util.Map;

import io.ecompipeline.orchestrate.KpiRecompute;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

/**
 * {@code recompute --from D --to D}: starts the application against the configured services with only the KPI routes
 * (no poller, no collector, no batch of its own: it must not take a running service's arrivals), sends the range to
 * the {@code recompute-kpis} route, prints its summary. The route takes the processing lease, so it waits for a
 * batch of a running service, or refuses after {@code pipeline.recompute.lease-wait}.
 */
public final class RecomputeCommand {

    /**
     * The routes the command runs: recompute-kpis and what it calls. A step added to recompute-kpis must have its
     * routes named here too (by exact name: the filter takes a trailing * or a regular expression, not an inner *).
     */
    static final Map<String, String> ONLY_RECOMPUTE = Map.of("pipeline.generator.schedule-enabled", "false",
            "camel.main.route-filter-include-pattern",
            "recompute-kpis,compute-kpis-for-dates,query-order-kpis,write-order-kpis,query-category-kpis,"
                    + "write-category-kpis,write-kpi-items,write-curated,curate-order-kpis,curate-category-kpis");

    private final String from;
    private final String to;

    public RecomputeCommand(String from, String to) {
        this.from = from;
        this.to = to;
    }

    /** The options, checked before the start (10-30 s): a wrong one is a usage error. */
    static RecomputeCommand of(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!List.of("from", "to").contains(key)) {
                throw new UsageException("unknown option --" + key + " for recompute");
            }
        }
        if (options.get("from") == null || options.get("to") == null) {
            throw new UsageException("recompute needs --from DATE and --to DATE (YYYY-MM-DD)");
        }
        try {
            KpiRecompute.range(options.get("from"), options.get("to"));
        } catch (KpiRecompute.Refused e) {
            throw new UsageException("--" + e.getMessage());
        }
        return new RecomputeCommand(options.get("from"), options.get("to"));
    }

    public int run() throws Exception {
        return run(Map.of());
    }

    /** With these settings over the configured ones (tests: the embedded servers'). */
    public int run(Map<String, String> settings) throws Exception {
        Map<String, String> overrides = new java.util.HashMap<>(settings);
        overrides.putAll(ONLY_RECOMPUTE);
        try (PipelineApp app = new PipelineApp(overrides)) {
            app.start();
            return run(app);
        }
    }

    /** In a started application (tests): 0 when done, 1 when refused (the reason on stderr). */
    public int run(PipelineApp app) throws java.io.IOException {
        try (ProducerTemplate producer = app.context().createProducerTemplate()) {
            Object summary = producer.requestBodyAndHeaders("direct:recompute-kpis", null,
                    Map.of(KpiRecompute.FROM, from.trim(), KpiRecompute.TO, to.trim()));
            System.out.println(summary);
            return 0;
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof KpiRecompute.Refused refused) {
                System.err.println("error: " + refused.getMessage());
                return 1;
            }
            throw e;
        } finally {
            KpiRecompute.forgetRun();
        }
    }
}
