package io.ecompipeline.generate;

import java.time.LocalDate;

/** What one generator run does. Counts per day are multiplied by {@code scale}. */
public record GeneratorConfig(String mode, int historyDays, double scale, long seed, LocalDate through,
        boolean exportHistory, boolean exportDaily, int exportOrderFiles, int exportItemFiles, int maxDays,
        int daysPerCommit) {

    public int customersPerDay() {
        return Math.max(1, (int) Math.round(200 * scale));
    }

    public int productsPerDay() {
        return Math.max(1, (int) Math.round(10 * scale));
    }

    public int ordersPerDay() {
        return Math.max(1, (int) Math.round(800 * scale));
    }

    public GeneratorConfig withMode(String m) {
        return new GeneratorConfig(m, historyDays, scale, seed, through, exportHistory, exportDaily,
                exportOrderFiles, exportItemFiles, maxDays, daysPerCommit);
    }
}
