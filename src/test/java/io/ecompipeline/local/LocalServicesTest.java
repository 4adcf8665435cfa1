package io.ecompipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The embedded servers answer the AWS SDK and JDBC, on loopback only, and keep their state in a data folder. */
class LocalServicesTest {

    private static LocalServices services;

    @BeforeAll
    static void startServices() throws Exception {
        services = LocalServices.start(null);
    }

    @AfterAll
    static void stopServices() {
        if (services != null) {
            services.close();
            services.close(); // a second close is a no-op
        }
    }

    @Test
    void pipelinePropertiesDescribeThisInstance() {
        Map<String, String> p = services.pipelineProperties();
        assertThat(p).containsOnlyKeys("pipeline.aws.region", "pipeline.aws.access-key", "pipeline.aws.secret-key",
                "pipeline.s3.endpoint", "pipeline.dynamodb.endpoint", "pipeline.sqs.endpoint", "pipeline.jdbc.url",
                "pipeline.jdbc.user", "pipeline.jdbc.password");
        assertThat(p).containsEntry("pipeline.aws.region", "us-east-1")
                .containsEntry("pipeline.aws.access-key", services.accessKey())
                .containsEntry("pipeline.aws.secret-key", services.secretKey())
                .containsEntry("pipeline.s3.endpoint", services.s3Endpoint().toString())
                .containsEntry("pipeline.dynamodb.endpoint", services.dynamoDbEndpoint().toString())
                .containsEntry("pipeline.sqs.endpoint", services.sqsEndpoint().toString())
                .containsEntry("pipeline.jdbc.url", services.jdbcUrl())
                .containsEntry("pipeline.jdbc.user", "postgres")
                .containsEntry("pipeline.jdbc.password", services.jdbcPassword());
        assertThat(List.of(services.s3Endpoint(), services.dynamoDbEndpoint(), services.sqsEndpoint()))
                .allSatisfy(uri -> assertThat(uri.toString()).matches("http://127\\.0\\.0\\.1:\\d+"));
        assertThat(services.jdbcUrl()).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/postgres");
    }

    @Test
    void everyServiceListensOnLoopbackOnly() throws IOException {
        Path tcp = Path.of("/proc/net/tcp");
        assumeTrue(Files.isReadable(tcp), "needs Linux /proc/net/tcp");
        List<Integer> ports = List.of(services.s3Endpoint().getPort(), services.dynamoDbEndpoint().getPort(),
                services.sqsEndpoint().getPort(), URI.create(services.jdbcUrl().substring(5)).getPort());
        for (int port : ports) {
            List<String> addresses = listeningAddresses(port);
            assertThat(addresses).as("listening sockets on port %d", port).isNotEmpty()
                    // 127.0.0.1 as IPv4, or as IPv4-mapped IPv6 (::ffff:127.0.0.1) for Java's dual-stack sockets
                    .allMatch(a -> a.equals("0100007F") || a.equals("0000000000000000FFFF00000100007F"));
        }
    }

    @Test
    void s3BucketObjectsAndPrefixListing() {
        try (S3Client s3 = s3(services)) {
            s3.createBucket(b -> b.bucket("exports"));
            s3.putObject(b -> b.bucket("exports").key("incoming/orders.csv"), RequestBody.fromString("id\n1\n"));
            s3.putObject(b -> b.bucket("exports").key("incoming/items.csv"), RequestBody.fromString("id\n2\n"));
            s3.putObject(b -> b.bucket("exports").key("done/old.csv"), RequestBody.fromString("id\n0\n"));

            assertThat(s3.getObjectAsBytes(b -> b.bucket("exports").key("incoming/orders.csv"))
                    .asString(StandardCharsets.UTF_8)).isEqualTo("id\n1\n");
            assertThat(s3.listObjectsV2(b -> b.bucket("exports").prefix("incoming/")).contents())
                    .extracting(S3Object::key).containsExactly("incoming/items.csv", "incoming/orders.csv");
        }
    }

    @Test
    void s3ChecksSignatures() {
        try (S3Client wrongSecret = S3Client.builder().region(Region.of(services.region()))
                .endpointOverride(services.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(services.accessKey(), "not-the-secret")))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            assertThatThrownBy(() -> wrongSecret.listBuckets()).isInstanceOfSatisfying(S3Exception.class,
                    e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    @Test
    void dynamoDbTableWithHashAndRangeKey() {
        try (DynamoDbClient ddb = dynamoDb(services)) {
            ddb.createTable(b -> b.tableName("kpis").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
            ddb.waiter().waitUntilTableExists(b -> b.tableName("kpis"));
            ddb.putItem(b -> b.tableName("kpis").item(Map.of("pk", s("day#2024-01-01"), "sk", s("revenue"),
                    "value", AttributeValue.fromN("1234.50"))));

            Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName("kpis").consistentRead(true)
                    .key(Map.of("pk", s("day#2024-01-01"), "sk", s("revenue")))).item();
            // numbers come back normalised (1234.5), as from DynamoDB itself
            assertThat(new BigDecimal(item.get("value").n())).isEqualByComparingTo("1234.50");
        }
    }

    @Test
    void sqsQueueSendAndReceive() {
        try (SqsClient sqs = SqsClient.builder().region(Region.of(services.region()))
                .endpointOverride(services.sqsEndpoint()).credentialsProvider(credentials(services))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            String queueUrl = sqs.createQueue(b -> b.queueName("batch-events")).queueUrl();
            assertThat(queueUrl).startsWith(services.sqsEndpoint().toString() + "/");

            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"batch\":\"b-1\"}"));
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(2)).messages();
            assertThat(messages).extracting(Message::body).containsExactly("{\"batch\":\"b-1\"}");
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(messages.get(0).receiptHandle()));
        }
    }

    @Test
    void postgresAnswersJdbc() throws SQLException {
        try (Connection c = connect(services); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select 1, version()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).startsWith("PostgreSQL 17");
        }
    }

    @Test
    void dataDirKeepsStateAcrossRestart(@TempDir Path dataDir) throws Exception {
        try (LocalServices first = LocalServices.start(dataDir)) {
            try (S3Client s3 = s3(first)) {
                s3.createBucket(b -> b.bucket("kept"));
                s3.putObject(b -> b.bucket("kept").key("a/b.txt"), RequestBody.fromString("still here"));
            }
            try (DynamoDbClient ddb = dynamoDb(first)) {
                ddb.createTable(b -> b.tableName("state").billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
                ddb.putItem(b -> b.tableName("state").item(Map.of("id", s("x"), "v", s("kept"))));
            }
            try (Connection c = connect(first); Statement st = c.createStatement()) {
                st.execute("create table kept(id int primary key, v text)");
                st.execute("insert into kept values (1, 'still here')");
            }
        }
        assertThat(dataDir.resolve("s3")).isDirectory();
        assertThat(dataDir.resolve("dynamodb")).isDirectory();
        assertThat(dataDir.resolve("postgres").resolve("PG_VERSION")).isRegularFile();

        try (LocalServices second = LocalServices.start(dataDir)) {
            try (S3Client s3 = s3(second)) {
                assertThat(s3.getObjectAsBytes(b -> b.bucket("kept").key("a/b.txt")).asString(StandardCharsets.UTF_8))
                        .isEqualTo("still here");
            }
            try (DynamoDbClient ddb = dynamoDb(second)) {
                assertThat(ddb.getItem(b -> b.tableName("state").key(Map.of("id", s("x")))).item())
                        .containsEntry("v", s("kept"));
            }
            try (Connection c = connect(second); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select v from kept where id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("still here");
            }
        }
    }

    // --- clients: endpoint override, static credentials, the region, the Apache HTTP client (the app's own) ---

    private static StaticCredentialsProvider credentials(LocalServices s) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey()));
    }

    private static S3Client s3(LocalServices s) {
        return S3Client.builder().region(Region.of(s.region())).endpointOverride(s.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(credentials(s)).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private static DynamoDbClient dynamoDb(LocalServices s) {
        return DynamoDbClient.builder().region(Region.of(s.region())).endpointOverride(s.dynamoDbEndpoint())
                .credentialsProvider(credentials(s)).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private static Connection connect(LocalServices s) throws SQLException {
        return DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /** Local addresses (hex, as /proc prints them) of the sockets listening on this TCP port. */
    private static List<String> listeningAddresses(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> addresses = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                // f[1] = local address:port, f[3] = state (0A = LISTEN)
                if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(":" + hexPort)) {
                    addresses.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return addresses;
    }
}
