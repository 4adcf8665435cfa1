package io.ecompipeline.dashboard;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The order dates a dashboard view covers, both ends included, as asked by {@code from}/{@code to} (YYYY-MM-DD).
 * Missing ends default to the last {@code pipeline.dashboard.days} days up to the newest order date (not today: a
 * shop whose last batch is a week old still shows its data), and the length is bounded, because every date of the
 * range is one BatchGetItem key and the previous period doubles it. The previous period is the same number of days
 * just before, for the "change against the previous period" of the totals.
 */
public record DateRange(LocalDate from, LocalDate to) {

    /**
     * The range of a request: {@code from} and {@code to} as given (either may be null or blank), otherwise
     * {@code defaultDays} days ending on {@code newest} (today when the shop has no orders yet).
     *
     * @throws BadDashboardRequest for a malformed date, {@code from} after {@code to}, or more than {@code maxDays}
     */
    public static DateRange of(String from, String to, LocalDate newest, int defaultDays, int maxDays) {
        LocalDate end = parse("to", to);
        LocalDate start = parse("from", from);
        if (end == null) {
            end = start != null && newest != null && newest.isBefore(start) ? start.plusDays(defaultDays - 1)
                    : newest != null ? newest : LocalDate.now(java.time.ZoneOffset.UTC);
        }
        if (start == null) {
            start = end.minusDays(defaultDays - 1);
        }
        if (start.isAfter(end)) {
            throw new BadDashboardRequest("from (" + start + ") is after to (" + end + ")");
        }
        DateRange range = new DateRange(start, end);
        if (range.days() > maxDays) {
            throw new BadDashboardRequest("the range " + start + ".." + end + " has " + range.days()
                    + " days; at most " + maxDays + " (pipeline.dashboard.max-days)");
        }
        return range;
    }

    private static LocalDate parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadDashboardRequest(name + " must be a date as YYYY-MM-DD, not '" + value + "'");
        }
    }

    /** Days in the range, both ends included. */
    public long days() {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    /** The same number of days just before this range. */
    public DateRange previous() {
        return new DateRange(from.minusDays(days()), from.minusDays(1));
    }

    /** Every date of the range, oldest first. */
    public List<LocalDate> dates() {
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            dates.add(d);
        }
        return dates;
    }
}
