package io.ecompipeline.infra;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Creates the bucket, the KPI tables (with their real key schemas) and the queues when they are missing. Idempotent;
 * on by default only for the embedded servers ({@code pipeline.provision-resources}).
 */
public final class Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    private Provisioner() {
    }

    public static void bucket(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
            LOG.info("Created bucket {}", bucket);
        }
    }

    public static void table(DynamoDbClient dynamoDb, String table, String hashKey, String rangeKey) {
        try {
            dynamoDb.describeTable(b -> b.tableName(table));
            return;
        } catch (ResourceNotFoundException e) {
            // create it below
        }
        List<KeySchemaElement> keys = rangeKey == null
                ? List.of(key(hashKey, KeyType.HASH))
                : List.of(key(hashKey, KeyType.HASH), key(rangeKey, KeyType.RANGE));
        List<AttributeDefinition> attributes = keys.stream().map(k -> AttributeDefinition.builder()
                .attributeName(k.attributeName()).attributeType(ScalarAttributeType.S).build()).toList();
        try {
            dynamoDb.createTable(b -> b.tableName(table).keySchema(keys).attributeDefinitions(attributes)
                    .billingMode(BillingMode.PAY_PER_REQUEST));
            dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table));
            LOG.info("Created DynamoDB table {} ({}{})", table, hashKey, rangeKey == null ? "" : ", " + rangeKey);
        } catch (ResourceInUseException e) {
            LOG.debug("Table {} was created concurrently", table);
        }
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    public static void queue(SqsClient sqs, String queue) {
        sqs.createQueue(b -> b.queueName(queue));
        LOG.info("Queue {} ready", queue);
    }
}
