package io.ecompipeline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import io.ecompipeline.orchestrate.KpiRecompute;
import io.ecompipeline.support.RouteTestContext;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The KPI routes of {@code routes/kpi.camel.yaml} on their own: the YAML as shipped, stub beans in place of the database
 * and DynamoDB ones, the SQL endpoints advised into mocks. Checks the route's decisions (a batch already loaded, no
 * touched dates, which query shape) and the grouping of the writes in 25s, in under a second each (after the first,
 * which loads the YAML DSL); the end-to-end tests check the numbers.
 */
@Tag("route")
class KpiRoutesTest {

    private final StubBatchStore batches = new StubBatchStore();
    private final StubPlan plan = new StubPlan();
    private final StubItems items = new StubItems();
    private final StubWriter writer = new StubWriter();
    private final StubResults results = new StubResults();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = RouteTestContext.create();
        context.getRegistry().bind("batchStore", batches);
        context.getRegistry().bind("kpiQueryPlan", plan);
        context.getRegistry().bind("kpiItems", items);
        context.getRegistry().bind("kpiResults", results);
        context.getRegistry().bind("kpiTableWriter", writer);
        context.getRegistry().bind("kpiWritePool", pool);
        // recompute-kpis' steps (orchestrate/RecomputeTest runs them on the embedded servers); not called here
        context.getRegistry().bind("kpiRecompute", new KpiRecompute(() -> {
            throw new IllegalStateException("no lease in a route test");
        }, new KpiRecompute.Settings(31, Duration.ZERO, Duration.ofSeconds(5)), () -> { }));
        context.addRoutes(new RouteConfigurationBuilder() { // as batch.camel.yaml defines it
            @Override
            public void configuration() {
                routeConfiguration("batch-steps").errorHandler(noErrorHandler());
            }
        });
        RouteTestContext.loadRoutes(context, "kpi.camel.yaml");
        for (String table : List.of("order", "category")) {
            AdviceWith.adviceWith(context, "query-" + table + "-kpis", a -> {
                a.weaveByToUri("sql:classpath:sql/" + table + "-kpis.sql*").replace().to("mock:" + table + "-set");
                a.weaveByToUri("sql:classpath:sql/" + table + "-kpis-per-order.sql*").replace()
                        .to("mock:" + table + "-per-order");
            });
        }
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
        pool.shutdownNow();
    }

    private MockEndpoint mock(String name) {
        return context.getEndpoint("mock:" + name, MockEndpoint.class);
    }

    private void computeKpis() {
        context.createProducerTemplate().sendBodyAndHeader("direct:compute-kpis", null, "batchId", "b1");
    }

    @Test
    void queriesPerOrderWhenThePlanSaysSoAndWritesEachTableIn25s() throws Exception {
        batches.touched = List.of(Date.valueOf("2025-01-01"), Date.valueOf("2025-01-02"));
        plan.answer = KpiQueryPlan.PER_ORDER;
        items.orderItems = 2;
        items.categoryItems = 60;
        mock("order-per-order").expectedMessageCount(1);
        mock("category-per-order").expectedMessageCount(1);
        mock("order-set").expectedMessageCount(0);
        mock("category-set").expectedMessageCount(0);

        computeKpis();

        MockEndpoint.assertIsSatisfied(context);
        assertThat(writer.calls).containsExactlyInAnyOrder("OrderKPIs 2", "CategoryKPIs 25", "CategoryKPIs 25",
                "CategoryKPIs 10");
        assertThat(items.remembered).isTrue();
        assertThat(results.stored).as("the query results kept for the curated zone, before the writes")
                .containsExactlyInAnyOrder("order [2025-01-01, 2025-01-02]", "category [2025-01-01, 2025-01-02]");
        assertThat(batches.marked).containsExactly("b1 loaded");
    }

    @Test
    void queriesAsAWholeOtherwise() throws Exception {
        batches.touched = List.of(Date.valueOf("2025-01-01"));
        plan.answer = KpiQueryPlan.SET;
        items.orderItems = 1;
        items.categoryItems = 3;
        mock("order-set").expectedMessageCount(1);
        mock("category-set").expectedMessageCount(1);
        mock("order-per-order").expectedMessageCount(0);
        mock("category-per-order").expectedMessageCount(0);

        computeKpis();

        MockEndpoint.assertIsSatisfied(context);
        assertThat(writer.calls).containsExactlyInAnyOrder("OrderKPIs 1", "CategoryKPIs 3");
        assertThat(batches.marked).containsExactly("b1 loaded");
    }

    @Test
    void aBatchWithoutTouchedDatesWritesNothingAndIsLoaded() throws Exception {
        batches.touched = List.of();
        mock("order-set").expectedMessageCount(0);
        mock("order-per-order").expectedMessageCount(0);

        computeKpis();

        MockEndpoint.assertIsSatisfied(context);
        assertThat(plan.asked).isZero();
        assertThat(writer.calls).isEmpty();
        assertThat(results.stored).isEmpty();
        assertThat(batches.marked).containsExactly("b1 loaded");
    }

    @Test
    void aBatchAlreadyLoadedIsLeftAlone() throws Exception {
        batches.loaded = true;
        batches.touched = List.of(Date.valueOf("2025-01-01"));

        computeKpis();

        assertThat(batches.touchedAsked).isZero();
        assertThat(writer.calls).isEmpty();
        assertThat(batches.marked).isEmpty();
    }

    /** The parts of {@code BatchStore} the KPI routes call. */
    public static class StubBatchStore {
        volatile boolean loaded;
        volatile List<Date> touched = List.of();
        volatile int touchedAsked;
        final List<String> marked = Collections.synchronizedList(new ArrayList<>());

        public boolean isPast(String batchId, String step) {
            return loaded && step.equals("loaded");
        }

        public List<Date> touchedDates(@Header("batchId") String batchId) {
            touchedAsked++;
            return touched;
        }

        public void markStatus(String batchId, String status) {
            marked.add(batchId + " " + status);
        }
    }

    public static class StubPlan {
        volatile String answer = KpiQueryPlan.SET;
        volatile int asked;

        public String choose(@Header("touchedDates") List<Date> touched) {
            asked++;
            return answer;
        }
    }

    /** Records which table's query results were kept, for which dates. */
    public static class StubResults {
        final List<String> stored = Collections.synchronizedList(new ArrayList<>());

        public void storeOrderKpis(@Header("touchedDates") List<Date> touched) {
            stored.add("order " + touched);
        }

        public void storeCategoryKpis(@Header("touchedDates") List<Date> touched) {
            stored.add("category " + touched);
        }
    }

    /** Turns whatever the (mocked) query returned into N placeholder writes. */
    public static class StubItems {
        volatile int orderItems;
        volatile int categoryItems;
        volatile boolean remembered;

        public List<String> orderWrites(@Body Object rows) {
            return IntStream.range(0, orderItems).mapToObj(i -> "order " + i).toList();
        }

        public List<String> categoryWrites(@Body Object rows) {
            return IntStream.range(0, categoryItems).mapToObj(i -> "category " + i).toList();
        }

        public void rememberCategoryKeys() {
            remembered = true;
        }
    }

    public static class StubWriter {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        public int writeBatch(@Body List<?> writes, @Header("kpiTable") String table) {
            calls.add(table + " " + writes.size());
            return writes.size();
        }
    }
}
