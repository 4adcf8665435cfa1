package io.ecompipeline.model;

import java.math.BigDecimal;

import org.apache.camel.dataformat.bindy.annotation.BindyConverter;
import org.apache.camel.dataformat.bindy.annotation.CsvRecord;
import org.apache.camel.dataformat.bindy.annotation.DataField;

/** A row of a catalog file ({@code products.csv}, {@code products_*.csv}), after its header has been mapped. */
@CsvRecord(separator = ",")
public class ProductRecord {

    @DataField(pos = 1, columnName = "product_id", required = true)
    private long productId;

    @DataField(pos = 2, columnName = "category", required = true)
    private String category;

    @DataField(pos = 3, columnName = "name")
    private String name;

    @DataField(pos = 4, columnName = "price", required = true)
    @BindyConverter(ExactDecimalFormat.class)
    private BigDecimal price;

    public long getProductId() {
        return productId;
    }

    public String getCategory() {
        return category;
    }

    public String getName() {
        return name;
    }

    public BigDecimal getPrice() {
        return price;
    }
}
