package io.ecompipeline.generate;

/** Parquet snapshot rows of the {@code shop} tables (components = columns, in table order; decimals as text). */
final class SnapshotRows {

    private SnapshotRows() {
    }

    public record Customer(long customer_id, String first_name, String last_name, String email, String address,
            String country, String registration_date, String segment, String lifetime_value, String created_at,
            String updated_at) {
    }

    public record Product(long product_id, String name, String category, String price, String cost, int stock,
            String created_at, String updated_at) {
    }

    public record Order(long order_id, long customer_id, String order_date, String order_time, String status,
            String subtotal, String discount, String tax, String shipping, String total_amount, String country,
            String created_at, String updated_at) {
    }

    public record OrderItem(long order_id, int line_no, long product_id, int quantity, String unit_price,
            String subtotal, String created_at) {
    }

    public record GeneratedDay(String day, int customers, int products, int orders, int order_items,
            int status_updates, int payments, int shipments, String generated_at) {
    }
}
