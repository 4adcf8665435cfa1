package io.ecompipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shop's segment and order-status rules, on the generator's in-memory state. */
@Tag("unit")
class ShopStateTest {

    static final int DAY0 = (int) LocalDate.of(2026, 1, 1).toEpochDay();

    /** A customer who is not a subscriber under seed 42 (subscribers are VIP from day one). */
    static long nonSubscriber() {
        for (long id = 1; ; id++) {
            if (!ShopModel.subscriber(42, id)) {
                return id;
            }
        }
    }

    @Test
    void newUntilSixtyDaysAndTwoOrdersThenRegularThenVipWhileSpendingOverSixThousandIn180Days() {
        ShopState s = new ShopState(42);
        long id = nonSubscriber();
        int i = (int) id;
        s.addCustomer(id, DAY0, (byte) 0);
        s.segment[i] = s.segmentOn(i, DAY0);
        assertThat(s.segment[i]).isEqualTo(ShopModel.NEW);

        List<long[]> spend = new ArrayList<>();
        s.ordered(i, DAY0, 10_000, 0, spend);
        s.ordered(i, DAY0, 10_000, 0, spend);
        s.endDay(DAY0, spend);
        assertThat(s.segment[i]).as("two orders, but 0 days old").isEqualTo(ShopModel.NEW);

        for (int d = DAY0 + 1; d < DAY0 + 60; d++) {
            s.startDay(d);
        }
        assertThat(s.segment[i]).as("59 days old").isEqualTo(ShopModel.NEW);
        s.startDay(DAY0 + 60);
        assertThat(s.segment[i]).as("60 days old, two orders").isEqualTo(ShopModel.REGULAR);

        int bigDay = DAY0 + 100;
        List<long[]> big = new ArrayList<>();
        s.ordered(i, bigDay, 580_000, 0, big);
        assertThat(s.segment[i]).as("6,000.00 in 180 days is not more than 6,000").isEqualTo(ShopModel.REGULAR);
        s.ordered(i, bigDay, 1, 0, big);
        assertThat(s.segment[i]).as("6,000.01 in 180 days").isEqualTo(ShopModel.VIP);
        s.endDay(bigDay, big);

        s.startDay(DAY0 + 179);
        assertThat(s.segment[i]).isEqualTo(ShopModel.VIP);
        s.startDay(DAY0 + 180);
        assertThat(s.segment[i]).as("the day-0 orders left the 180-day window").isEqualTo(ShopModel.REGULAR);
        assertThat(s.windowSpendCents[i]).isEqualTo(580_001);
        s.startDay(bigDay + 180);
        assertThat(s.windowSpendCents[i]).isZero();
        assertThat(s.lifetimeCents[i]).isEqualTo(10_000 + 10_000 + 580_000 + 1);
    }

    @Test
    void subscribersAreVipFromTheirFirstDayAndAboutOneInTen() {
        ShopState s = new ShopState(42);
        int subscribers = 0;
        for (long id = 1; id <= 10_000; id++) {
            s.addCustomer(id, DAY0, (byte) 0);
            if (s.segmentOn((int) id, DAY0) == ShopModel.VIP) {
                subscribers++;
            }
        }
        assertThat(subscribers).isBetween(900, 1100);
    }

    @Test
    void ordersMoveOnWithAgeAndCancelledOnesStay() {
        long kept = 1;
        while (ShopModel.refunded(kept) || ShopModel.returned(kept, BP)) {
            kept++;
        }
        long refunded = 1;
        while (!ShopModel.refunded(refunded)) {
            refunded++;
        }
        assertThat(ShopModel.statusOn(kept, DAY0, ShopModel.PENDING, DAY0, BP)).isEqualTo(ShopModel.PENDING);
        assertThat(ShopModel.statusOn(kept, DAY0, ShopModel.PENDING, DAY0 + 1, BP)).isEqualTo(ShopModel.PROCESSING);
        assertThat(ShopModel.statusOn(kept, DAY0, ShopModel.PROCESSING, DAY0 + 2, BP)).isEqualTo(ShopModel.SHIPPED);
        assertThat(ShopModel.statusOn(kept, DAY0, ShopModel.PROCESSING, DAY0 + 4, BP)).isEqualTo(ShopModel.DELIVERED);
        assertThat(ShopModel.statusOn(kept, DAY0, ShopModel.PROCESSING, DAY0 + 400, BP))
                .isEqualTo(ShopModel.DELIVERED);
        assertThat(ShopModel.statusOn(refunded, DAY0, ShopModel.PROCESSING, DAY0 + 9, BP))
                .isEqualTo(ShopModel.DELIVERED);
        assertThat(ShopModel.statusOn(refunded, DAY0, ShopModel.PROCESSING, DAY0 + 10, BP))
                .isEqualTo(ShopModel.REFUNDED);
        assertThat(ShopModel.statusOn(refunded, DAY0, ShopModel.CANCELLED, DAY0 + 10, BP))
                .isEqualTo(ShopModel.CANCELLED);
        long refunds = java.util.stream.LongStream.rangeClosed(1, 100_000).filter(ShopModel::refunded).count();
        assertThat(refunds).isBetween(5_000L, 7_000L);
    }

    /** The default return rate, 8%, in basis points. */
    static final int BP = 800;

    @Test
    void returnedOrdersAreReturnedOneToThreeDaysAfterTheOrderAtTheConfiguredRateAndNeverAlsoRefunded() {
        long returned = 1;
        while (!ShopModel.returned(returned, BP)) {
            returned++;
        }
        int age = ShopModel.returnAge(returned);
        assertThat(age).isBetween(1, 3);
        assertThat(ShopModel.statusOn(returned, DAY0, ShopModel.PROCESSING, DAY0 + age - 1, BP))
                .isNotEqualTo(ShopModel.RETURNED);
        assertThat(ShopModel.statusOn(returned, DAY0, ShopModel.PROCESSING, DAY0 + age, BP))
                .isEqualTo(ShopModel.RETURNED);
        assertThat(ShopModel.statusOn(returned, DAY0, ShopModel.PROCESSING, DAY0 + 400, BP))
                .as("returned is final").isEqualTo(ShopModel.RETURNED);
        assertThat(ShopModel.statusOn(returned, DAY0, ShopModel.CANCELLED, DAY0 + age, BP))
                .isEqualTo(ShopModel.CANCELLED);
        assertThat(ShopModel.statusOn(returned, DAY0, ShopModel.PROCESSING, DAY0 + 400, 0))
                .as("rate 0: no returns").isNotEqualTo(ShopModel.RETURNED);
        for (int bp : new int[] {0, 300, 800, 2_000}) {
            long n = java.util.stream.LongStream.rangeClosed(1, 100_000).filter(id -> ShopModel.returned(id, bp))
                    .count();
            assertThat(n).as("returns at %d bp", bp).isBetween(bp * 10L - 600, bp * 10L + 600);
        }
        assertThat(java.util.stream.LongStream.rangeClosed(1, 100_000)
                .filter(id -> ShopModel.returned(id, BP) && ShopModel.refunded(id)).count()).isZero();
        java.util.Map<Integer, Long> byAge = java.util.stream.LongStream.rangeClosed(1, 100_000)
                .filter(id -> ShopModel.returned(id, BP)).boxed()
                .collect(java.util.stream.Collectors.groupingBy(ShopModel::returnAge,
                        java.util.stream.Collectors.counting()));
        assertThat(byAge.keySet()).containsExactlyInAnyOrder(1, 2, 3);
    }
}
