package io.ecompipeline.cli;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small, seeded shop for {@code demo}: two waves of file sets. The second wave adds orders, marks some of the first
 * wave's orders returned, and carries a few bad rows and a stray file, to show rejection and quarantine.
 */
final class DemoData {

    private static final String[] CATEGORIES = {"Electronics", "Clothing", "Home & Garden", "Books", "Toys"};
    private static final int PRODUCTS = 40;
    private static final int FILES_PER_KIND = 5;

    private final Random random = new Random(20250314L);
    private final BigDecimal[] prices = new BigDecimal[PRODUCTS + 1];

    record Order(long id, long user, LocalDate date, String status, List<long[]> lines) {
    }

    void write(Path root) throws IOException {
        Path wave1 = Files.createDirectories(root.resolve("wave-1"));
        Path wave2 = Files.createDirectories(root.resolve("wave-2"));
        try (Writer w = Files.newBufferedWriter(wave1.resolve("products.csv"), StandardCharsets.UTF_8)) {
            w.write("product_id,category,name,price\n");
            for (int p = 1; p <= PRODUCTS; p++) {
                prices[p] = BigDecimal.valueOf(500 + random.nextInt(20_000), 2);
                w.write(p + "," + csv(CATEGORIES[p % CATEGORIES.length]) + ",\"Product " + p + ", demo\"," + prices[p] + "\n");
            }
        }
        LocalDate start = LocalDate.of(2025, 3, 10);
        List<Order> first = orders(1, 200, start, 5);
        writeWave(wave1, first, "");
        List<Order> second = new ArrayList<>(orders(201, 60, start.plusDays(4), 3));
        for (int i = 0; i < first.size(); i += 9) {
            Order o = first.get(i);
            second.add(new Order(o.id(), o.user(), o.date(), "returned", List.of()));
        }
        writeWave(wave2, second, "9999,1,2,3.00\n0,5,1,x\n");
        Files.writeString(wave2.resolve("readme.txt"), "not a data file: quarantined as unrecognised_file_name\n");
    }

    private List<Order> orders(long firstId, int count, LocalDate start, int days) {
        String[] statuses = {"delivered", "delivered", "delivered", "shipped", "processing", "returned"};
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<long[]> lines = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int l = 0; l < n; l++) {
                lines.add(new long[] {1 + random.nextInt(PRODUCTS), 1 + random.nextInt(3)});
            }
            orders.add(new Order(firstId + i, 1000 + random.nextInt(150), start.plusDays(random.nextInt(days)),
                    statuses[random.nextInt(statuses.length)], lines));
        }
        return orders;
    }

    private void writeWave(Path wave, List<Order> orders, String badItemRows) throws IOException {
        for (int f = 0; f < FILES_PER_KIND; f++) {
            try (Writer o = Files.newBufferedWriter(wave.resolve("orders_" + (f + 1) + ".csv"));
                    Writer i = Files.newBufferedWriter(wave.resolve("order_items_" + (f + 1) + ".csv"))) {
                o.write("order_id,user_id,order_date,total_amount,status\n");
                i.write("order_id,product_id,quantity,unit_price\n");
                for (int k = f; k < orders.size(); k += FILES_PER_KIND) {
                    Order order = orders.get(k);
                    BigDecimal total = BigDecimal.ZERO;
                    for (long[] line : order.lines()) {
                        BigDecimal price = prices[(int) line[0]];
                        total = total.add(price.multiply(BigDecimal.valueOf(line[1])));
                        i.write(order.id() + "," + line[0] + "," + line[1] + "," + price + "\n");
                    }
                    o.write(order.id() + "," + order.user() + "," + order.date() + "T" + (10 + k % 12) + ":15:00,"
                            + total.setScale(2, RoundingMode.HALF_UP) + "," + order.status() + "\n");
                }
                if (f == 0) {
                    i.write(badItemRows);
                }
            }
        }
    }

    private static String csv(String value) {
        return value.contains(",") ? "\"" + value + "\"" : value;
    }
}
