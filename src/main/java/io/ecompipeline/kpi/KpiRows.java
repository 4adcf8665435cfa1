package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.time.LocalDate;

/** Reads the typed columns of the KPI queries' rows, whatever JDBC type the driver chose. */
final class KpiRows {

    private KpiRows() {
    }

    static LocalDate date(Object value) {
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof LocalDate d) {
            return d;
        }
        return LocalDate.parse(value.toString());
    }

    static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        return new BigDecimal(value.toString());
    }
}
