package io.ecompipeline.infra;

import java.net.URI;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS SDK clients the routes and beans share. In production they use the default credential chain and AWS's
 * endpoints; an endpoint override (and static keys) is only for S3-, DynamoDB-, SQS- and Step Functions-compatible
 * local servers (a null endpoint: AWS's).
 */
public final class AwsClients {

    private final Region region;
    private final AwsCredentialsProvider credentials;

    /** {@code accessKey} null: the default credential chain. */
    public AwsClients(String region, String accessKey, String secretKey) {
        this.region = Region.of(region);
        this.credentials = accessKey == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    public S3Client s3(String endpoint) {
        var builder = S3Client.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new UrlEncodedListings()));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        }
        return builder.build();
    }

    public DynamoDbClient dynamoDb(String endpoint) {
        var builder = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    public SqsClient sqs(String endpoint) {
        var builder = SqsClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** Step Functions: GetActivityTask holds its request up to 60 s, so the socket timeout must be longer (AWS: 65 s+). */
    public SfnClient sfn(String endpoint) {
        var builder = SfnClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(70)));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }
}
