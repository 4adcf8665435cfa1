package io.ecompipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.TimeUnit;
import io.ecompipeline.curate.CuratedRows;
import io.ecompipeline.generate.PaymentRecord;
import io.ecompipeline.generate.ShipmentRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Athena tables of deploy/athena/ describe the Parquet files as the app writes them: for each table, the columns
 * (names, order, types) of a file written with the record the writer uses, read back by DuckDB, and the location and
 * partition column of the keys it writes under. A column added to a record without its DDL fails here.
 */
@Tag("unit")
class AthenaTablesTest {

    private static final Path ATHENA = Path.of("deploy/athena");
    private static final Pattern TABLE = Pattern.compile(
            "CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline\\.(\\w+) \\((.*?)\\)\\s*PARTITIONED BY \\((`?\\w+`?) (\\w+)\\)"
                    + "\\s*STORED AS PARQUET\\s*LOCATION '([^']+)'\\s*TBLPROPERTIES \\((.*?)\\);",
            Pattern.DOTALL);

    @TempDir
    Path work;

    /** A table's record, location and partition column: a date ({@code yyyy-MM-dd}) or a month string ({@code yyyy-MM}). */
    record Expected(Class<?> record, String location, String partition, String partitionType, String format) {
        Expected(Class<?> record, String location, String partition) {
            this(record, location, partition, "date", "yyyy-MM-dd");
        }

        static Expected monthly(Class<?> record, String location) {
            return new Expected(record, location, "order_month", "string", "yyyy-MM");
        }
    }

    private static Map<String, Expected> expected() throws Exception {
        Properties settings = new Properties();
        try (var in = AthenaTablesTest.class.getResourceAsStream("/application.properties")) {
            settings.load(in);
        }
        String curated = "s3://${Bucket}/" + settings.getProperty("pipeline.prefix.curated").trim();
        return Map.of(
                "curated_orders", new Expected(CuratedRows.Order.class, curated + "orders/", "order_date"),
                "curated_order_lines", new Expected(CuratedRows.OrderLine.class, curated + "order_lines/", "order_date"),
                "curated_order_kpis", Expected.monthly(CuratedRows.OrderKpi.class, curated + "order_kpis/"),
                "curated_category_kpis", Expected.monthly(CuratedRows.CategoryKpi.class, curated + "category_kpis/"),
                // generate/ParquetUploads: source/payments/date=YYYY-MM-DD/, source/shipments/date=YYYY-MM-DD/
                "source_payments", new Expected(PaymentRecord.class, "s3://${Bucket}/source/payments/", "date"),
                "source_shipments", new Expected(ShipmentRecord.class, "s3://${Bucket}/source/shipments/", "date"));
    }

    @Test
    void everyTableMatchesTheSchemaOfTheFilesWrittenForIt() throws Exception {
        Map<String, Expected> expected = expected();
        List<String> tables = new ArrayList<>();
        try (Stream<Path> files = Files.list(ATHENA); Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement()) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).sorted().toList()) {
                String sql = Files.readString(file);
                if (file.getFileName().toString().equals("00-database.sql")) {
                    assertThat(sql).contains("CREATE DATABASE IF NOT EXISTS ecom_pipeline;");
                    continue;
                }
                Matcher m = TABLE.matcher(sql);
                assertThat(m.find()).as("%s holds one CREATE EXTERNAL TABLE of the expected shape", file).isTrue();
                String table = m.group(1);
                tables.add(table);
                assertThat(file.getFileName().toString()).isEqualTo(table + ".sql");
                Expected e = expected.get(table);
                assertThat(e).as("a table the app writes: %s", table).isNotNull();

                List<String> declared = new ArrayList<>();
                for (String column : m.group(2).split(",\\s*\\n")) {
                    declared.add(column.trim().replaceAll("\\s+", " "));
                }
                assertThat(declared).as(table).containsExactlyElementsOf(columnsOfAFileWrittenWith(st, e.record()));
                assertThat(m.group(3).replace("`", "")).as(table).isEqualTo(e.partition());
                assertThat(m.group(4)).as(table).isEqualTo(e.partitionType());
                assertThat(m.group(5)).isEqualTo(e.location());
                String projection = m.group(6);
                String p = e.partition();
                assertThat(projection).contains("'projection.enabled' = 'true'", "'projection." + p + ".type' = 'date'",
                        "'projection." + p + ".format' = '" + e.format() + "'", "'projection." + p + ".range' = ");
            }
        }
        assertThat(tables).containsExactlyInAnyOrderElementsOf(expected.keySet());
    }

    /** The columns of an (empty) Parquet file written as the app writes it, as Athena DDL ("name type"). */
    private List<String> columnsOfAFileWrittenWith(Statement duck, Class<?> type) throws Exception {
        Path file = work.resolve(type.getSimpleName() + ".parquet");
        writeEmpty(file, type);
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = duck.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (rs.next()) {
                columns.add(rs.getString("column_name") + " " + athenaType(rs.getString("column_type")));
            }
        }
        return columns;
    }

    private static <T> void writeEmpty(Path file, Class<T> type) throws Exception {
        try (OutputStream out = Files.newOutputStream(file);
                CarpetWriter<T> w = new CarpetWriter.Builder<>(out, type).withDefaultTimeUnit(TimeUnit.MICROS).build()) {
            w.write(List.of());
        }
    }

    /** DuckDB's name of a Parquet logical type as Athena's (Hive DDL) name. */
    static String athenaType(String duckType) {
        String t = duckType.toUpperCase(Locale.ROOT);
        if (t.startsWith("DECIMAL")) {
            return t.toLowerCase(Locale.ROOT);
        }
        return switch (t) {
            case "BIGINT" -> "bigint";
            case "INTEGER" -> "int";
            case "VARCHAR" -> "string";
            case "BOOLEAN" -> "boolean";
            case "DATE" -> "date";
            case "TIMESTAMP" -> "timestamp";
            case "DOUBLE" -> "double";
            default -> throw new AssertionError("no Athena type for DuckDB's " + duckType);
        };
    }
}
