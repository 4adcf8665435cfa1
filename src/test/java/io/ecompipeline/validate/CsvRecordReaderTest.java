package io.ecompipeline.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class CsvRecordReaderTest {

    private static List<CsvRecordReader.CsvRecord> read(String text) throws Exception {
        List<CsvRecordReader.CsvRecord> records = new ArrayList<>();
        try (CsvRecordReader reader = new CsvRecordReader(new StringReader(text), 1000)) {
            CsvRecordReader.CsvRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    @Test
    void quotedFieldsHoldSeparatorsQuotesAndLineBreaks() throws Exception {
        List<CsvRecordReader.CsvRecord> records = read("a,b\n\"x, y\",\"say \"\"hi\"\"\r\nthere\"\nlast,row");
        assertThat(records).hasSize(3);
        assertThat(records.get(1).fields()).containsExactly("x, y", "say \"hi\"\nthere");
        assertThat(records.get(1).line()).isEqualTo(2);
        assertThat(records.get(1).raw()).isEqualTo("\"x, y\",\"say \"\"hi\"\"\r\nthere\"");
        assertThat(records.get(2).line()).isEqualTo(4);
        assertThat(records.get(2).fields()).containsExactly("last", "row");
    }

    @Test
    void lineEndingsAndBlankLines() throws Exception {
        List<CsvRecordReader.CsvRecord> records = read("h1,h2\r\n1,2\r\n\r\n\n3,4\r5,6\n");
        assertThat(records).extracting(CsvRecordReader.CsvRecord::line).containsExactly(1L, 2L, 5L, 6L);
        assertThat(records.get(2).fields()).containsExactly("3", "4");
        assertThat(records.get(3).fields()).containsExactly("5", "6");
    }

    @Test
    void emptyFieldsAndAnEmptyQuotedLineAreRecords() throws Exception {
        List<CsvRecordReader.CsvRecord> records = read(",\n\"\"\n");
        assertThat(records.get(0).fields()).containsExactly("", "");
        assertThat(records.get(1).fields()).containsExactly("");
    }

    @Test
    void unterminatedQuoteIsFlaggedAndRawTextIsCapped() throws Exception {
        List<CsvRecordReader.CsvRecord> records = read("a,\"b\nc");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).unterminatedQuote()).isTrue();
        try (CsvRecordReader reader = new CsvRecordReader(new StringReader("x".repeat(5000)), 100)) {
            CsvRecordReader.CsvRecord r = reader.next();
            assertThat(r.raw()).hasSize(100);
            assertThat(r.fields().get(0)).hasSize(5000);
        }
    }

    @Test
    void quoteInsideAnUnquotedFieldIsData() throws Exception {
        assertThat(read("ab\"c,\"d\"e\n").get(0).fields()).containsExactly("ab\"c", "de");
    }
}
