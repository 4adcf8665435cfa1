package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.ecompipeline.cli.KpiExport;
import io.ecompipeline.local.LocalServices;
import io.ecompipeline.model.FileArrival;
import io.ecompipeline.orchestrate.CollectorLeadership;
import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.S3Notifications;
import io.ecompipeline.support.S3Notifications.Envelope;
import io.ecompipeline.support.TestPipeline;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.spi.AggregationRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code pipeline.arrival=events} on the embedded servers: the test's S3 client publishes to the arrival queue (ElasticMQ)
 * the notification S3 would send on each put (support/S3Notifications), in the three envelopes. The lab sample
 * arrives by notifications only and gives the KPIs polling gives; a notification lost on purpose is made good by the
 * reconciliation listing; duplicates, the s3:TestEvent and keys outside incoming/ are harmless and leave the queue.
 */
class EventArrivalTest {

    private static final Path LAB_SAMPLE = LabSampleIngestTest.LAB_SAMPLE;
    private static final String ODD_FOLDER = "lab sample é+ü 100%/";

    private static Map<String, String> eventsMode(String queue, String reconcileInterval) {
        return Map.of("pipeline.arrival", "events", "pipeline.arrival.queue", queue,
                "pipeline.arrival.reconcile-interval", reconcileInterval, "pipeline.arrival.wait-seconds", "1");
    }

    @Test
    void labSampleArrivesByNotificationsOnlyWithThePollersKpis() throws Exception {
        String queue = "arrivals-lab-" + System.nanoTime();
        try (TestPipeline pipeline = TestPipeline.fresh(eventsMode(queue, "1h"));
                SqsClient sqs = Clients.sqs(TestPipeline.services())) {
            String queueUrl = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            awaitFirstListingDone(pipeline);
            AtomicInteger put = new AtomicInteger();
            Envelope[] envelopes = Envelope.values();
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(S3Notifications.testEvent(TestPipeline.BUCKET)));
            try (S3Client s3 = S3Notifications.notifyingS3(TestPipeline.services(), sqs, queueUrl,
                    key -> envelopes[put.getAndIncrement() % envelopes.length]);
                    Stream<Path> files = Files.list(LAB_SAMPLE).filter(p -> p.toString().endsWith(".csv")).sorted()) {
                for (Path file : files.toList()) {
                    // one file under a key with spaces, '+', '%' and accents (form-encoded in its notification)
                    String name = file.getFileName().toString();
                    String key = "incoming/" + (name.equals("orders_part1.csv") ? ODD_FOLDER : "") + name;
                    s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key(key), RequestBody.fromFile(file));
                }
                // a notification delivered twice, and objects outside incoming/: harmless
                s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key("notes/readme.txt"), RequestBody.fromString("x"));
            }
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(S3Notifications.objectCreated(Envelope.S3,
                    TestPipeline.BUCKET, "incoming/orders_part2.csv", 1, "e")));

            TestPipeline.await("the lab sample archived", Duration.ofMinutes(3),
                    () -> keys(pipeline, "reports/").size() == 1 && keys(pipeline, "archive/").size() == 26);
            String report = keys(pipeline, "reports/").get(0);
            String batchId = report.substring("reports/".length(), report.length() - ".json".length());
            assertThat(keys(pipeline, "archive/")).contains("archive/" + batchId + "/" + ODD_FOLDER + "orders_part1.csv");
            assertThat(keys(pipeline, "incoming/")).isEmpty();
            assertThat(keys(pipeline, "collected/")).isEmpty();

            // the KPIs in DynamoDB are those polling gives (LabSampleIngestTest: the same reference)
            ReferenceKpis expected = ReferenceKpis.of(LAB_SAMPLE);
            KpiExport kpis = new KpiExport(pipeline.bean("dynamoDbClient", DynamoDbClient.class));
            assertThat(TestPipeline.byKey(kpis.rows("OrderKPIs", KpiExport.ORDER_COLUMNS, 1), 1))
                    .isEqualTo(expected.orderKpis);
            assertThat(TestPipeline.byKey(kpis.rows("CategoryKPIs", KpiExport.CATEGORY_COLUMNS, 2), 2))
                    .isEqualTo(expected.categoryKpis);

            // by notifications only: the listing (at start, then hourly) collected nothing
            assertThat(exchanges(pipeline, "ingest-poll-s3")).isZero();
            // 26 files, the test event, readme.txt's notification, the duplicate: each received, each deleted
            assertThat(exchanges(pipeline, "ingest-arrival-events")).isEqualTo(29);
            TestPipeline.await("the arrival queue empty", Duration.ofSeconds(30), () -> queued(sqs, queueUrl) == 0);
        }
    }

    @Test
    void aLostNotificationIsCaughtByTheReconciliationAndItsLateCopyIsHarmless() throws Exception {
        String queue = "arrivals-lost-" + System.nanoTime();
        try (TestPipeline pipeline = TestPipeline.fresh(eventsMode(queue, "3s"));
                SqsClient sqs = Clients.sqs(TestPipeline.services())) {
            String queueUrl = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            awaitFirstListingDone(pipeline);
            String lost = "incoming/order_items_1.csv";
            try (S3Client s3 = S3Notifications.notifyingS3(TestPipeline.services(), sqs, queueUrl,
                    key -> key.equals(lost) ? null : Envelope.SNS)) {
                put(s3, "incoming/products.csv", "product_id,category,name,price\n1,Books,Dune,10.00\n");
                put(s3, "incoming/orders_1.csv",
                        "order_id,user_id,order_date,total_amount,status\n1,1,2025-01-01,10.00,delivered\n");
                put(s3, lost, "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n");
            }
            TestPipeline.await("3 files in the open batch", Duration.ofSeconds(30), () -> openBatch(pipeline).size() == 3);
            assertThat(exchanges(pipeline, "ingest-poll-s3")).as("the lost one, by the reconciliation").isEqualTo(1);
            String collected = openBatch(pipeline).stream().filter(a -> a.incomingKey().equals(lost)).findFirst()
                    .orElseThrow().collectedKey();
            assertThat(collected).startsWith("collected/").endsWith("/order_items_1.csv");

            // the lost notification turns up after all: the object is gone from incoming/, the batch unchanged
            long received = exchanges(pipeline, "ingest-arrival-events");
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(S3Notifications.objectCreated(Envelope.EVENTBRIDGE,
                    TestPipeline.BUCKET, lost, 52, "e")));
            TestPipeline.await("the late notification received", Duration.ofSeconds(30),
                    () -> exchanges(pipeline, "ingest-arrival-events") == received + 1);
            TestPipeline.await("the arrival queue empty", Duration.ofSeconds(30), () -> queued(sqs, queueUrl) == 0);
            assertThat(openBatch(pipeline)).hasSize(3);
            assertThat(keys(pipeline, "collected/")).hasSize(3).contains(collected);
        }
    }

    /**
     * Two instances (child JVMs) configured with the same queue: the collector receives, the other stands by; when
     * the collector dies (SIGKILL), the other takes the lease and the queue over. Every object is collected once.
     */
    @Test
    void twoInstancesShareTheQueueAndTheSurvivorTakesItOver(@TempDir Path logs) throws Exception {
        TestPipeline.reset();
        LocalServices services = TestPipeline.services();
        String queue = "arrivals-two-" + System.nanoTime();
        Map<String, String> settings = new TreeMap<>(ChildPipeline.fastFaultSettings());
        settings.putAll(eventsMode(queue, "1h"));
        settings.put("pipeline.batch.min-order-files", "1");
        settings.put("pipeline.batch.min-item-files", "1");
        List<String> keys = List.of("incoming/products.csv", "incoming/orders_1.csv", "incoming/order_items_1.csv",
                "incoming/orders_2.csv", "incoming/order_items_2.csv");
        try (SqsClient sqs = Clients.sqs(services);
                ChildPipeline first = ChildPipeline.start(services, settings, logs.resolve("first.log"))) {
            String queueUrl = sqs.createQueue(b -> b.queueName(queue)
                    .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2"))).queueUrl();
            assertThat(first.awaitLog("This instance now collects arrivals", 180_000)).as(first.output()).isTrue();
            try (ChildPipeline second = ChildPipeline.start(services, settings, logs.resolve("second.log"));
                    S3Client s3 = S3Notifications.notifyingS3(services, sqs, queueUrl, key -> Envelope.S3)) {
                assertThat(second.awaitLog("Management: http://127.0.0.1:", 180_000)).as(second.output()).isTrue();
                put(s3, keys.get(0), "product_id,category,name,price\n1,Books,Dune,10.00\n");
                put(s3, keys.get(1), "order_id,user_id,order_date,total_amount,status\n1,1,2025-01-01,10.00,delivered\n");
                put(s3, keys.get(2), "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n");
                assertThat(first.awaitLog("Batch finished", 60_000)).as(first.output()).isTrue();

                first.kill();
                assertThat(second.awaitLog("This instance now collects arrivals", 30_000)).as(second.output()).isTrue();
                put(s3, keys.get(3), "order_id,user_id,order_date,total_amount,status\n2,1,2025-01-02,20.00,delivered\n");
                put(s3, keys.get(4), "order_id,product_id,quantity,unit_price\n2,1,2,10.00\n");
                assertThat(second.awaitLog("Batch finished", 60_000)).as(second.output()).isTrue();

                String firstLog = first.output();
                String secondLog = second.output();
                for (String key : keys) {
                    int byFirst = count(firstLog, "Collected " + key + " ");
                    int bySecond = count(secondLog, "Collected " + key + " ");
                    assertThat(byFirst + bySecond).as(key + " collected once").isEqualTo(1);
                    assertThat(bySecond).as(key + " by the survivor").isEqualTo(keys.indexOf(key) >= 3 ? 1 : 0);
                }
                TestPipeline.await("the arrival queue empty", Duration.ofSeconds(30), () -> queued(sqs, queueUrl) == 0);
                try (S3Client plain = Clients.s3(services)) {
                    assertThat(plain.listObjectsV2(b -> b.bucket(TestPipeline.BUCKET).prefix("archive/")).contents())
                            .hasSize(5);
                    assertThat(plain.listObjectsV2(b -> b.bucket(TestPipeline.BUCKET).prefix("incoming/")).contents())
                            .isEmpty();
                }
            }
        }
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void put(S3Client s3, String key, String content) {
        s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key(key), RequestBody.fromString(content));
    }

    /** This instance collects and its first listing of incoming/ (at start, on an empty bucket) is behind it. */
    private static void awaitFirstListingDone(TestPipeline pipeline) throws InterruptedException {
        CollectorLeadership leadership = pipeline.bean("collectorLeadership", CollectorLeadership.class);
        TestPipeline.await("collector lease", Duration.ofSeconds(30), leadership::isLeader);
        TestPipeline.await("first idle listing", Duration.ofSeconds(30),
                () -> exchanges(pipeline, "remind-open-batch") > 0);
    }

    private static long exchanges(TestPipeline pipeline, String routeId) {
        return pipeline.app().context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(routeId).getExchangesTotal();
    }

    private static int queued(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private static List<String> keys(TestPipeline pipeline, String prefix) {
        return pipeline.s3().listObjectsV2Paginator(b -> b.bucket(TestPipeline.BUCKET).prefix(prefix)).contents()
                .stream().map(o -> o.key()).toList();
    }

    private static List<FileArrival> openBatch(TestPipeline pipeline) {
        CamelContext context = pipeline.app().context();
        for (AggregationRepository repository : context.getRegistry().findByType(AggregationRepository.class)) {
            Exchange open = repository.get(context, "open-batch");
            if (open != null) {
                return FileArrival.fromManifest(open.getMessage().getBody(String.class));
            }
        }
        return List.of();
    }
}
