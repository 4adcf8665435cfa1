package io.ecompipeline.model;

import java.math.BigDecimal;

import org.apache.camel.dataformat.bindy.annotation.BindyConverter;
import org.apache.camel.dataformat.bindy.annotation.CsvRecord;
import org.apache.camel.dataformat.bindy.annotation.DataField;

/** A row of an order items file ({@code order_items_*.csv}), after its header has been mapped to these positions. */
@CsvRecord(separator = ",")
public class OrderItemRecord {

    @DataField(pos = 1, columnName = "order_id", required = true)
    private long orderId;

    @DataField(pos = 2, columnName = "product_id", required = true)
    private long productId;

    @DataField(pos = 3, columnName = "quantity", required = true)
    private long quantity;

    @DataField(pos = 4, columnName = "unit_price", required = true)
    @BindyConverter(ExactDecimalFormat.class)
    private BigDecimal unitPrice;

    public long getOrderId() {
        return orderId;
    }

    public long getProductId() {
        return productId;
    }

    public long getQuantity() {
        return quantity;
    }

    public BigDecimal getUnitPrice() {
        return unitPrice;
    }
}
