package io.ecompipeline.cli;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads the KPI tables back from DynamoDB and writes them as the CSV files of docs/contract.md §6, sorted by key. */
public final class KpiExport {

    public static final List<String> ORDER_COLUMNS =
            List.of("order_date", "total_orders", "total_revenue", "total_items_sold", "return_rate", "unique_customers");
    public static final List<String> CATEGORY_COLUMNS =
            List.of("category", "order_date", "daily_revenue", "avg_order_value", "avg_return_rate");

    /** DynamoDB keeps numbers without trailing zeros; the files show money with 2 decimals and rates with 4. */
    private static final Map<String, Integer> SCALES = Map.of("total_revenue", 2, "daily_revenue", 2,
            "avg_order_value", 2, "return_rate", 4, "avg_return_rate", 4);

    private final DynamoDbClient dynamoDb;

    public KpiExport(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    /** Every item of the table as rows of the given columns, sorted by those columns' key prefix. */
    public List<List<String>> rows(String table, List<String> columns, int keyColumns) {
        List<List<String>> rows = new ArrayList<>();
        dynamoDb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> rows.add(row(item, columns)));
        Comparator<List<String>> byKey = Comparator.comparing(r -> String.join("\u0000", r.subList(0, keyColumns)));
        rows.sort(byKey);
        return rows;
    }

    private static List<String> row(Map<String, AttributeValue> item, List<String> columns) {
        List<String> row = new ArrayList<>();
        for (String c : columns) {
            AttributeValue v = item.get(c);
            if (v == null) {
                row.add("");
            } else if (v.n() != null) {
                Integer scale = SCALES.get(c);
                row.add(scale == null ? v.n() : new BigDecimal(v.n()).setScale(scale, RoundingMode.UNNECESSARY).toPlainString());
            } else {
                row.add(v.s());
            }
        }
        return row;
    }

    public static void writeCsv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        Files.createDirectories(file.getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(csvLine(header));
            for (List<String> row : rows) {
                w.write(csvLine(row));
            }
        }
    }

    static String csvLine(List<String> values) {
        List<String> quoted = new ArrayList<>();
        for (String v : values) {
            String s = v == null ? "" : v;
            quoted.add(s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                    ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
        }
        return String.join(",", quoted) + "\n";
    }

    /** The rows as an aligned text table, for people. */
    public static String table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, widths);
        for (int i = 0; i < widths.length; i++) {
            out.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        out.append('\n');
        rows.forEach(r -> appendRow(out, r, widths));
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> row, int[] widths) {
        for (int i = 0; i < widths.length; i++) {
            String v = row.get(i);
            boolean numeric = i > 0 && !v.isEmpty() && v.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.' || ch == '-');
            String cell = numeric ? " ".repeat(widths[i] - v.length()) + v : v + " ".repeat(widths[i] - v.length());
            out.append(i == 0 ? "" : "  ").append(cell);
        }
        out.append('\n');
    }
}
