package io.ecompipeline.model;

import java.math.BigDecimal;

import org.apache.camel.dataformat.bindy.Format;

/**
 * Bindy format for money and prices: the decimal exactly as written. Bindy's own BigDecimal format rescales to the
 * field's precision, which would round (or fail on) values the contract accepts.
 */
public class ExactDecimalFormat implements Format<BigDecimal> {

    @Override
    public String format(BigDecimal value) {
        return value.toPlainString();
    }

    @Override
    public BigDecimal parse(String text) {
        return new BigDecimal(text.trim());
    }
}
