package io.ecompipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The day simulation on its own, in memory: no database, no S3. */
@Tag("unit")
class DaySimulationTest {

    static final int DAY0 = (int) LocalDate.of(2026, 3, 1).toEpochDay();

    static GeneratorConfig config(long seed) {
        return new GeneratorConfig("initial", 30, 0.05, seed, LocalDate.ofEpochDay(DAY0 + 29), false, false, 1, 1, 0,
                30);
    }

    /** A shop with nothing in it yet, as a first run finds it. */
    static ShopState emptyShop(long seed) {
        ShopState state = new ShopState(seed);
        state.nextOrderId = 1;
        return state;
    }

    record Run(List<DaySimulation.Commit> commits, List<DaySimulation.SourceDay> sourceDays) {

        String all(java.util.function.Function<DaySimulation.Commit, CharSequence> part) {
            StringBuilder s = new StringBuilder();
            commits.forEach(c -> s.append(part.apply(c)));
            return s.toString();
        }
    }

    /** {@code days} days from DAY0, {@code perCommit} days per commit. */
    static Run simulate(long seed, int days, int perCommit) {
        return simulate(config(seed), days, perCommit);
    }

    static Run simulate(GeneratorConfig config, int days, int perCommit) {
        ShopState state = emptyShop(config.seed());
        List<DaySimulation.Commit> commits = new ArrayList<>();
        List<DaySimulation.SourceDay> sourceDays = new ArrayList<>();
        for (int first = DAY0; first < DAY0 + days; first += perCommit) {
            DaySimulation simulation = new DaySimulation(config, state);
            commits.add(simulation.simulate(first, Math.min(first + perCommit, DAY0 + days) - 1, sourceDays::add));
            simulation.committed();
        }
        return new Run(commits, sourceDays);
    }

    @Test
    void theSameSeedGivesTheSameDays() {
        Run a = simulate(7, 5, 5);
        Run b = simulate(7, 5, 5);
        assertThat(b.all(c -> c.orders)).isEqualTo(a.all(c -> c.orders)).isNotEmpty();
        assertThat(b.all(c -> c.items)).isEqualTo(a.all(c -> c.items));
        assertThat(b.all(c -> c.customers)).isEqualTo(a.all(c -> c.customers));
        assertThat(b.sourceDays()).isEqualTo(a.sourceDays());
        assertThat(simulate(8, 5, 5).all(c -> c.items)).isNotEqualTo(a.all(c -> c.items));
    }

    @Test
    void howTheDaysAreSplitIntoCommitsChangesNeitherTheNewRowsNorTheSourceFiles() {
        Run oneCommit = simulate(11, 6, 6);
        Run dayByDay = simulate(11, 6, 1);
        assertThat(dayByDay.commits()).hasSize(6);
        assertThat(dayByDay.all(c -> c.items)).isEqualTo(oneCommit.all(c -> c.items));
        assertThat(dayByDay.all(c -> c.products)).isEqualTo(oneCommit.all(c -> c.products));
        assertThat(dayByDay.sourceDays()).isEqualTo(oneCommit.sourceDays());
        // order rows carry their status as of their commit's last day: the same orders, in the same order
        assertThat(ids(dayByDay.all(c -> c.orders))).isEqualTo(ids(oneCommit.all(c -> c.orders)));
        long updatesDayByDay = dayByDay.commits().stream().mapToLong(c -> c.counts.get("status_updates")).sum();
        assertThat(updatesDayByDay).isEqualTo(oneCommit.commits().get(0).counts.get("status_updates"));
    }

    @Test
    void theCountsMatchTheRowsAndEveryOrderAddsUp() {
        Run run = simulate(3, 4, 4);
        DaySimulation.Commit commit = run.commits().get(0);
        String[] orders = commit.orders.toString().split("\n");
        String[] items = commit.items.toString().split("\n");
        assertThat(commit.counts.get("orders")).isEqualTo(orders.length);
        assertThat(commit.counts.get("order_items")).isEqualTo(items.length);
        assertThat(commit.counts.get("customers")).isEqualTo(commit.customers.toString().split("\n").length)
                .isEqualTo(4L * config(3).customersPerDay() + config(3).startingCustomers());
        assertThat(commit.counts.get("payments")).isEqualTo(orders.length)
                .isEqualTo(run.sourceDays().stream().mapToLong(d -> d.payments().size()).sum());
        assertThat(commit.counts.get("shipments"))
                .isEqualTo(run.sourceDays().stream().mapToLong(d -> d.shipments().size()).sum());
        assertThat(run.sourceDays()).extracting(DaySimulation.SourceDay::date)
                .containsExactly("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04");
        String[] tables = {"customers", "products", "orders", "order_items", "status_updates", "payments",
            "shipments"};
        for (int column = 0; column < tables.length; column++) {
            long sum = 0;
            for (long[] day : commit.dayCounts) {
                sum += day[column];
            }
            assertThat(sum).as("the days' %s", tables[column]).isEqualTo(commit.counts.get(tables[column]));
        }
        long products = commit.counts.get("products");
        for (String order : orders) {
            // order_id, customer_id, order_date, order_time, status, subtotal, discount, tax, shipping, total, ...
            String[] f = order.split("\t");
            assertThat(Long.parseLong(f[1])).isBetween(1L, commit.counts.get("customers"));
            assertThat(new BigDecimal(f[5]).subtract(new BigDecimal(f[6])).add(new BigDecimal(f[7]))
                    .add(new BigDecimal(f[8]))).as(order).isEqualByComparingTo(new BigDecimal(f[9]));
        }
        for (String item : items) {
            // order_id, line_no, product_id, quantity, unit_price, subtotal, created_at
            String[] f = item.split("\t");
            assertThat(Long.parseLong(f[2])).isBetween(1L, products);
            assertThat(new BigDecimal(f[4]).multiply(new BigDecimal(f[3]))).isEqualByComparingTo(new BigDecimal(f[5]));
        }
    }

    static GeneratorConfig config(double scale, double returnRate) {
        return new GeneratorConfig("initial", 30, scale, 42, LocalDate.ofEpochDay(DAY0 + 29), false, false, 1, 1, 0,
                30, returnRate, java.util.Set.of());
    }

    @Test
    void mostCustomersOrderAtMostOnceADayAndTheVolumeStaysAsConfigured() {
        for (double scale : new double[] {0.05, 1}) {
            GeneratorConfig config = config(scale, GeneratorConfig.DEFAULT_RETURN_RATE);
            Run run = simulate(config, 5, 5);
            java.util.Map<String, List<String>> customersByDay = new java.util.TreeMap<>();
            run.all(c -> c.orders).lines().forEach(l -> {
                String[] f = l.split("\t");
                customersByDay.computeIfAbsent(f[2], d -> new ArrayList<>()).add(f[1]);
            });
            assertThat(customersByDay).hasSize(5);
            customersByDay.forEach((day, customers) -> {
                // the volume: orders a day = ordersPerDay x the period factor (0.4-1.1) x noise (0.9-1.1)
                assertThat(customers.size()).as("orders on %s at scale %s", day, scale)
                        .isBetween((int) (config.ordersPerDay() * 0.36), (int) Math.ceil(config.ordersPerDay() * 1.21));
                long distinct = customers.stream().distinct().count();
                assertThat((double) distinct / customers.size()).as("customers per order on %s at scale %s", day,
                        scale).isGreaterThanOrEqualTo(0.9);
            });
        }
    }

    @Test
    void ordersAreReturnedInTheFirstDaysAtTheConfiguredRate() {
        // the demo: three days at scale 0.05, statuses as of the last day
        String demo = simulate(config(0.05, GeneratorConfig.DEFAULT_RETURN_RATE), 3, 3).all(c -> c.orders);
        assertThat(demo.lines().filter(l -> l.split("\t")[4].equals("returned"))).isNotEmpty();
        assertThat(simulate(config(0.05, 0), 3, 3).all(c -> c.orders).lines()
                .filter(l -> l.split("\t")[4].equals("returned"))).isEmpty();
        // over 20 days at scale 1 the orders older than three days are returned at about the rate
        Run month = simulate(config(1, 0.15), 20, 20);
        List<String[]> old = month.all(c -> c.orders).lines().map(l -> l.split("\t"))
                .filter(f -> LocalDate.parse(f[2]).toEpochDay() <= DAY0 + 16 && !f[4].equals("cancelled")).toList();
        double share = old.stream().filter(f -> f[4].equals("returned")).count() / (double) old.size();
        assertThat(share).isBetween(0.13, 0.17);
    }

    @Test
    void paymentsAndShipmentsCarryTypedValues() {
        DaySimulation.SourceDay day = simulate(5, 1, 1).sourceDays().get(0);
        assertThat(day.payments()).allSatisfy(p -> {
            assertThat(p.payment_date()).isEqualTo(LocalDate.ofEpochDay(DAY0));
            assertThat(p.amount().scale()).isEqualTo(2);
        });
        assertThat(day.shipments()).allSatisfy(s -> assertThat(s.expected_delivery()).isAfter(s.ship_date()));
    }

    @Test
    void centsAreWrittenWithTwoDecimals() {
        assertThat(DaySimulation.cents(0)).isEqualTo("0.00");
        assertThat(DaySimulation.cents(105)).isEqualTo("1.05");
        assertThat(DaySimulation.cents(-7)).isEqualTo("-0.07");
    }

    private static List<String> ids(String rows) {
        return rows.lines().map(l -> l.substring(0, l.indexOf('\t'))).toList();
    }
}
