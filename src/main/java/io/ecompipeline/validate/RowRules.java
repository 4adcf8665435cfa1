package io.ecompipeline.validate;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.ecompipeline.model.FileKind;

/**
 * The value rules of docs/contract.md §1 for one row, on trimmed values in the kind's column order. Returns the values
 * normalised for binding (date-times reduced to their date, statuses lower-cased) or the first rule that fails.
 */
public final class RowRules {

    public static final Set<String> ORDER_STATUSES =
            Set.of("pending", "processing", "shipped", "delivered", "completed", "cancelled", "returned", "refunded");
    public static final Set<String> RETURNED_STATUSES = Set.of("returned", "refunded");

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,4})?");
    private static final Pattern ORDER_DATE = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?");

    /** Outcome of checking one row: either {@code values} (normalised) or a rejection. */
    public record Result(List<String> values, Rejection rejection) {
        boolean accepted() {
            return rejection == null;
        }
    }

    /** Why a row was rejected: a reason code (stable, for counting) and a detail for people. */
    public record Rejection(String reason, String detail) {
    }

    private RowRules() {
    }

    public static Result check(FileKind kind, List<String> values) {
        List<String> out = new ArrayList<>(values);
        List<String> columns = kind.columns();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            String value = values.get(i);
            boolean optional = kind == FileKind.PRODUCTS && column.equals("name");
            if (value.isEmpty() && !optional) {
                return reject("missing_" + column, column + " is empty");
            }
            if (value.indexOf('\0') >= 0) {
                return reject("invalid_" + column, column + " holds a NUL character (U+0000)");
            }
            Rejection rejection = switch (column) {
                case "order_id", "user_id", "product_id", "quantity" -> positiveInteger(column, value);
                case "total_amount", "unit_price", "price" -> nonNegativeDecimal(column, value);
                case "order_date" -> orderDate(value, out, i);
                case "status" -> status(value, out, i);
                default -> null;
            };
            if (rejection != null) {
                return new Result(null, rejection);
            }
        }
        return new Result(out, null);
    }

    private static Result reject(String reason, String detail) {
        return new Result(null, new Rejection(reason, detail));
    }

    /** Integers > 0 in the signed 64-bit range: 19-digit (Snowflake-style) ids are common and accepted. */
    private static Rejection positiveInteger(String column, String value) {
        if (!allDigits(value, value.startsWith("+") ? 1 : 0)) {
            return new Rejection("invalid_" + column, column + " must be an integer > 0, got '" + abbreviate(value) + "'");
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return new Rejection("invalid_" + column, column + " must be at most " + Long.MAX_VALUE
                    + " (a signed 64-bit integer), got '" + abbreviate(value) + "'");
        }
        if (parsed <= 0) {
            return new Rejection("invalid_" + column, column + " must be an integer > 0, got '" + abbreviate(value) + "'");
        }
        return null;
    }

    private static Rejection nonNegativeDecimal(String column, String value) {
        if (plainDecimal(value)) {
            return null; // digits with at most one '.': the common case, without a regular expression
        }
        if (!DECIMAL.matcher(value).matches() || new BigDecimal(value).signum() < 0) {
            return new Rejection("invalid_" + column, column + " must be a decimal >= 0, got '" + abbreviate(value) + "'");
        }
        return null;
    }

    private static Rejection orderDate(String value, List<String> out, int index) {
        if (value.length() == 10 && value.charAt(4) == '-' && value.charAt(7) == '-' && allDigits(value.substring(0, 4), 0)
                && allDigits(value.substring(5, 7), 0) && allDigits(value.substring(8), 0)) {
            try {
                LocalDate.of(Integer.parseInt(value, 0, 4, 10), Integer.parseInt(value, 5, 7, 10),
                        Integer.parseInt(value, 8, 10, 10));
                return null; // already YYYY-MM-DD: the common case, without a regular expression
            } catch (DateTimeException e) {
                return new Rejection("invalid_order_date", "order_date must be YYYY-MM-DD or an ISO-8601 date-time, "
                        + "got '" + abbreviate(value) + "'");
            }
        }
        Matcher m = ORDER_DATE.matcher(value);
        String problem = "order_date must be YYYY-MM-DD or an ISO-8601 date-time, got '" + abbreviate(value) + "'";
        if (!m.matches()) {
            return new Rejection("invalid_order_date", problem);
        }
        try {
            LocalDate day = LocalDate.parse(m.group(1));
            if (m.group(2) != null && (Integer.parseInt(m.group(2)) > 23 || Integer.parseInt(m.group(3)) > 59
                    || (m.group(4) != null && Integer.parseInt(m.group(4)) > 59))) {
                return new Rejection("invalid_order_date", problem);
            }
            out.set(index, day.toString());
            return null;
        } catch (DateTimeException e) {
            return new Rejection("invalid_order_date", problem);
        }
    }

    private static Rejection status(String value, List<String> out, int index) {
        String status = value.toLowerCase(java.util.Locale.ROOT);
        if (!ORDER_STATUSES.contains(status)) {
            return new Rejection("invalid_status", "status must be one of " + String.join(" ",
                    List.of("pending", "processing", "shipped", "delivered", "completed", "cancelled", "returned",
                            "refunded")) + ", got '" + abbreviate(value) + "'");
        }
        out.set(index, status);
        return null;
    }

    private static boolean allDigits(String value, int from) {
        if (value.length() <= from) {
            return false;
        }
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean plainDecimal(String value) {
        boolean dot = false;
        boolean digit = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else {
                return false;
            }
        }
        return digit;
    }

    static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }
}
