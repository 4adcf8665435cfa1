package io.ecompipeline.generate;

import java.time.LocalDate;

/**
 * A row of {@code source/shipments/date=YYYY-MM-DD/} (Parquet; components named as the snake_case columns): ids
 * int64, {@code ship_date} and {@code expected_delivery} dates.
 */
public record ShipmentRecord(long shipment_id, long order_id, LocalDate ship_date, String carrier,
        String tracking_number, LocalDate expected_delivery, String status, String country) {
}
