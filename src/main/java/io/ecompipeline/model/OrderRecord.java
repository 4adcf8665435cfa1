package io.ecompipeline.model;

import java.math.BigDecimal;

import org.apache.camel.dataformat.bindy.annotation.BindyConverter;
import org.apache.camel.dataformat.bindy.annotation.CsvRecord;
import org.apache.camel.dataformat.bindy.annotation.DataField;

/** A row of an orders file ({@code orders_*.csv}), after its header has been mapped to these positions. */
@CsvRecord(separator = ",")
public class OrderRecord {

    @DataField(pos = 1, columnName = "order_id", required = true)
    private long orderId;

    @DataField(pos = 2, columnName = "user_id", required = true)
    private long userId;

    /** The date part of the source value ({@code YYYY-MM-DD}); the row rules reduce date-times to it. */
    @DataField(pos = 3, columnName = "order_date", required = true)
    private String orderDate;

    @DataField(pos = 4, columnName = "total_amount", required = true)
    @BindyConverter(ExactDecimalFormat.class)
    private BigDecimal totalAmount;

    /** Lower case, one of {@link RowRules#ORDER_STATUSES}. */
    @DataField(pos = 5, columnName = "status", required = true)
    private String status;

    public long getOrderId() {
        return orderId;
    }

    public long getUserId() {
        return userId;
    }

    public String getOrderDate() {
        return orderDate;
    }

    public BigDecimal getTotalAmount() {
        return totalAmount;
    }

    public String getStatus() {
        return status;
    }
}
