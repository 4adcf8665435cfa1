package io.ecompipeline.generate;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;

import com.jerolba.carpet.annotation.PrecisionScale;

/**
 * Parquet snapshot rows of the {@code shop} tables (components = columns, in table order), with the tables' types:
 * ids int64, money decimal(p,s) as in sql/shop-schema.sql, dates date, times timestamp (microseconds, no time zone,
 * as PostgreSQL's {@code timestamp}).
 */
final class SnapshotRows {

    private SnapshotRows() {
    }

    public record Customer(long customer_id, String first_name, String last_name, String email, String address,
            String country, LocalDate registration_date, String segment,
            @PrecisionScale(precision = 14, scale = 2) BigDecimal lifetime_value, LocalDateTime created_at,
            LocalDateTime updated_at) {
    }

    public record Product(long product_id, String name, String category,
            @PrecisionScale(precision = 12, scale = 2) BigDecimal price,
            @PrecisionScale(precision = 12, scale = 2) BigDecimal cost, int stock, LocalDateTime created_at,
            LocalDateTime updated_at) {
    }

    public record Order(long order_id, long customer_id, LocalDate order_date, LocalDateTime order_time,
            String status, @PrecisionScale(precision = 14, scale = 2) BigDecimal subtotal,
            @PrecisionScale(precision = 14, scale = 2) BigDecimal discount,
            @PrecisionScale(precision = 14, scale = 2) BigDecimal tax,
            @PrecisionScale(precision = 14, scale = 2) BigDecimal shipping,
            @PrecisionScale(precision = 14, scale = 2) BigDecimal total_amount, String country,
            LocalDateTime created_at, LocalDateTime updated_at) {
    }

    public record OrderItem(long order_id, int line_no, long product_id, int quantity,
            @PrecisionScale(precision = 12, scale = 2) BigDecimal unit_price,
            @PrecisionScale(precision = 14, scale = 2) BigDecimal subtotal, LocalDateTime created_at) {
    }

    public record GeneratedDay(LocalDate day, int customers, int products, int orders, int order_items,
            int status_updates, int payments, int shipments, LocalDateTime generated_at) {
    }

    /** shop.generator_settings: the history's seed and scale (one row). */
    public record GeneratorSettings(long seed, double scale, LocalDate first_day, LocalDateTime written_at) {
    }
}
