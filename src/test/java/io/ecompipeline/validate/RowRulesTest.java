package io.ecompipeline.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.ecompipeline.model.FileKind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class RowRulesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2025-03-30|2025-03-30",
            "2025-03-30T16:14:26|2025-03-30",
            "2025-03-30T16:14|2025-03-30",
            "2025-03-30T16:14:26.123456|2025-03-30",
            "2025-03-30T16:14:26Z|2025-03-30",
            "2025-03-30T23:59:59+05:30|2025-03-30",
            "2025-03-30T23:59:59-0800|2025-03-30"})
    void orderDatesKeepTheirDatePart(String value, String day) {
        RowRules.Result r = RowRules.check(FileKind.ORDERS, List.of("1", "2", value, "0", "Delivered"));
        assertThat(r.rejection()).isNull();
        assertThat(r.values()).containsExactly("1", "2", day, "0", "delivered");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|2|2025-01-01|1|shipped|invalid_order_id",
            "-1|2|2025-01-01|1|shipped|invalid_order_id",
            "1.0|2|2025-01-01|1|shipped|invalid_order_id",
            "99999999999999999999|2|2025-01-01|1|shipped|invalid_order_id",
            "1|x|2025-01-01|1|shipped|invalid_user_id",
            "1|2|2025-13-01|1|shipped|invalid_order_date",
            "1|2|2025-01-01T24:00:00|1|shipped|invalid_order_date",
            "1|2|01/02/2025|1|shipped|invalid_order_date",
            "1|2|2025-01-01|-0.01|shipped|invalid_total_amount",
            "1|2|2025-01-01|1,5|shipped|invalid_total_amount",
            "1|2|2025-01-01|NaN|shipped|invalid_total_amount",
            "1|2|2025-01-01|1|lost|invalid_status",
            "''|2|2025-01-01|1|shipped|missing_order_id"})
    void badOrderValuesAreRejectedWithTheirReason(String id, String user, String date, String total, String status,
            String reason) {
        RowRules.Result r = RowRules.check(FileKind.ORDERS, List.of(id, user, date, total, status));
        assertThat(r.rejection()).isNotNull();
        assertThat(r.rejection().reason()).isEqualTo(reason);
        assertThat(r.rejection().detail()).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1|1|0|1|invalid_quantity", "1|1|2|-3|invalid_unit_price",
            "1|0|2|3|invalid_product_id", "1|1|''|3|missing_quantity"})
    void badItemValuesAreRejected(String order, String product, String qty, String price, String reason) {
        assertThat(RowRules.check(FileKind.ITEMS, List.of(order, product, qty, price)).rejection().reason())
                .isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"+7|+7", "0.5|0.5", ".5|.5", "1e2|1e2", "0|0"})
    void decimalsAndIntegersInTheirAcceptedForms(String price, String expected) {
        RowRules.Result r = RowRules.check(FileKind.PRODUCTS, List.of("+7", "Toys", "", price));
        assertThat(r.rejection()).isNull();
        assertThat(r.values().get(3)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "9223372036854775807|accepted",
            "1234567890123456789|accepted",
            "+0009223372036854775807|accepted",
            "9223372036854775808|must be at most 9223372036854775807",
            "12345678901234567890|must be at most 9223372036854775807"})
    void idsAreSigned64BitIntegers(String id, String expected) {
        RowRules.Result r = RowRules.check(FileKind.ORDERS, List.of(id, id, "2025-01-01", "1", "shipped"));
        if (expected.equals("accepted")) {
            assertThat(r.rejection()).isNull();
        } else {
            assertThat(r.rejection().reason()).isEqualTo("invalid_order_id");
            assertThat(r.rejection().detail()).contains(expected).contains("signed 64-bit");
        }
    }

    @org.junit.jupiter.api.Test
    void aNulCharacterRejectsTheRow() {
        RowRules.Result r = RowRules.check(FileKind.PRODUCTS, List.of("1", "Bo\0oks", "Dune", "1.00"));
        assertThat(r.rejection().reason()).isEqualTo("invalid_category");
    }
}
