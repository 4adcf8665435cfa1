package io.ecompipeline.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import io.ecompipeline.support.ReferenceKpis;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest benchmark's data set (no timing here): the same parameters write the same bytes, every row is valid
 * (the contract's plain-Java reference accepts all of them), and DuckDB's KPIs of the set equal the reference's, so
 * that the benchmark's "KPIs equal" check compares against right numbers.
 */
@Tag("unit")
class BenchDataTest {

    @TempDir
    Path work;

    private static final BenchData.Spec SPEC = new BenchData.Spec(5_000, 0, 120, 3, LocalDate.of(2025, 12, 31), 40,
            1_000_000_000_001L, 7);

    @Test
    void sameParametersWriteTheSameValidFiles() throws Exception {
        BenchData.Generated a = BenchData.generate(work.resolve("a"), SPEC);
        BenchData.Generated b = BenchData.generate(work.resolve("b"), SPEC);
        List<String> names = names(a.dir());
        assertThat(names).containsExactly("order_items_part1.csv", "order_items_part2.csv", "order_items_part3.csv",
                "orders_part1.csv", "orders_part2.csv", "orders_part3.csv", "products.csv");
        assertThat(names(b.dir())).isEqualTo(names);
        for (String name : names) {
            assertThat(Files.readAllBytes(b.dir().resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(a.dir().resolve(name)));
        }
        assertThat(a.lines()).isEqualTo(5_000);
        assertThat(a.products()).isEqualTo(120);
        assertThat(a.orders()).isBetween(1_800L, 2_400L); // about 2.4 lines per order

        // another seed, other data
        BenchData.Generated c = BenchData.generate(work.resolve("c"), new BenchData.Spec(5_000, 0, 120, 3,
                SPEC.lastDay(), 40, SPEC.idBase(), 8));
        assertThat(Files.readAllBytes(c.dir().resolve("orders_part1.csv")))
                .isNotEqualTo(Files.readAllBytes(a.dir().resolve("orders_part1.csv")));

        // every row valid: the reference keeps every order and every line
        ReferenceKpis ref = ReferenceKpis.of(a.dir());
        assertThat(ref.fileOutcomes.values()).containsOnly("archived");
        assertThat(ref.orderKpis.values().stream().mapToLong(r -> Long.parseLong(r.get(0))).sum())
                .isEqualTo(a.orders());
        long quantities = 0;
        for (Path items : a.files("order_items_")) {
            List<List<String>> rows = ReferenceKpis.parse(Files.readString(items));
            quantities += rows.subList(1, rows.size()).stream().mapToLong(r -> Long.parseLong(r.get(2))).sum();
        }
        assertThat(ref.orderKpis.values().stream().mapToLong(r -> Long.parseLong(r.get(2))).sum())
                .isEqualTo(quantities);
        assertThat(ref.orderKpis).hasSize(40);
        assertThat(ref.orderKpis.keySet().iterator().next()).isEqualTo("2025-11-22");
        assertThat(ref.categoryKpis.keySet().stream().map(k -> k.substring(0, k.indexOf('|'))).distinct().count())
                .isGreaterThanOrEqualTo(15);
        assertThat(ref.orderKpis.values()).anyMatch(r -> !r.get(3).equals("0.0000")); // some orders returned

        // DuckDB computes the same KPIs, exactly rounded
        DuckDbKpis.Result duck = DuckDbKpis.compute(a.files("orders_"), a.files("order_items_"),
                a.files("products"), false);
        DuckDbKpis.Result expected = DuckDbKpis.reference(a.dir());
        assertThat(duck.orderKpis()).isEqualTo(expected.orderKpis());
        assertThat(duck.categoryKpis()).isEqualTo(expected.categoryKpis());
    }

    @Test
    void aCachedSetIsReusedAndAnOrdersCountIsExact() throws Exception {
        BenchData.Spec spec = new BenchData.Spec(0, 1_000, 100, 2, LocalDate.of(2023, 12, 31), 730, 1, 43);
        BenchData.Generated first = BenchData.cached(work, spec);
        assertThat(first.cached()).isFalse();
        assertThat(first.orders()).isEqualTo(1_000);
        assertThat(first.dir()).isEqualTo(work.resolve(spec.key()));
        BenchData.Generated again = BenchData.cached(work, spec);
        assertThat(again.cached()).isTrue();
        assertThat(again).usingRecursiveComparison().ignoringFields("cached", "seconds").isEqualTo(first);
        assertThat(names(work)).containsExactlyInAnyOrder(spec.key(), spec.key() + ".manifest");
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
