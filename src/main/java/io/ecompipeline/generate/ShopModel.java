package io.ecompipeline.generate;

/** The business rules of the simulated shop (defaults of the replaced generator). */
final class ShopModel {

    static final String[] CATEGORIES = {"Electronics", "Clothing", "Home & Garden", "Sports", "Books", "Toys",
        "Health & Beauty", "Food & Beverages", "Pet Supplies"};
    /** min price, max price, min margin, max margin per category. */
    static final double[][] PRICE = {{20, 1500, .10, .30}, {8, 200, .40, .60}, {10, 600, .30, .50},
        {10, 400, .30, .50}, {5, 60, .20, .40}, {5, 120, .35, .55}, {5, 150, .45, .65}, {2, 80, .20, .35},
        {5, 150, .35, .55}};
    static final String[] COUNTRIES = {"US", "Canada", "UK", "Germany", "France", "Italy", "Spain", "Japan",
        "Netherlands", "Australia"};
    static final double[] COUNTRY_W = {.60, .13, .10, .05, .04, .02, .02, .02, .01, .01};
    static final double[] TAX = {.07, .13, .20, .19, .20, .22, .21, .10, .21, .10};
    static final double[] SHIP_MIN = {5, 8, 6, 6, 6, 7, 7, 12, 6, 14};
    static final double[] SHIP_MAX = {15, 20, 15, 15, 15, 18, 18, 30, 15, 35};
    static final double[] ITEMS_W = {.30, .30, .20, .15, .05};
    static final String[] PAY_METHODS = {"credit_card", "paypal", "apple_pay", "google_pay"};
    static final double[] PAY_METHOD_W = {.65, .20, .10, .05};
    static final String[] PAY_STATUS = {"completed", "failed", "pending"};
    static final double[] PAY_STATUS_W = {.92, .03, .05};
    static final String[] CARRIERS = {"UPS", "FedEx", "USPS", "DHL"};
    static final double[] CARRIER_W = {.40, .35, .20, .05};
    static final int[] CARRIER_DAYS_MIN = {2, 1, 3, 4};
    static final int[] CARRIER_DAYS_MAX = {5, 4, 7, 9};
    static final double[] PERIOD_FACTOR = {1.1, 0.9, 0.4};
    static final double[] PERIOD_W = {.3, .5, .2};
    static final String[] FIRST = {"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
        "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
        "Charles", "Karen", "Emma", "Lukas", "Sophie", "Hiro", "Yuki", "Marie", "Luca", "Lucia", "Noah", "Olivia"};
    static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Muller", "Schmidt", "Dubois", "Rossi", "Tanaka", "Sato", "de Vries", "Taylor",
        "Wilson", "Anderson", "Thomas", "Moore", "Martin", "Lee", "Clark", "Lewis", "Walker", "Hall"};
    static final String[] STREETS = {"Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St",
        "High St", "Station Rd", "Park Ave", "Lake View"};
    static final String[] ADJ = {"Classic", "Premium", "Smart", "Eco", "Ultra", "Compact", "Deluxe", "Essential",
        "Pro", "Vintage"};
    static final String[] NOUN = {"Set", "Kit", "Pack", "Edition", "Model", "Bundle", "Series", "Collection"};
    /** Segment discount: New, Regular, VIP. Free shipping from this subtotal: New, Regular, VIP. */
    static final double[] SEGMENT_DISCOUNT = {.10, .0, .15};
    static final double[] FREE_SHIPPING = {75, 100, 50};
    static final double REFUND_SHARE = .06;
    /** Subscribers are VIP from their first day. */
    static final int SUBSCRIBER_PERCENT = 10;
    /** Spending more than this (cents, non-cancelled orders) within {@link #VIP_WINDOW_DAYS} makes a customer VIP. */
    static final long VIP_SPEND_CENTS = 600_000;
    static final int VIP_WINDOW_DAYS = 180;
    /** New: fewer than this many days since registration, or fewer than {@link #NEW_MAX_ORDERS} orders. */
    static final int NEW_DAYS = 60;
    static final int NEW_MAX_ORDERS = 2;
    static final String[] SEGMENTS = {"New", "Regular", "VIP"};
    static final byte NEW = 0;
    static final byte REGULAR = 1;
    static final byte VIP = 2;

    /**
     * Order statuses; an order's status is a function of its first status, its id, its age and the return rate. The
     * index orders them: a status never goes back to a lower one (cancelled, refunded and returned are final).
     */
    static final String[] STATUSES = {"pending", "processing", "shipped", "delivered", "refunded", "cancelled",
        "returned"};
    static final byte PENDING = 0;
    static final byte PROCESSING = 1;
    static final byte SHIPPED = 2;
    static final byte DELIVERED = 3;
    static final byte REFUNDED = 4;
    static final byte CANCELLED = 5;
    static final byte RETURNED = 6;
    /**
     * A returned order is returned (the customer opens the return, or refuses the delivery) 1 to 3 days after it was
     * placed, the day chosen by a hash of its id; the status says so from that day. Refunds, by contrast, come after
     * 10 days: returns are what shows in the first days of a history (the demo's three).
     */
    static final int RETURN_AGE_MIN = 1;
    static final int RETURN_AGE_SPAN = 3;
    /** Age in days at which an order reaches PROCESSING, SHIPPED, DELIVERED, REFUNDED (index = status). */
    static final int[] STATUS_AGE = {0, 1, 2, 4, 10, 0, RETURN_AGE_MIN};
    /** Orders older than this never change again. */
    static final int LAST_CHANGE_AGE = 10;

    private ShopModel() {
    }

    /**
     * The status on {@code day} of an order placed on {@code orderDay} whose status was {@code before} earlier;
     * {@code returnBasisPoints} is the share of orders returned, in 1/10,000.
     */
    static byte statusOn(long orderId, int orderDay, byte before, int day, int returnBasisPoints) {
        if (before == CANCELLED) {
            return CANCELLED;
        }
        int age = day - orderDay;
        byte byAge = returned(orderId, returnBasisPoints) && age >= returnAge(orderId) ? RETURNED
                : age >= STATUS_AGE[REFUNDED] && refunded(orderId) ? REFUNDED
                : age >= STATUS_AGE[DELIVERED] ? DELIVERED
                : age >= STATUS_AGE[SHIPPED] ? SHIPPED
                : age >= STATUS_AGE[PROCESSING] ? PROCESSING : before;
        return (byte) Math.max(byAge, before);
    }

    /** 6% of orders, chosen by a multiplicative hash of the id (the same in SQL and Java). */
    static boolean refunded(long orderId) {
        return Math.floorMod(orderId * 2654435761L, 100L) < Math.round(REFUND_SHARE * 100);
    }

    /**
     * {@code returnBasisPoints}/10,000 of all orders, never a refunded one, chosen by a second hash of the id (a
     * SplitMix64 finalizer, so neighbouring ids are independent), like the refunds independent of the seed.
     */
    static boolean returned(long orderId, int returnBasisPoints) {
        if (returnBasisPoints <= 0 || refunded(orderId)) {
            return false;
        }
        long among = Math.round(returnBasisPoints / (1 - REFUND_SHARE)); // of the orders that are not refunded
        return Math.floorMod(returnHash(orderId) >>> 16, 10_000L) < among;
    }

    /** The age in days at which a returned order is returned. */
    static int returnAge(long orderId) {
        return RETURN_AGE_MIN + (int) Math.floorMod(returnHash(orderId) >>> 40, (long) RETURN_AGE_SPAN);
    }

    private static long returnHash(long orderId) {
        long z = orderId * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static boolean subscriber(long seed, long customerId) {
        return new java.util.SplittableRandom(seed * 31 + customerId * 1_000_003L).nextInt(100) < SUBSCRIBER_PERCENT;
    }

    static byte statusIndex(String name) {
        for (byte i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown order status " + name);
    }

    static byte segmentIndex(String name) {
        for (byte i = 0; i < SEGMENTS.length; i++) {
            if (SEGMENTS[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown segment " + name);
    }

    static int pick(java.util.SplittableRandom r, double[] weights) {
        double u = r.nextDouble();
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
