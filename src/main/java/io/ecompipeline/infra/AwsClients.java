package io.ecompipeline.infra;

import java.net.URI;
import java.time.Duration;

import io.ecompipeline.common.Settings;
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
 * local servers.
 */
final class AwsClients {

    private final Region region;
    private final AwsCredentialsProvider credentials;

    AwsClients(Settings settings) {
        this.region = Region.of(settings.get("pipeline.aws.region"));
        String accessKey = settings.optional("pipeline.aws.access-key");
        this.credentials = accessKey == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        settings.get("pipeline.aws.secret-key")));
    }

    S3Client s3(String endpoint) {
        var builder = S3Client.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new UrlEncodedListings()));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        }
        return builder.build();
    }

    DynamoDbClient dynamoDb(String endpoint) {
        var builder = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    SqsClient sqs(String endpoint) {
        var builder = SqsClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** Step Functions: GetActivityTask holds its request up to 60 s, so the socket timeout must be longer (AWS: 65 s+). */
    SfnClient sfn(String endpoint) {
        var builder = SfnClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(70)));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }
}
