package io.ecompipeline.observe;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Ready only when the services a batch needs answer: the S3 bucket, the DynamoDB lock table (every batch and the
 * collector need it) and PostgreSQL. Each is asked on every probe with a short timeout, so a load balancer or
 * Kubernetes stops routing to an instance that lost one of them, and takes it back when it returns. Liveness is left
 * to Camel's own checks: an outage outside the JVM is no reason to restart it.
 */
public class ServicesReadinessCheck extends AbstractHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    public ServicesReadinessCheck() {
        super("pipeline", "services");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        var registry = getCamelContext().getRegistry();
        String bucket = getCamelContext().resolvePropertyPlaceholders("{{pipeline.bucket}}");
        String lockTable = getCamelContext().resolvePropertyPlaceholders("{{pipeline.dynamodb.lock-table}}");
        AwsRequestOverrideConfiguration quick = AwsRequestOverrideConfiguration.builder()
                .apiCallTimeout(TIMEOUT).build();
        builder.up();
        check(builder, "s3", () -> registry.lookupByNameAndType("s3Client", S3Client.class)
                .headBucket(b -> b.bucket(bucket).overrideConfiguration(quick)));
        check(builder, "dynamodb", () -> registry.lookupByNameAndType("dynamoDbClient", DynamoDbClient.class)
                .describeTable(b -> b.tableName(lockTable).overrideConfiguration(quick)));
        check(builder, "postgresql", () -> postgres(registry.lookupByNameAndType("dataSource",
                HikariDataSource.class)));
    }

    private static void check(HealthCheckResultBuilder builder, String service, Probe probe) {
        try {
            probe.run();
            builder.detail(service, "UP");
        } catch (Exception e) {
            builder.down();
            builder.detail(service, "DOWN: " + e.getMessage());
            builder.message(service + " is unreachable: " + e.getMessage());
        }
    }

    /**
     * A fresh connection rather than one from the pool: the pool would hand out a connection it believes alive, or
     * make the probe wait its full connection timeout.
     */
    private static void postgres(HikariDataSource pool) throws Exception {
        Properties props = new Properties();
        if (pool.getUsername() != null) {
            props.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            props.setProperty("password", pool.getPassword());
        }
        String seconds = Long.toString(TIMEOUT.toSeconds());
        props.setProperty("connectTimeout", seconds);
        props.setProperty("socketTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        // the driver itself, not DriverManager: under `camel run` the driver sits in a class loader DriverManager
        // does not search (the pool names its driver class for the same reason)
        try (Connection c = new org.postgresql.Driver().connect(pool.getJdbcUrl(), props)) {
            if (c == null) {
                throw new IllegalStateException("not a PostgreSQL URL: " + pool.getJdbcUrl());
            }
            if (!c.isValid((int) TIMEOUT.toSeconds())) {
                throw new IllegalStateException("connection not valid");
            }
        }
    }

    @FunctionalInterface
    private interface Probe {
        void run() throws Exception;
    }
}
