package io.ecompipeline.generate;

import java.math.BigDecimal;
import java.time.LocalDate;

import com.jerolba.carpet.annotation.PrecisionScale;

/**
 * A row of {@code source/payments/date=YYYY-MM-DD/} (Parquet; components named as the snake_case columns): ids
 * int64, {@code payment_date} a date, {@code amount} a decimal(14,2), so readers (Athena, Spark, DuckDB) need no cast.
 */
public record PaymentRecord(long payment_id, long order_id, long customer_id, LocalDate payment_date, String method,
        String status, @PrecisionScale(precision = 14, scale = 2) BigDecimal amount, String currency) {
}
