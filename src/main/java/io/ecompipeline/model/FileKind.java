package io.ecompipeline.model;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.camel.dataformat.bindy.annotation.DataField;

/**
 * The kinds of file the pipeline accepts, recognised by name (docs/contract.md §1), in the order a batch reads them
 * (catalog, then orders, then items). The required columns are those of the kind's Bindy record class.
 */
public enum FileKind {

    // DOTALL: '*' of the contract's names stands for any characters, a newline or TAB of an odd key included
    PRODUCTS(Pattern.compile("products(_.*)?\\.csv", Pattern.DOTALL), ProductRecord.class),
    ORDERS(Pattern.compile("orders_.*\\.csv", Pattern.DOTALL), OrderRecord.class),
    ITEMS(Pattern.compile("order_items_.*\\.csv", Pattern.DOTALL), OrderItemRecord.class);

    private final Pattern namePattern;
    private final Class<?> recordClass;
    private final List<String> columns;

    FileKind(Pattern namePattern, Class<?> recordClass) {
        this.namePattern = namePattern;
        this.recordClass = recordClass;
        this.columns = Arrays.stream(recordClass.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(DataField.class))
                .sorted(Comparator.comparingInt(f -> f.getAnnotation(DataField.class).pos()))
                .map(FileKind::columnName)
                .toList();
    }

    private static String columnName(Field field) {
        return field.getAnnotation(DataField.class).columnName();
    }

    /** The kind of the object whose key or file name is given (only the part after the last '/' counts). */
    public static Optional<FileKind> ofName(String keyOrName) {
        String name = keyOrName.substring(keyOrName.lastIndexOf('/') + 1);
        return Arrays.stream(values()).filter(k -> k.namePattern.matcher(name).matches()).findFirst();
    }

    public Class<?> recordClass() {
        return recordClass;
    }

    /** Required columns, in the record class's field positions. */
    public List<String> columns() {
        return columns;
    }

    /** The table in schema {@code pipeline} where this kind's accepted rows wait between validation and apply. */
    public String stageTable() {
        return switch (this) {
            case PRODUCTS -> "stage_products";
            case ORDERS -> "stage_orders";
            case ITEMS -> "stage_lines";
        };
    }

    public String label() {
        return name().toLowerCase();
    }
}
