package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.ecompipeline.model.FileArrival;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The manifest encoding of arrivals: any key S3 accepts survives a round trip through a manifest line and through the
 * open batch's manifest; manifests that versions before the JSON lines wrote (tab-separated lines) are still read,
 * including the ones that keys with a TAB or a newline broke; an unreadable entry never fails the others.
 */
@Tag("unit")
class FileArrivalTest {

    private static final String LONG_KEY = "incoming/" + "d".repeat(201) + "/orders_" + "é".repeat(401) + ".csv";

    private static final List<String> ODD_KEYS = List.of("incoming/orders_nl\nhere.csv", "incoming/orders_t\tab.csv",
            "incoming/orders_cr\rx.csv", "incoming/orders_c\u0001x\u001b\u007f.csv", "incoming/{\"key\":1}\n{.csv",
            "incoming/orders_ünïcödé ✓ 😀.csv", "incoming/a\\b\"c,d.csv", "incoming/trailing\n", LONG_KEY);

    @Test
    void everyKeyRoundTripsThroughALineWithoutRawNewline() {
        assertThat(LONG_KEY.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        for (String key : ODD_KEYS) {
            FileArrival a = new FileArrival(key, "collected/0123456789abcdef/" + key.substring(9), 42, "9b2cf535f27731c9",
                    1_700_000_000_123L);
            String line = a.toLine();
            assertThat(line).doesNotContain("\n", "\r", "\t");
            assertThat(FileArrival.fromLine(line)).isEqualTo(a);
        }
    }

    @Test
    void aManifestOfOddKeysListsEveryArrivalInOrder() {
        List<FileArrival> arrivals = ODD_KEYS.stream().map(k -> new FileArrival(k,
                "collected/0123456789abcdef/" + k.substring(9), k.length(), "", 1L)).toList();
        String manifest = String.join("\n", arrivals.stream().map(FileArrival::toLine).toList());
        assertThat(FileArrival.fromManifest(manifest)).isEqualTo(arrivals);
    }

    @Test
    void legacyTabSeparatedManifestsAreStillRead() {
        String plain = "incoming/orders_1.csv\tcollected/0123456789abcdef/orders_1.csv\t120\tabc123\t1700000000000";
        assertThat(FileArrival.fromLine(plain)).isEqualTo(new FileArrival("incoming/orders_1.csv",
                "collected/0123456789abcdef/orders_1.csv", 120, "abc123", 1_700_000_000_000L));
        // the hash input of batch ids is unchanged for such keys, so a batch keeps its id across the upgrade
        assertThat(FileArrival.fromLine(plain).identity()).isEqualTo(plain);

        // what the previous version stored for keys with a newline and a TAB (each split its line), then a JSON line
        // appended by this version to the same open batch
        FileArrival json = new FileArrival("incoming/orders_3.csv", "collected/fedcba9876543210/orders_3.csv", 7,
                "e1-2", 3L);
        String manifest = plain + "\n"
                + "incoming/orders_nl\nhere.csv\tcollected/1111111111111111/orders_nl\nhere.csv\t5\t\t2\n"
                + "incoming/orders_t\tab.csv\tcollected/2222222222222222/orders_t\tab.csv\t6\tff00-3\t2\n"
                + json.toLine() + "\n";
        assertThat(FileArrival.fromManifest(manifest)).containsExactly(
                FileArrival.fromLine(plain),
                new FileArrival("incoming/orders_nl\nhere.csv", "collected/1111111111111111/orders_nl\nhere.csv", 5, "",
                        2L),
                new FileArrival("incoming/orders_t\tab.csv", "collected/2222222222222222/orders_t\tab.csv", 6, "ff00-3",
                        2L),
                json);
    }

    @Test
    void anUnreadableEntryIsSkippedAndTheOthersKept() {
        FileArrival good = new FileArrival("incoming/orders_1.csv", "collected/0123456789abcdef/orders_1.csv", 1, "",
                1L);
        String manifest = "garbage without tabs\n" + good.toLine() + "\n{\"not\":\"an arrival\"}\n";
        assertThat(FileArrival.fromManifest(manifest)).containsExactly(good);
    }

    @Test
    void theOpenBatchCollectsOddKeysOnTopOfALegacyManifest() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            BatchManifestAggregation aggregation = new BatchManifestAggregation();
            Exchange open = new DefaultExchange(context);
            open.getMessage().setBody(
                    "incoming/orders_nl\nx.csv\tcollected/1111111111111111/orders_nl\nx.csv\t5\t\t2");
            Exchange batch = open;
            for (String key : ODD_KEYS) {
                Exchange arrival = new DefaultExchange(context);
                arrival.getMessage().setBody(new FileArrival(key, "collected/3333333333333333/" + key.substring(9), 1,
                        "", 9L).toLine());
                batch = aggregation.aggregate(batch, arrival);
            }
            // the same arrival again (a redelivery) is not listed twice
            Exchange again = new DefaultExchange(context);
            again.getMessage().setBody(new FileArrival(ODD_KEYS.get(0), "collected/3333333333333333/"
                    + ODD_KEYS.get(0).substring(9), 1, "", 9L).toLine());
            batch = aggregation.aggregate(batch, again);

            List<FileArrival> files = FileArrival.fromManifest(batch.getMessage().getBody(String.class));
            assertThat(files).hasSize(ODD_KEYS.size() + 1);
            assertThat(files.get(0).incomingKey()).isEqualTo("incoming/orders_nl\nx.csv");
            assertThat(files.stream().skip(1).map(FileArrival::incomingKey)).containsExactlyElementsOf(ODD_KEYS);
        }
    }
}
