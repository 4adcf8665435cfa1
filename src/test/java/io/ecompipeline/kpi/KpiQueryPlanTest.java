package io.ecompipeline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The choice of the KPI query shape against the embedded PostgreSQL (it reads the planner's row count and counts
 * through the date index, so it needs the real database): touched dates holding less than the configured share of
 * all orders get the per-order shape, a larger share (a first load) and an empty table the set shape. The routes'
 * use of the choice is in {@link KpiRoutesTest}; both shapes' numbers in MultiWaveTest.
 */
class KpiQueryPlanTest {

    /** 1,000 orders, 10 on each of the 100 days from 2025-01-01. */
    private static final String THOUSAND_ORDERS = "INSERT INTO pipeline.orders (order_id, user_id, order_date, "
            + "total_amount, status, returned, batch_id) SELECT g, 1, DATE '2025-01-01' + (g % 100), 1, 'delivered', "
            + "false, 'b' FROM generate_series(1, 1000) g";

    private static List<Date> firstDays(int days) {
        return IntStream.range(0, days).mapToObj(d -> Date.valueOf(LocalDate.of(2025, 1, 1).plusDays(d))).toList();
    }

    @Test
    void aSmallShareOfTheOrdersIsQueriedPerOrderALargeOneAsAWhole() throws Exception {
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            LocalServices services = TestPipeline.services();
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(services.jdbcUrl());
            dataSource.setUser(services.jdbcUser());
            dataSource.setPassword(services.jdbcPassword());
            KpiQueryPlan plan = new KpiQueryPlan(dataSource, 0.05);

            pipeline.sql("ANALYZE pipeline.orders");
            assertThat(plan.choose(firstDays(1))).as("no orders at all").isEqualTo(KpiQueryPlan.SET);

            pipeline.sql(THOUSAND_ORDERS);
            pipeline.sql("ANALYZE pipeline.orders");
            // the share that decides: 5 % of 1,000 orders, 50
            assertThat(plan.choose(firstDays(1))).as("10 orders").isEqualTo(KpiQueryPlan.PER_ORDER);
            assertThat(plan.choose(firstDays(4))).as("40 orders").isEqualTo(KpiQueryPlan.PER_ORDER);
            assertThat(plan.choose(firstDays(5))).as("50 orders").isEqualTo(KpiQueryPlan.SET);
            assertThat(plan.choose(firstDays(100))).as("every order").isEqualTo(KpiQueryPlan.SET);
            assertThat(plan.choose(List.of(Date.valueOf("2030-01-01")))).as("a daily batch's fresh date")
                    .isEqualTo(KpiQueryPlan.PER_ORDER);
        }
    }
}
