package io.ecompipeline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docs/contract.md §5 rounding on its own: money half-up to 2 decimals, rates half-up to 4, an average from the exact total
 * (not from the rounded one), and the scale always the published one (so {@code 10} is written as {@code 10.00}).
 */
@Tag("unit")
class RoundingTest {

    @ParameterizedTest
    @CsvSource({"10, 10.00", "2.344, 2.34", "2.345, 2.35", "2.3449999, 2.34", "0.005, 0.01", "0.004, 0.00",
            "-2.345, -2.35", "123456789.995, 123456790.00"})
    void moneyIsHalfUpToTwoDecimals(String exact, String published) {
        assertThat(Rounding.money(new BigDecimal(exact))).isEqualByComparingTo(published)
                .hasToString(published);
    }

    @ParameterizedTest
    @CsvSource({"10, 3, 3.33", "20, 3, 6.67", "0.05, 2, 0.03", "0.049, 2, 0.02", "7.5, 1, 7.50",
            // from the exact total: 1.0049 + 1.0049 = 2.0098 over 2 is 1.0049 -> 1.00; rounded first, 2.01 / 2 -> 1.01
            "2.0098, 2, 1.00"})
    void anAverageIsTheExactTotalDividedThenRounded(String exactTotal, long count, String published) {
        assertThat(Rounding.moneyPer(new BigDecimal(exactTotal), count)).hasToString(published);
    }

    @ParameterizedTest
    @CsvSource({"0, 5, 0.0000", "5, 5, 1.0000", "1, 3, 0.3333", "2, 3, 0.6667", "1, 8, 0.1250", "1, 32, 0.0313",
            "1, 20000, 0.0001", "1, 20001, 0.0000", "3, 7, 0.4286"})
    void ratesAreHalfUpToFourDecimals(long part, long whole, String published) {
        assertThat(Rounding.rate(part, whole)).hasToString(published);
    }
}
