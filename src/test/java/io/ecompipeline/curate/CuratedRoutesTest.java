package io.ecompipeline.curate;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.ecompipeline.support.RouteTestContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The curated routes of {@code routes/curated.camel.yaml} on their own, with stub beans and the SQL endpoints advised
 * away: the step's decisions (the switch, a batch already curated, no touched dates, the dates any caller gives
 * {@code direct:write-curated}); {@link CuratedZoneTest} checks the files.
 */
@Tag("route")
class CuratedRoutesTest {

    private final StubBatchStore batches = new StubBatchStore();
    private final StubZone zone = new StubZone();
    private CamelContext context;

    private void start(boolean enabled) throws Exception {
        context = RouteTestContext.create();
        Properties overrides = new Properties();
        overrides.setProperty("pipeline.curated.enabled", Boolean.toString(enabled));
        context.getPropertiesComponent().setOverrideProperties(overrides);
        context.getRegistry().bind("batchStore", batches);
        context.getRegistry().bind("curatedZone", zone);
        context.addRoutes(new RouteConfigurationBuilder() { // as batch.camel.yaml defines it
            @Override
            public void configuration() {
                routeConfiguration("batch-steps").errorHandler(noErrorHandler());
            }
        });
        RouteTestContext.loadRoutes(context, "curated.camel.yaml");
        for (String table : List.of("order", "category")) {
            AdviceWith.adviceWith(context, "curate-" + table + "-kpis", a -> {
                a.weaveByToUri("sql:*").replace().setBody(a.constant(List.of()));
            });
        }
        context.start();
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    private void curate() {
        context.createProducerTemplate().sendBodyAndHeader("direct:curate-batch", null, "batchId", "b1");
    }

    @Test
    void writesEveryTableOfTheTouchedDatesThenMarksTheBatchCurated() throws Exception {
        start(true);
        batches.touched = List.of(Date.valueOf("2025-03-02"), Date.valueOf("2025-03-01"));
        curate();

        assertThat(zone.calls).containsExactlyInAnyOrder("orders [2025-03-01, 2025-03-02]",
                "order_lines [2025-03-01, 2025-03-02]", "order_kpis [2025-03-01, 2025-03-02]",
                "category_kpis [2025-03-01, 2025-03-02]");
        assertThat(batches.marked).containsExactly("b1 curated");
    }

    @Test
    void batchAlreadyCuratedIsSkipped() throws Exception {
        start(true);
        batches.curated = true;
        batches.touched = List.of(Date.valueOf("2025-03-01"));
        curate();

        assertThat(batches.touchedAsked).isZero();
        assertThat(zone.calls).isEmpty();
        assertThat(batches.marked).isEmpty();
    }

    @Test
    void switchedOffTheStepDoesNothingAndMarksNothing() throws Exception {
        start(false);
        batches.touched = List.of(Date.valueOf("2025-03-01"));
        curate();

        assertThat(batches.touchedAsked).isZero();
        assertThat(zone.calls).isEmpty();
        assertThat(batches.marked).isEmpty();
    }

    @Test
    void batchThatTouchedNoDateWritesNothingButIsCurated() throws Exception {
        start(true);
        curate();

        assertThat(zone.calls).isEmpty();
        assertThat(batches.marked).containsExactly("b1 curated");
    }

    /** The contract of direct:write-curated for other callers (a recompute): dates as text, repeated, unordered. */
    @Test
    void writeCuratedTakesAnyListOfDates() throws Exception {
        start(true);
        context.createProducerTemplate().sendBodyAndHeaders("direct:write-curated", null,
                Map.of("touchedDates", List.of("2025-03-05", "2025-03-01", "2025-03-05")));

        assertThat(zone.calls).contains("orders [2025-03-01, 2025-03-05]", "category_kpis [2025-03-01, 2025-03-05]");
        assertThat(batches.marked).as("no batch status changes").isEmpty();
    }

    /** The parts of {@code BatchStore} the curated routes call. */
    public static class StubBatchStore {
        volatile boolean curated;
        volatile List<Date> touched = List.of();
        volatile int touchedAsked;
        final List<String> marked = Collections.synchronizedList(new ArrayList<>());

        public boolean isPast(String batchId, String step) {
            return curated && step.equals("curated");
        }

        public List<Date> touchedDates(@Header("batchId") String batchId) {
            touchedAsked++;
            return touched;
        }

        public void markStatus(String batchId, String status) {
            marked.add(batchId + " " + status);
        }
    }

    /** Records which table was written for which dates; normalises the dates as the real one does. */
    public static class StubZone {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        private final CuratedZone real = new CuratedZone(null, null, "curated/", Runnable::run, 1);

        public List<Date> dates(@Header("touchedDates") Collection<?> touched) {
            return real.dates(touched);
        }

        public void writeOrders(@Header("touchedDates") List<Date> touched) {
            calls.add("orders " + touched);
        }

        public void writeOrderLines(@Header("touchedDates") List<Date> touched) {
            calls.add("order_lines " + touched);
        }

        public void writeOrderKpis(@Header("touchedDates") List<Date> touched) {
            calls.add("order_kpis " + touched);
        }

        public void writeCategoryKpis(@Header("touchedDates") List<Date> touched) {
            calls.add("category_kpis " + touched);
        }
    }
}
