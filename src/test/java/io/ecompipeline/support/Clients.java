package io.ecompipeline.support;

import java.net.URI;
import java.util.Map;

import io.ecompipeline.infra.UrlEncodedListings;
import io.ecompipeline.local.LocalServices;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** SDK clients on the embedded servers, for test set-up and checks outside the application. */
public final class Clients {

    private Clients() {
    }

    public static S3Client s3(LocalServices s) {
        // keys with control characters listed URL-encoded, as the application's client does
        return S3Client.builder().region(Region.of(s.region())).forcePathStyle(true).endpointOverride(s.s3Endpoint())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new UrlEncodedListings()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    public static DynamoDbClient dynamoDb(LocalServices s) {
        return DynamoDbClient.builder().region(Region.of(s.region())).endpointOverride(s.dynamoDbEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    public static SqsClient sqs(LocalServices s) {
        return SqsClient.builder().region(Region.of(s.region())).endpointOverride(s.sqsEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** On a Step Functions endpoint (the test one, src/test/sfn/sfn-endpoint.mjs). */
    public static SfnClient sfn(LocalServices s, String endpoint) {
        return sfn(s.pipelineProperties(), endpoint);
    }

    /**
     * The same on servers of another process, from the application's settings for them ({@code pipeline.aws.*},
     * {@code pipeline.s3.endpoint}, ...: what {@link LocalServices#pipelineProperties()} gives).
     */
    public static S3Client s3(Map<String, String> p) {
        return S3Client.builder().region(Region.of(p.get("pipeline.aws.region"))).forcePathStyle(true)
                .endpointOverride(URI.create(p.get("pipeline.s3.endpoint")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new UrlEncodedListings()))
                .credentialsProvider(credentials(p)).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    public static DynamoDbClient dynamoDb(Map<String, String> p) {
        return DynamoDbClient.builder().region(Region.of(p.get("pipeline.aws.region")))
                .endpointOverride(URI.create(p.get("pipeline.dynamodb.endpoint"))).credentialsProvider(credentials(p))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    public static SfnClient sfn(Map<String, String> p, String endpoint) {
        return SfnClient.builder().region(Region.of(p.get("pipeline.aws.region")))
                .endpointOverride(URI.create(endpoint)).credentialsProvider(credentials(p))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private static StaticCredentialsProvider credentials(Map<String, String> p) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(p.get("pipeline.aws.access-key"),
                p.get("pipeline.aws.secret-key")));
    }
}
