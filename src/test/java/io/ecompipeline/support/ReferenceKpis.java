package io.ecompipeline.support;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The expected KPIs and file outcomes of an input folder, in plain Java straight from docs/contract.md §1-5 (a port
 * of the original contract's Python reference), sharing no code with the pipeline. Tests compare the output with it.
 */
public final class ReferenceKpis {

    public final Map<String, List<String>> orderKpis = new TreeMap<>();
    public final Map<String, List<String>> categoryKpis = new TreeMap<>();
    public final Map<String, String> fileOutcomes = new TreeMap<>();

    private static final Set<String> STATUSES =
            Set.of("pending", "processing", "shipped", "delivered", "completed", "cancelled", "returned", "refunded");
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "orders", List.of("order_id", "user_id", "order_date", "total_amount", "status"),
            "items", List.of("order_id", "product_id", "quantity", "unit_price"),
            "products", List.of("product_id", "category", "name", "price"));
    private static final Pattern DAY = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?");

    private record Line(long qty, BigDecimal price, String category) {
    }

    private record Order(String day, long user, String status) {
    }

    public static ReferenceKpis of(Path input) throws IOException {
        ReferenceKpis ref = new ReferenceKpis();
        ref.compute(input);
        return ref;
    }

    private static String kindOf(String name) {
        if (name.matches("(?s)orders_.*\\.csv")) {
            return "orders";
        }
        if (name.matches("(?s)order_items_.*\\.csv")) {
            return "items";
        }
        if (name.equals("products.csv") || name.matches("(?s)products_.*\\.csv")) {
            return "products";
        }
        return null;
    }

    private void compute(Path input) throws IOException {
        List<Path> waves;
        try (Stream<Path> s = Files.list(input)) {
            waves = s.filter(Files::isDirectory).sorted().toList();
        }
        if (waves.isEmpty()) {
            waves = List.of(input);
        }
        Map<Long, String> catalog = new HashMap<>();
        Map<Long, Order> orders = new HashMap<>();
        Map<String, List<Line>> lines = new HashMap<>();
        for (Path wave : waves) {
            List<Path> names;
            try (Stream<Path> s = Files.list(wave)) {
                names = s.filter(Files::isRegularFile).sorted().toList();
            }
            Map<String, List<Path>> byKind = new LinkedHashMap<>();
            for (String k : List.of("products", "orders", "items")) {
                byKind.put(k, new ArrayList<>());
            }
            for (Path p : names) {
                String kind = kindOf(p.getFileName().toString());
                if (kind == null) {
                    fileOutcomes.put("incoming/" + p.getFileName(), "quarantined");
                } else {
                    byKind.get(kind).add(p);
                }
            }
            Map<Long, Order> batchOrders = new HashMap<>();
            Map<String, List<Line>> batchLines = new HashMap<>();
            for (var entry : byKind.entrySet()) {
                String kind = entry.getKey();
                for (Path p : entry.getValue()) {
                    String key = "incoming/" + p.getFileName();
                    List<List<String>> rows;
                    try {
                        rows = parse(decode(Files.readAllBytes(p)));
                    } catch (CharacterCodingException e) {
                        fileOutcomes.put(key, "quarantined");
                        continue;
                    }
                    if (rows.isEmpty()) {
                        fileOutcomes.put(key, "quarantined");
                        continue;
                    }
                    List<String> header = rows.get(0).stream().map(h -> h.trim().toLowerCase()).toList();
                    if (!header.containsAll(REQUIRED.get(kind))) {
                        fileOutcomes.put(key, "quarantined");
                        continue;
                    }
                    fileOutcomes.put(key, "archived");
                    for (List<String> row : rows.subList(1, rows.size())) {
                        if (row.size() != header.size()) {
                            continue;
                        }
                        Map<String, String> v = new HashMap<>();
                        for (String c : REQUIRED.get(kind)) {
                            v.put(c, row.get(header.indexOf(c)).trim());
                        }
                        try {
                            switch (kind) {
                                case "products" -> {
                                    long pid = positive(v.get("product_id"));
                                    if (v.get("category").isEmpty()) {
                                        throw new IllegalArgumentException();
                                    }
                                    nonNegative(v.get("price"));
                                    catalog.put(pid, v.get("category"));
                                }
                                case "orders" -> {
                                    long oid = positive(v.get("order_id"));
                                    long uid = positive(v.get("user_id"));
                                    String day = day(v.get("order_date"));
                                    nonNegative(v.get("total_amount"));
                                    String st = v.get("status").toLowerCase();
                                    if (!STATUSES.contains(st) || batchOrders.containsKey(oid)) {
                                        throw new IllegalArgumentException();
                                    }
                                    batchOrders.put(oid, new Order(day, uid, st));
                                }
                                default -> {
                                    long oid = positive(v.get("order_id"));
                                    long pid = positive(v.get("product_id"));
                                    long qty = positive(v.get("quantity"));
                                    BigDecimal price = nonNegative(v.get("unit_price"));
                                    if (!batchOrders.containsKey(oid) && !orders.containsKey(oid)) {
                                        throw new IllegalArgumentException();
                                    }
                                    if (!catalog.containsKey(pid)) {
                                        throw new IllegalArgumentException();
                                    }
                                    batchLines.computeIfAbsent(oid + "/" + pid, k -> new ArrayList<>())
                                            .add(new Line(qty, price, catalog.get(pid)));
                                }
                            }
                        } catch (IllegalArgumentException e) {
                            // rejected row
                        }
                    }
                }
            }
            orders.putAll(batchOrders);
            lines.putAll(batchLines);
        }
        summarise(orders, lines);
    }

    private void summarise(Map<Long, Order> orders, Map<String, List<Line>> lines) {
        Map<Long, List<Line>> byOrder = new HashMap<>();
        lines.forEach((id, ls) -> byOrder.computeIfAbsent(Long.parseLong(id.split("/")[0]), k -> new ArrayList<>())
                .addAll(ls));
        Map<String, long[]> dayCounts = new TreeMap<>();
        Map<String, BigDecimal> dayRevenue = new HashMap<>();
        Map<String, Set<Long>> dayUsers = new HashMap<>();
        Map<String, long[]> catCounts = new TreeMap<>();
        Map<String, BigDecimal> catRevenue = new HashMap<>();
        orders.forEach((oid, o) -> {
            boolean returned = o.status().equals("returned") || o.status().equals("refunded");
            long[] c = dayCounts.computeIfAbsent(o.day(), d -> new long[3]);
            c[0]++;
            c[1] += returned ? 1 : 0;
            dayUsers.computeIfAbsent(o.day(), d -> new HashSet<>()).add(o.user());
            Map<String, BigDecimal> perCat = new HashMap<>();
            for (Line l : byOrder.getOrDefault(oid, List.of())) {
                BigDecimal rev = l.price().multiply(BigDecimal.valueOf(l.qty()));
                dayRevenue.merge(o.day(), rev, BigDecimal::add);
                c[2] += l.qty();
                perCat.merge(l.category(), rev, BigDecimal::add);
            }
            perCat.forEach((cat, rev) -> {
                String key = cat + "|" + o.day();
                long[] cc = catCounts.computeIfAbsent(key, k -> new long[2]);
                cc[0]++;
                cc[1] += returned ? 1 : 0;
                catRevenue.merge(key, rev, BigDecimal::add);
            });
        });
        dayCounts.forEach((day, c) -> orderKpis.put(day, List.of(Long.toString(c[0]),
                money(dayRevenue.getOrDefault(day, BigDecimal.ZERO)), Long.toString(c[2]),
                BigDecimal.valueOf(c[1]).divide(BigDecimal.valueOf(c[0]), 4, RoundingMode.HALF_UP).toPlainString(),
                Integer.toString(dayUsers.get(day).size()))));
        catCounts.forEach((key, c) -> {
            BigDecimal rev = catRevenue.get(key);
            categoryKpis.put(key, List.of(money(rev),
                    rev.divide(BigDecimal.valueOf(c[0]), 2, RoundingMode.HALF_UP).toPlainString(),
                    BigDecimal.valueOf(c[1]).divide(BigDecimal.valueOf(c[0]), 4, RoundingMode.HALF_UP).toPlainString()));
        });
    }

    private static String money(BigDecimal d) {
        return d.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static long positive(String v) {
        if (!v.matches("\\+?\\d+")) {
            throw new IllegalArgumentException();
        }
        long n = Long.parseLong(v);
        if (n <= 0) {
            throw new IllegalArgumentException();
        }
        return n;
    }

    private static BigDecimal nonNegative(String v) {
        BigDecimal d = new BigDecimal(v); // NumberFormatException is an IllegalArgumentException
        if (d.signum() < 0) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    private static String day(String v) {
        Matcher m = DAY.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException();
        }
        String day;
        try {
            day = LocalDate.parse(m.group(1)).toString();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException();
        }
        if (m.group(2) != null && (Integer.parseInt(m.group(2)) > 23 || Integer.parseInt(m.group(3)) > 59
                || (m.group(4) != null && Integer.parseInt(m.group(4)) > 59))) {
            throw new IllegalArgumentException();
        }
        return day;
    }

    private static String decode(byte[] raw) throws CharacterCodingException {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** RFC 4180 rows of a whole text; blank lines dropped. */
    public static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean touched = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
                touched = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                touched = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (touched || field.length() > 0) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                touched = false;
            } else {
                field.append(c);
                touched = true;
            }
        }
        if (touched || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
