package io.ecompipeline.generate;

/** A row of {@code source/shipments/date=YYYY-MM-DD/} (Parquet; components named as the snake_case columns). */
public record ShipmentRecord(long shipment_id, long order_id, String ship_date, String carrier,
        String tracking_number, String expected_delivery, String status, String country) {
}
