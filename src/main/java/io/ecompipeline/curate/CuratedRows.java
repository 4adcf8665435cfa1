package io.ecompipeline.curate;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;

import com.jerolba.carpet.annotation.PrecisionScale;

/**
 * The rows of the curated zone's Parquet files (docs/data.md "The curated zone"; components = columns, in file order).
 * The partition column is in the key, not in the files, as Hive and Athena expect: {@code order_date=YYYY-MM-DD/} for
 * orders and lines, {@code order_month=YYYY-MM/} for the KPI tables, whose rows hold their {@code order_date} (a
 * month's KPIs are one small file rather than a one-row file per date). Ids and counts int64; money {@code decimal(38,6)} for input values (exact up to 6 decimals) and
 * {@code decimal(38,2)} for KPIs (rounded as in DynamoDB); rates {@code decimal(5,4)}; times {@code timestamp}
 * (microseconds, UTC, no time zone).
 */
public final class CuratedRows {

    /** Scale of the input money columns (total_amount, unit_price, line_revenue). */
    static final int INPUT_MONEY_SCALE = 6;
    static final int MAX_PRECISION = 38;

    private CuratedRows() {
    }

    /** An order's current version; {@code batch_arrived_at} is the first arrival of the batch that wrote it. */
    public record Order(long order_id, long user_id,
            @PrecisionScale(precision = 38, scale = 6) BigDecimal total_amount, String status, boolean returned,
            String batch_id, LocalDateTime batch_arrived_at) {
    }

    /** A line of an order, with the category resolved when its batch was applied. */
    public record OrderLine(long order_id, long product_id, String category, long quantity,
            @PrecisionScale(precision = 38, scale = 6) BigDecimal unit_price,
            @PrecisionScale(precision = 38, scale = 6) BigDecimal line_revenue, String batch_id,
            LocalDateTime batch_arrived_at) {
    }

    /** The OrderKPIs item of the date, as DynamoDB holds it. */
    public record OrderKpi(LocalDate order_date, long total_orders, @PrecisionScale(precision = 38, scale = 2) BigDecimal total_revenue,
            long total_items_sold, @PrecisionScale(precision = 5, scale = 4) BigDecimal return_rate,
            long unique_customers, long returned_orders) {
    }

    /** A CategoryKPIs item of the date, as DynamoDB holds it. */
    public record CategoryKpi(LocalDate order_date, String category, @PrecisionScale(precision = 38, scale = 2) BigDecimal daily_revenue,
            @PrecisionScale(precision = 38, scale = 2) BigDecimal avg_order_value,
            @PrecisionScale(precision = 5, scale = 4) BigDecimal avg_return_rate, long orders, long returned_orders) {
    }
}
