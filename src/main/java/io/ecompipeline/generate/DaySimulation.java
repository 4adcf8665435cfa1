package io.ecompipeline.generate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The shop's days, simulated in memory: from the generator's {@link ShopState} and configuration to the rows a commit
 * writes (new customers, products, orders and lines as COPY text, the orders and customers that changed) and each
 * day's payments and shipments. No database, no S3: {@link ShopGenerator} writes what this returns, so the simulation
 * is tested on its own. Each day draws from its own {@link SplittableRandom} seeded from the seed and the date, so the
 * same seed and configuration give the same data however the days are split into runs and commits; the order of the
 * draws below is therefore part of the output, and must not change.
 */
final class DaySimulation {

    /** One day's payments and shipments: the payment and shipping systems' Parquet files of that day. */
    record SourceDay(String date, List<PaymentRecord> payments, List<ShipmentRecord> shipments) {
    }

    /**
     * What a commit writes, built in memory day by day: every row once, in its state as of the commit's last day
     * (orders' statuses, customers' segments and lifetime values).
     */
    static final class Commit {
        final int firstDay;
        final StringBuilder customers = new StringBuilder(1 << 16);
        final List<String> customerPrefixes = new ArrayList<>();
        final StringBuilder products = new StringBuilder(4096);
        final StringBuilder orders = new StringBuilder(1 << 17);
        final StringBuilder items = new StringBuilder(1 << 18);
        /** Per day: customers, products, orders, order_items, status_updates, payments, shipments. */
        final long[][] dayCounts;
        /** Orders placed before the commit whose status changed: id, new status, when. */
        final List<Long> updatedIds = new ArrayList<>();
        final List<String> updatedStatuses = new ArrayList<>();
        final List<String> updatedAt = new ArrayList<>();
        /** Customers registered before the commit whose segment or lifetime value changed: id, segment, value, when. */
        final List<Long> changedCustomers = new ArrayList<>();
        final List<String> changedSegments = new ArrayList<>();
        final List<String> changedValues = new ArrayList<>();
        final List<String> changedAt = new ArrayList<>();
        /** The ids of {@link #updatedIds}, sorted: the orders a day's export carries again. */
        List<Long> changedOrderIds = List.of();
        /** Rows per table over the commit's days (the run log's {@code records}). */
        final Map<String, Long> counts = new LinkedHashMap<>();

        Commit(int firstDay, int days) {
            this.firstDay = firstDay;
            this.dayCounts = new long[days][7];
        }
    }

    private final GeneratorConfig config;
    private final ShopState state;
    /** The returned share of orders, in 1/10,000. */
    private final int returns;

    DaySimulation(GeneratorConfig config, ShopState state) {
        this.config = config;
        this.state = state;
        this.returns = config.returnBasisPoints();
    }

    /**
     * Simulates the epoch days {@code first..last} on the state and returns what their commit writes; each day's
     * payments and shipments go to {@code sourceDays} as soon as the day is done (they are uploaded meanwhile).
     */
    Commit simulate(int first, int last, Consumer<SourceDay> sourceDays) {
        long customersBefore = state.customers;
        int productsBefore = state.products.size();
        long ordersBefore = state.nextOrderId;
        int openBefore = state.open;
        Commit commit = new Commit(first, last - first + 1);
        for (int day = first; day <= last; day++) {
            sourceDays.accept(simulateDay(day, last, commit));
        }
        commit.changedOrderIds = progressOpenOrders(openBefore, first, last, commit);
        newCustomerRows(customersBefore, commit);
        changedCustomers(customersBefore, commit);
        commit.counts.put("customers", state.customers - customersBefore);
        commit.counts.put("products", (long) (state.products.size() - productsBefore));
        commit.counts.put("orders", state.nextOrderId - ordersBefore);
        commit.counts.put("order_items", sum(commit.dayCounts, 3));
        commit.counts.put("status_updates", sum(commit.dayCounts, 4));
        commit.counts.put("payments", sum(commit.dayCounts, 5));
        commit.counts.put("shipments", sum(commit.dayCounts, 6));
        return commit;
    }

    /** After the commit is in the database: what the state holds is what the database holds. */
    void committed() {
        for (long id = 1; id <= state.customers; id++) {
            state.saved((int) id);
        }
    }

    /** One day's draws, in a fixed order: period, customers, products, then the orders with their lines. */
    private SourceDay simulateDay(int epochDay, int commitDay, Commit commit) {
        Day d = new Day(config.seed(), epochDay, commitDay, commit);
        SplittableRandom period = new SplittableRandom(config.seed() * 7_919L + Math.floorDiv(epochDay, 30));
        double factor = ShopModel.PERIOD_FACTOR[ShopModel.pick(period, ShopModel.PERIOD_W)];
        state.startDay(epochDay);
        addCustomers(d);
        addProducts(d);
        int orders = (int) Math.round(config.ordersPerDay() * factor * (0.9 + 0.2 * d.r.nextDouble()));
        long customers = state.customers;
        for (int n = 0; n < orders; n++) {
            placeOrder(d, customers);
        }
        d.counts[2] = orders;
        d.counts[5] = d.payments.size();
        d.counts[6] = d.shipments.size();
        state.endDay(epochDay, d.todaysSpend);
        return new SourceDay(d.ds, d.payments, d.shipments);
    }

    /** A day being simulated: its random numbers, texts and what it has produced so far. */
    private static final class Day {
        final int epochDay;
        final int commitDay;
        final LocalDate day;
        final String ds;
        final String dayTs;
        final long midnight;
        final SplittableRandom r;
        final long[] counts;
        final Commit commit;
        final List<PaymentRecord> payments = new ArrayList<>();
        final List<ShipmentRecord> shipments = new ArrayList<>();
        final List<long[]> todaysSpend = new ArrayList<>();
        final long[] chosen = new long[5];
        final java.util.Set<Long> customersToday = new java.util.HashSet<>();

        Day(long seed, int epochDay, int commitDay, Commit commit) {
            this.epochDay = epochDay;
            this.commitDay = commitDay;
            this.day = LocalDate.ofEpochDay(epochDay);
            this.ds = day.toString();
            this.dayTs = ds + " 00:00:00";
            this.midnight = epochDay * 86_400L;
            this.r = new SplittableRandom(seed * 1_000_003L + epochDay);
            this.counts = commit.dayCounts[epochDay - commit.firstDay];
            this.commit = commit;
        }
    }

    private void addCustomers(Day d) {
        SplittableRandom r = d.r;
        // the shop's first day brings its existing customer base, so that the first days' orders spread over many
        int newCustomers = config.customersPerDay() + (state.customers == 0 ? config.startingCustomers() : 0);
        for (int n = 0; n < newCustomers; n++) {
            long id = state.customers + 1;
            byte country = (byte) ShopModel.pick(r, ShopModel.COUNTRY_W);
            state.addCustomer(id, d.epochDay, country);
            int i = (int) id;
            state.segment[i] = state.segmentOn(i, d.epochDay);
            state.changedAt[i] = d.midnight;
            String fn = ShopModel.FIRST[r.nextInt(ShopModel.FIRST.length)];
            String ln = ShopModel.LAST[r.nextInt(ShopModel.LAST.length)];
            d.commit.customerPrefixes.add(id + "\t" + fn + "\t" + ln + "\t" + fn.toLowerCase() + "."
                    + ln.toLowerCase().replace(' ', '_') + id + "@example.com\t" + (1 + r.nextInt(9999)) + " "
                    + ShopModel.STREETS[r.nextInt(ShopModel.STREETS.length)] + "\t" + ShopModel.COUNTRIES[country]
                    + "\t" + d.ds);
        }
        d.counts[0] = newCustomers;
    }

    private void addProducts(Day d) {
        SplittableRandom r = d.r;
        int newProducts = config.productsPerDay() + (state.products.isEmpty() ? 20 * config.productsPerDay() : 0);
        for (int n = 0; n < newProducts; n++) {
            long id = state.products.size() + 1L;
            int cat = r.nextInt(ShopModel.CATEGORIES.length);
            double[] pr = ShopModel.PRICE[cat];
            long price = Math.round((pr[0] + r.nextDouble() * (pr[1] - pr[0])) * 100);
            double margin = pr[2] + r.nextDouble() * (pr[3] - pr[2]);
            long cost = Math.round(price * (1 - margin));
            state.products.add(new long[] {id, cat, price, cost});
            d.commit.products.append(id).append('\t').append(ShopModel.ADJ[r.nextInt(ShopModel.ADJ.length)])
                    .append(' ').append(ShopModel.CATEGORIES[cat].split(" ")[0]).append(' ')
                    .append(ShopModel.NOUN[r.nextInt(ShopModel.NOUN.length)]).append(' ').append(id).append('\t')
                    .append(ShopModel.CATEGORIES[cat]).append('\t').append(cents(price)).append('\t')
                    .append(cents(cost)).append('\t').append(10 + r.nextInt(490)).append('\t').append(d.dayTs)
                    .append('\t').append(d.dayTs).append('\n');
        }
        d.counts[1] = newProducts;
    }

    /** One order of the day: its customer (older customers order more), lines, amounts, payment and shipment. */
    private void placeOrder(Day d, long customers) {
        SplittableRandom r = d.r;
        long orderId = state.nextOrderId++;
        // older customers order more: density of the index grows with tenure; a customer who already ordered today
        // is drawn again (up to twice), so that most customers order at most once a day
        long customer = drawCustomer(r, customers);
        for (int again = 0; again < 2 && d.customersToday.contains(customer); again++) {
            customer = drawCustomer(r, customers);
        }
        d.customersToday.add(customer);
        int ci = (int) customer;
        int country = state.country[ci];
        int segment = state.segment[ci];
        int lines = 1 + ShopModel.pick(r, ShopModel.ITEMS_W);
        int seconds = r.nextInt(86_400);
        String time = d.ds + ' ' + two(seconds / 3600) + ':' + two(seconds / 60 % 60) + ':' + two(seconds % 60);
        long subtotal = addLines(d, orderId, lines, time);
        d.counts[3] += lines;
        long discount = Math.round(subtotal * ShopModel.SEGMENT_DISCOUNT[segment]);
        long tax = Math.round((subtotal - discount) * ShopModel.TAX[country]);
        long shipping = subtotal >= ShopModel.FREE_SHIPPING[segment] * 100 ? 0
                : Math.round((ShopModel.SHIP_MIN[country]
                        + r.nextDouble() * (ShopModel.SHIP_MAX[country] - ShopModel.SHIP_MIN[country])) * 100);
        long total = subtotal - discount + tax + shipping;
        int payStatus = ShopModel.pick(r, ShopModel.PAY_STATUS_W);
        int method = ShopModel.pick(r, ShopModel.PAY_METHOD_W);
        byte placed = payStatus == 1 ? ShopModel.CANCELLED : payStatus == 2 ? ShopModel.PENDING
                : ShopModel.PROCESSING;
        byte now = ShopModel.statusOn(orderId, d.epochDay, placed, d.commitDay, returns);
        d.commit.orders.append(orderId).append('\t').append(customer).append('\t').append(d.ds).append('\t')
                .append(time).append('\t').append(ShopModel.STATUSES[now]).append('\t').append(cents(subtotal))
                .append('\t').append(cents(discount)).append('\t').append(cents(tax)).append('\t')
                .append(cents(shipping)).append('\t').append(cents(total)).append('\t')
                .append(ShopModel.COUNTRIES[country]).append('\t').append(time).append('\t')
                .append(now == placed ? time : statusTimestamp(orderId, d.epochDay, now)).append('\n');
        state.addOpenOrder(orderId, d.epochDay, placed);
        if (placed != ShopModel.CANCELLED) {
            state.ordered(ci, d.epochDay, total, d.midnight + seconds, d.todaysSpend);
        }
        d.payments.add(new PaymentRecord(orderId, orderId, customer, d.day, ShopModel.PAY_METHODS[method],
                ShopModel.PAY_STATUS[payStatus], java.math.BigDecimal.valueOf(total, 2), "USD"));
        if (payStatus != 1) {
            ship(d, orderId, country);
        }
    }

    private static long drawCustomer(SplittableRandom r, long customers) {
        return Math.min(customers, 1 + (long) ((1 - Math.sqrt(r.nextDouble())) * customers));
    }

    /** The order's lines, each a different product; returns the order's subtotal in cents. */
    private long addLines(Day d, long orderId, int lines, String time) {
        SplittableRandom r = d.r;
        long[] chosen = d.chosen;
        long subtotal = 0;
        for (int l = 0; l < lines; l++) {
            long[] p;
            boolean dup;
            do {
                p = state.products.get(r.nextInt(state.products.size()));
                dup = false;
                for (int k = 0; k < l; k++) {
                    dup |= chosen[k] == p[0];
                }
            } while (dup);
            chosen[l] = p[0];
            int qty = 1 + r.nextInt(3);
            long sub = p[2] * qty;
            subtotal += sub;
            d.commit.items.append(orderId).append('\t').append(l + 1).append('\t').append(p[0]).append('\t')
                    .append(qty).append('\t').append(cents(p[2])).append('\t').append(cents(sub)).append('\t')
                    .append(time).append('\n');
        }
        return subtotal;
    }

    private static void ship(Day d, long orderId, int country) {
        SplittableRandom r = d.r;
        int carrier = ShopModel.pick(r, ShopModel.CARRIER_W);
        int min = ShopModel.CARRIER_DAYS_MIN[carrier];
        int eta = min + r.nextInt(ShopModel.CARRIER_DAYS_MAX[carrier] - min + 1);
        String shipStatus = r.nextDouble() < 0.03 ? "exception" : "label_created";
        d.shipments.add(new ShipmentRecord(orderId, orderId, d.day, ShopModel.CARRIERS[carrier],
                String.format("%s%012d", ShopModel.CARRIERS[carrier].substring(0, 2).toUpperCase(), orderId),
                d.day.plusDays(1L + eta), shipStatus, ShopModel.COUNTRIES[country]));
    }

    /**
     * Moves the orders placed before this commit on to their status as of {@code last}, counts each day's status
     * changes (orders placed in this commit included), and returns the ids that changed, for the exports.
     */
    private List<Long> progressOpenOrders(int openBefore, int first, int last, Commit commit) {
        List<Long> changed = new ArrayList<>();
        for (int k = 0; k < state.open; k++) {
            long id = state.openIds[k];
            int placedOn = state.openDays[k];
            byte saved = state.openSaved[k];
            byte previous = k < openBefore ? saved : ShopModel.statusOn(id, placedOn, saved, placedOn, returns);
            for (int day = Math.max(first, placedOn + 1); day <= last; day++) {
                byte s = ShopModel.statusOn(id, placedOn, saved, day, returns);
                if (s != previous) {
                    commit.dayCounts[day - first][4]++;
                    previous = s;
                }
            }
            if (k < openBefore && previous != saved) {
                changed.add(id);
                commit.updatedIds.add(id);
                commit.updatedStatuses.add(ShopModel.STATUSES[previous]);
                commit.updatedAt.add(statusTimestamp(id, placedOn, previous));
            }
            state.openSaved[k] = previous;
        }
        state.closeOrdersBefore(last + 1);
        changed.sort(null);
        return changed;
    }

    /** The new customers' rows, with their segment and lifetime value as of the commit's last day. */
    private void newCustomerRows(long customersBefore, Commit commit) {
        for (long id = customersBefore + 1; id <= state.customers; id++) {
            int i = (int) id;
            commit.customers.append(commit.customerPrefixes.get((int) (id - customersBefore - 1))).append('\t')
                    .append(ShopModel.SEGMENTS[state.segment[i]]).append('\t').append(cents(state.lifetimeCents[i]))
                    .append('\t').append(LocalDate.ofEpochDay(state.registered[i])).append(" 00:00:00\t")
                    .append(timestamp(state.changedAt[i])).append('\n');
        }
    }

    /** The customers registered before the commit whose row the database must update. */
    private void changedCustomers(long customersBefore, Commit commit) {
        for (int i = 1; i <= customersBefore; i++) {
            if (state.unsaved(i)) {
                commit.changedCustomers.add((long) i);
                commit.changedSegments.add(ShopModel.SEGMENTS[state.segment[i]]);
                commit.changedValues.add(cents(state.lifetimeCents[i]));
                commit.changedAt.add(timestamp(state.changedAt[i]));
            }
        }
    }

    /** Status changes are stamped at the generator's daily run time (02:00) of the day they happen. */
    private static String statusTimestamp(long orderId, int placedOn, byte status) {
        int age = status == ShopModel.RETURNED ? ShopModel.returnAge(orderId) : ShopModel.STATUS_AGE[status];
        return LocalDate.ofEpochDay(placedOn + (long) age) + " 02:00:00";
    }

    private static String timestamp(long epochSecond) {
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        return LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L)) + " " + two(secondOfDay / 3600) + ":"
                + two(secondOfDay / 60 % 60) + ":" + two(secondOfDay % 60);
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static long sum(long[][] perDay, int column) {
        long s = 0;
        for (long[] d : perDay) {
            s += d[column];
        }
        return s;
    }

    static String cents(long c) {
        String sign = c < 0 ? "-" : "";
        long a = Math.abs(c);
        return sign + a / 100 + "." + (a % 100 < 10 ? "0" : "") + a % 100;
    }
}
