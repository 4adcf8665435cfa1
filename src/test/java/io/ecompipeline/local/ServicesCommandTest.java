package io.ecompipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code bin/ecom-pipeline services --properties-file F --s3-dir D} (what {@code bin/camel-run} and
 * {@code bin/bench-ingest} start): the embedded servers come up, the settings written to F reach them, S3 keeps its
 * objects as files under D, and stopping the command (SIGTERM) stops them and removes F.
 */
class ServicesCommandTest {

    @TempDir
    Path work;

    @Test
    void servicesCommandWritesWorkingSettingsAndCleansUpOnStop() throws Exception {
        Path settings = work.resolve("settings/services.properties");
        Path s3Dir = work.resolve("s3");
        Path log = work.resolve("services.log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), LocalLauncher.class.getName(), "services",
                "--properties-file", settings.toString(), "--s3-dir", s3Dir.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            TestPipeline.await("the settings file", Duration.ofMinutes(2), () -> {
                assertThat(process.isAlive()).as("services is running; log:\n" + Files.readString(log)).isTrue();
                return Files.exists(settings);
            });
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(settings)) {
                p.load(in);
            }
            assertThat(p.getProperty("pipeline.provision-resources")).isEqualTo("true");
            TestPipeline.await("the settings on standard output", Duration.ofSeconds(10),
                    () -> Files.readString(log).contains("pipeline.s3.endpoint = " + p.getProperty("pipeline.s3.endpoint")));

            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    p.getProperty("pipeline.aws.access-key"), p.getProperty("pipeline.aws.secret-key")));
            Region region = Region.of(p.getProperty("pipeline.aws.region"));
            try (S3Client s3 = S3Client.builder().region(region).forcePathStyle(true).credentialsProvider(credentials)
                    .endpointOverride(URI.create(p.getProperty("pipeline.s3.endpoint")))
                    .httpClientBuilder(ApacheHttpClient.builder()).build();
                    DynamoDbClient dynamoDb = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
                            .endpointOverride(URI.create(p.getProperty("pipeline.dynamodb.endpoint")))
                            .httpClientBuilder(ApacheHttpClient.builder()).build()) {
                s3.createBucket(b -> b.bucket("services-check"));
                assertThat(s3.listBuckets().buckets()).anyMatch(b -> b.name().equals("services-check"));
                s3.putObject(b -> b.bucket("services-check").key("incoming/a.csv"),
                        RequestBody.fromString("order_id\n1\n"));
                assertThat(Files.readString(s3Dir.resolve("services-check/incoming/a.csv"))).isEqualTo("order_id\n1\n");
                assertThat(dynamoDb.listTables().tableNames()).isEmpty();
            }
            try (Connection c = DriverManager.getConnection(p.getProperty("pipeline.jdbc.url"),
                    p.getProperty("pipeline.jdbc.user"), p.getProperty("pipeline.jdbc.password"));
                    ResultSet rs = c.createStatement().executeQuery("select 41 + 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        } finally {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("services stopped on SIGTERM").isTrue();
        }
        assertThat(settings).doesNotExist();
        assertThat(Files.readString(log)).contains("Local services stopped").doesNotContain(" WARN ", " ERROR ");
    }
}
