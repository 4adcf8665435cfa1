package io.ecompipeline.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** A batch that fails every attempt is retried as a whole, then dead-lettered to SQS; its files are kept. */
class DeadLetterTest {

    @TempDir
    Path work;

    @Test
    void batchThatKeepsFailingIsDeadLetteredAndItsFilesKept() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n");
        Files.writeString(in.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,1,2025-01-01,10.00,delivered\n");
        Files.writeString(in.resolve("order_items_1.csv"), "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n");
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.batch.retry-interval", "500ms",
                "pipeline.batch.max-attempts", "2", "pipeline.dynamodb.max-write-attempts", "2"))) {
            // the queue outlives the tests that ran before (the embedded SQS is shared): only this test's message counts
            SqsClient deadLetters = pipeline.bean("sqsClient", SqsClient.class);
            deadLetters.purgeQueue(b -> b.queueUrl(deadLetters.getQueueUrl(q -> q.queueName("ecom-pipeline-dead-letter"))
                    .queueUrl()));
            // the KPI table disappears: every attempt fails while loading KPIs
            pipeline.bean("dynamoDbClient", DynamoDbClient.class).deleteTable(b -> b.tableName("OrderKPIs"));

            try (io.ecompipeline.support.LogCapture log = io.ecompipeline.support.LogCapture.attach()) {
                assertThat(pipeline.ingest(in, work.resolve("out"))).isEqualTo(1);
                // each failed attempt is logged once, with the original exception and its stack trace
                List<org.apache.logging.log4j.core.LogEvent> failures = log.events().stream()
                        .filter(e -> e.getMessage().getFormattedMessage().startsWith("Batch step ")).toList();
                assertThat(failures).hasSize(2).allSatisfy(e -> {
                    assertThat(e.getLevel().name()).isEqualTo("ERROR");
                    assertThat(e.getThrown()).isNotNull();
                    Throwable root = e.getThrown();
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertThat(root).isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
                    assertThat(e.getThrown().getStackTrace()).isNotEmpty();
                });
                assertThat(log.events()).filteredOn(e -> e.getThrown() != null).hasSize(2);
                assertThat(log.containing("Batch dead-lettered: its 2 attempts failed")).hasSize(1);
            }

            List<List<String>> files = TestPipeline.readCsv(work.resolve("out/files.csv"));
            assertThat(files).hasSize(3).allSatisfy(f -> assertThat(f.get(1)).isEqualTo("pending"));
            Map<String, byte[]> objects = pipeline.objects();
            for (String name : List.of("products.csv", "orders_1.csv", "order_items_1.csv")) {
                assertThat(objects.entrySet()).filteredOn(e -> e.getKey().startsWith("collected/")
                        && e.getKey().endsWith("/" + name)).singleElement()
                        .satisfies(e -> assertThat(e.getValue()).isEqualTo(Files.readAllBytes(in.resolve(name))));
            }

            SqsClient sqs = pipeline.bean("sqsClient", SqsClient.class);
            String queue = sqs.getQueueUrl(b -> b.queueName("ecom-pipeline-dead-letter")).queueUrl();
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(2)).messages();
            assertThat(messages).hasSize(1);
            JsonNode dead = new ObjectMapper().readTree(messages.get(0).body());
            assertThat(dead.get("batch_id").asText()).isNotBlank();
            assertThat(dead.get("error").asText()).contains("OrderKPIs");
            assertThat(dead.get("files")).hasSize(3);
        }
    }

    @Test
    void aBatchThatNeverEndsIsDeadLetteredByItsStartsNotItsAttempts() throws Exception {
        Path in = Files.createDirectories(work.resolve("in2"));
        Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n");
        // max-starts 0: the first start already counts as one start too many (as after a crash loop)
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.batch.max-starts", "0"));
                io.ecompipeline.support.LogCapture log = io.ecompipeline.support.LogCapture.attach()) {
            assertThat(pipeline.ingest(in, work.resolve("out2"))).isEqualTo(1);
            assertThat(log.containing("Batch dead-lettered: it was started 1 times without ending")).hasSize(1);
            assertThat(log.events()).filteredOn(e -> e.getThrown() != null).isEmpty();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestPipeline.services().jdbcUrl(),
                    TestPipeline.services().jdbcUser(), TestPipeline.services().jdbcPassword());
                    java.sql.ResultSet r = c.createStatement().executeQuery(
                            "SELECT status, attempts, starts FROM pipeline.batches")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("dead_lettered");
                assertThat(r.getInt(2)).as("no attempt failed").isZero();
                assertThat(r.getInt(3)).isEqualTo(1);
            }
        }
    }
}
