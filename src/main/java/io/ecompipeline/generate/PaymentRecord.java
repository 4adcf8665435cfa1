package io.ecompipeline.generate;

/** A row of {@code source/payments/date=YYYY-MM-DD/} (Parquet; components named as the snake_case columns). */
public record PaymentRecord(long payment_id, long order_id, long customer_id, String payment_date, String method,
        String status, double amount, String currency) {
}
