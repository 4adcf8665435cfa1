package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** docs/contract.md §5 rounding: money half-up to 2 decimals, rates half-up to 4, always from exact values. */
final class Rounding {

    private Rounding() {
    }

    static BigDecimal money(BigDecimal exact) {
        return exact.setScale(2, RoundingMode.HALF_UP);
    }

    static BigDecimal moneyPer(BigDecimal exactTotal, long count) {
        return exactTotal.divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_UP);
    }

    static BigDecimal rate(long part, long whole) {
        return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
    }
}
