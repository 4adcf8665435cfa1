package io.ecompipeline.generate;

import java.time.LocalDate;
import java.util.Set;

/**
 * What one generator run does. Counts per day are multiplied by {@code scale}. {@code returnRate} is the share of
 * orders returned (on top of the refunds); {@code given} names the options the user gave explicitly ({@code scale},
 * {@code seed}): a run on a shop with a history uses the history's scale and seed unless they were given.
 */
public record GeneratorConfig(String mode, int historyDays, double scale, long seed, LocalDate through,
        boolean exportHistory, boolean exportDaily, int exportOrderFiles, int exportItemFiles, int maxDays,
        int daysPerCommit, double returnRate, Set<String> given) {

    /** The default share of returned orders (pipeline.generator.return-rate). */
    public static final double DEFAULT_RETURN_RATE = 0.08;

    public GeneratorConfig {
        given = given == null ? Set.of() : Set.copyOf(given);
        if (!(returnRate >= 0 && returnRate + ShopModel.REFUND_SHARE <= 1)) {
            throw new IllegalArgumentException("return rate " + returnRate + " must be between 0 and "
                    + (1 - ShopModel.REFUND_SHARE));
        }
    }

    /** The configuration without a return rate or explicit options: the default rate, nothing given. */
    public GeneratorConfig(String mode, int historyDays, double scale, long seed, LocalDate through,
            boolean exportHistory, boolean exportDaily, int exportOrderFiles, int exportItemFiles, int maxDays,
            int daysPerCommit) {
        this(mode, historyDays, scale, seed, through, exportHistory, exportDaily, exportOrderFiles, exportItemFiles,
                maxDays, daysPerCommit, DEFAULT_RETURN_RATE, Set.of());
    }

    public int customersPerDay() {
        return Math.max(1, (int) Math.round(200 * scale));
    }

    /** The customers the shop starts with on its first day (as the catalog starts with 20 days of products). */
    public int startingCustomers() {
        return 20 * customersPerDay();
    }

    public int productsPerDay() {
        return Math.max(1, (int) Math.round(10 * scale));
    }

    public int ordersPerDay() {
        return Math.max(1, (int) Math.round(800 * scale));
    }

    /** The returned share in basis points (1/10,000), as the order-id hash compares it. */
    int returnBasisPoints() {
        return (int) Math.round(returnRate * 10_000);
    }

    public GeneratorConfig withMode(String m) {
        return new GeneratorConfig(m, historyDays, scale, seed, through, exportHistory, exportDaily,
                exportOrderFiles, exportItemFiles, maxDays, daysPerCommit, returnRate, given);
    }

    public GeneratorConfig withThrough(LocalDate day) {
        return new GeneratorConfig(mode, historyDays, scale, seed, day, exportHistory, exportDaily,
                exportOrderFiles, exportItemFiles, maxDays, daysPerCommit, returnRate, given);
    }

    public GeneratorConfig withScaleAndSeed(double s, long sd) {
        return new GeneratorConfig(mode, historyDays, s, sd, through, exportHistory, exportDaily,
                exportOrderFiles, exportItemFiles, maxDays, daysPerCommit, returnRate, given);
    }
}
