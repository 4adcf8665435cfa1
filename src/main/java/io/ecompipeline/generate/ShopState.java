package io.ecompipeline.generate;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's in-memory view of the shop, loaded from {@code shop} at the start of a run: the catalog, every
 * customer's segment inputs (registration, order count, lifetime value, spend in the VIP window), and the orders young
 * enough to change status. It is what lets a run commit several days at once with each row in its final state, and
 * what makes the data independent of how the days are split into runs and commits.
 */
final class ShopState {

    final List<long[]> products = new ArrayList<>(); // id, category, price cents, cost cents

    long customers;
    long nextOrderId;
    int[] registered = new int[1024]; // epoch day, index = customer id
    byte[] country = new byte[1024];
    boolean[] subscriber = new boolean[1024];
    int[] orderCount = new int[1024];
    long[] lifetimeCents = new long[1024];
    long[] windowSpendCents = new long[1024];
    byte[] segment = new byte[1024];
    /** When the customer row last changed, epoch seconds. */
    long[] changedAt = new long[1024];
    /** The values the database holds, to find the customers a commit must update. */
    byte[] savedSegment = new byte[1024];
    long[] savedLifetimeCents = new long[1024];
    /** First and last customer id registered on an epoch day. */
    final Map<Integer, long[]> registeredOn = new HashMap<>();

    /** Non-cancelled orders of the VIP window, one bucket per day, oldest first. */
    final ArrayDeque<DaySpend> spendWindow = new ArrayDeque<>();

    /** Orders that may still change status: id, order day, status the database holds. */
    long[] openIds = new long[4096];
    int[] openDays = new int[4096];
    byte[] openSaved = new byte[4096];
    int open;

    record DaySpend(int day, long[] customers, long[] cents) {
    }

    private final long seed;

    ShopState(long seed) {
        this.seed = seed;
    }

    void load(Connection c, LocalDate lastDone) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT product_id, category, price, cost FROM shop.products ORDER BY product_id")) {
                while (rs.next()) {
                    products.add(new long[] {rs.getLong(1), index(ShopModel.CATEGORIES, rs.getString(2)),
                        rs.getBigDecimal(3).movePointRight(2).longValueExact(),
                        rs.getBigDecimal(4).movePointRight(2).longValueExact()});
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT customer_id, registration_date, country, segment, "
                    + "lifetime_value, updated_at FROM shop.customers ORDER BY customer_id")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    addCustomer(id, (int) rs.getDate(2).toLocalDate().toEpochDay(),
                            (byte) index(ShopModel.COUNTRIES, rs.getString(3)));
                    int i = (int) id;
                    segment[i] = ShopModel.segmentIndex(rs.getString(4));
                    lifetimeCents[i] = rs.getBigDecimal(5).movePointRight(2).longValueExact();
                    changedAt[i] = rs.getTimestamp(6).toLocalDateTime().toEpochSecond(java.time.ZoneOffset.UTC);
                    saved(i);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT customer_id, count(*) FROM shop.orders "
                    + "WHERE status <> 'cancelled' GROUP BY customer_id")) {
                while (rs.next()) {
                    orderCount[(int) rs.getLong(1)] = rs.getInt(2);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(order_id), 0) FROM shop.orders")) {
                rs.next();
                nextOrderId = rs.getLong(1) + 1;
            }
        }
        if (lastDone == null) {
            return;
        }
        int last = (int) lastDone.toEpochDay();
        try (PreparedStatement ps = c.prepareStatement("SELECT order_date, customer_id, total_amount FROM shop.orders "
                + "WHERE order_date > ? AND status <> 'cancelled' ORDER BY order_date, order_id")) {
            ps.setDate(1, Date.valueOf(LocalDate.ofEpochDay(last - ShopModel.VIP_WINDOW_DAYS)));
            try (ResultSet rs = ps.executeQuery()) {
                int day = Integer.MIN_VALUE;
                List<long[]> bucket = new ArrayList<>();
                while (rs.next()) {
                    int d = (int) rs.getDate(1).toLocalDate().toEpochDay();
                    if (d != day && !bucket.isEmpty()) {
                        addSpendBucket(day, bucket);
                        bucket.clear();
                    }
                    day = d;
                    bucket.add(new long[] {rs.getLong(2), rs.getBigDecimal(3).movePointRight(2).longValueExact()});
                }
                if (!bucket.isEmpty()) {
                    addSpendBucket(day, bucket);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT order_id, order_date, status FROM shop.orders "
                + "WHERE order_date >= ? ORDER BY order_id")) {
            ps.setDate(1, Date.valueOf(LocalDate.ofEpochDay(last - ShopModel.LAST_CHANGE_AGE)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    addOpenOrder(rs.getLong(1), (int) rs.getDate(2).toLocalDate().toEpochDay(),
                            ShopModel.statusIndex(rs.getString(3)));
                }
            }
        }
    }

    private void addSpendBucket(int day, List<long[]> rows) {
        long[] ids = new long[rows.size()];
        long[] cents = new long[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rows.get(i)[0];
            cents[i] = rows.get(i)[1];
            windowSpendCents[(int) ids[i]] += cents[i];
        }
        spendWindow.addLast(new DaySpend(day, ids, cents));
    }

    void addCustomer(long id, int day, byte countryIndex) {
        ensureCapacity(id);
        int i = (int) id;
        registered[i] = day;
        country[i] = countryIndex;
        subscriber[i] = ShopModel.subscriber(seed, id);
        registeredOn.computeIfAbsent(day, d -> new long[] {id, id})[1] = id;
        customers = Math.max(customers, id);
    }

    void saved(int i) {
        savedSegment[i] = segment[i];
        savedLifetimeCents[i] = lifetimeCents[i];
    }

    boolean unsaved(int i) {
        return savedSegment[i] != segment[i] || savedLifetimeCents[i] != lifetimeCents[i];
    }

    /** New (young or fewer than two orders), VIP (subscriber or big spender in the window), otherwise Regular. */
    byte segmentOn(int i, int day) {
        if (subscriber[i] || windowSpendCents[i] > ShopModel.VIP_SPEND_CENTS) {
            return ShopModel.VIP;
        }
        if (day - registered[i] < ShopModel.NEW_DAYS || orderCount[i] < ShopModel.NEW_MAX_ORDERS) {
            return ShopModel.NEW;
        }
        return ShopModel.REGULAR;
    }

    /** Re-evaluates a customer's segment; returns true when it changed. */
    boolean resegment(int i, int day, long atEpochSecond) {
        byte s = segmentOn(i, day);
        if (s == segment[i]) {
            return false;
        }
        segment[i] = s;
        changedAt[i] = Math.max(changedAt[i], atEpochSecond);
        return true;
    }

    /**
     * The day's start: customers reaching the end of their New period, and orders leaving the VIP window, are
     * re-evaluated.
     */
    void startDay(int day) {
        long midnight = day * 86_400L;
        long[] range = registeredOn.get(day - ShopModel.NEW_DAYS);
        if (range != null) {
            for (long id = range[0]; id <= range[1]; id++) {
                resegment((int) id, day, midnight);
            }
        }
        while (!spendWindow.isEmpty() && spendWindow.peekFirst().day() <= day - ShopModel.VIP_WINDOW_DAYS) {
            DaySpend leaving = spendWindow.removeFirst();
            for (int k = 0; k < leaving.customers().length; k++) {
                int i = (int) leaving.customers()[k];
                windowSpendCents[i] -= leaving.cents()[k];
                resegment(i, day, midnight);
            }
        }
    }

    /** Records a placed (non-cancelled) order. */
    void ordered(int i, int day, long cents, long atEpochSecond, List<long[]> todaysSpend) {
        orderCount[i]++;
        lifetimeCents[i] += cents;
        windowSpendCents[i] += cents;
        changedAt[i] = Math.max(changedAt[i], atEpochSecond);
        todaysSpend.add(new long[] {i, cents});
        resegment(i, day, atEpochSecond);
    }

    void endDay(int day, List<long[]> todaysSpend) {
        if (!todaysSpend.isEmpty()) {
            long[] ids = new long[todaysSpend.size()];
            long[] cents = new long[ids.length];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = todaysSpend.get(k)[0];
                cents[k] = todaysSpend.get(k)[1];
            }
            spendWindow.addLast(new DaySpend(day, ids, cents));
        }
    }

    void addOpenOrder(long id, int day, byte status) {
        if (open == openIds.length) {
            openIds = Arrays.copyOf(openIds, open * 2);
            openDays = Arrays.copyOf(openDays, open * 2);
            openSaved = Arrays.copyOf(openSaved, open * 2);
        }
        openIds[open] = id;
        openDays[open] = day;
        openSaved[open] = status;
        open++;
    }

    /** Forgets orders that can no longer change on or after {@code day}. */
    void closeOrdersBefore(int day) {
        int keep = 0;
        for (int k = 0; k < open; k++) {
            if (day - openDays[k] <= ShopModel.LAST_CHANGE_AGE) {
                openIds[keep] = openIds[k];
                openDays[keep] = openDays[k];
                openSaved[keep] = openSaved[k];
                keep++;
            }
        }
        open = keep;
    }

    private void ensureCapacity(long id) {
        if (id >= registered.length) {
            int n = (int) Math.max(id + 1, registered.length * 2L);
            registered = Arrays.copyOf(registered, n);
            country = Arrays.copyOf(country, n);
            subscriber = Arrays.copyOf(subscriber, n);
            orderCount = Arrays.copyOf(orderCount, n);
            lifetimeCents = Arrays.copyOf(lifetimeCents, n);
            windowSpendCents = Arrays.copyOf(windowSpendCents, n);
            segment = Arrays.copyOf(segment, n);
            changedAt = Arrays.copyOf(changedAt, n);
            savedSegment = Arrays.copyOf(savedSegment, n);
            savedLifetimeCents = Arrays.copyOf(savedLifetimeCents, n);
        }
    }

    static int index(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown value " + name);
    }
}
