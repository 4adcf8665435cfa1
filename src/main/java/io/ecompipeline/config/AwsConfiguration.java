package io.ecompipeline.config;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.S3Prefixes;
import io.ecompipeline.common.Settings;
import io.ecompipeline.infra.AwsClients;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS SDK clients the routes and beans share (S3, DynamoDB, SQS, Step Functions), the bucket's objects and its
 * layout. An endpoint is set only for the local emulators: empty on AWS, where AWS's endpoints and the default
 * credential chain are used.
 * <p>
 * Every bean of this package is lazy: bound at once, created on its first lookup with what its parameters name. So
 * a bean finds the beans it needs whatever the order of {@code camel.main.configuration-classes}.
 */
@Configuration
public class AwsConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public AwsClients awsClients(@PropertyInject("pipeline.aws.region") String region,
            @PropertyInject("pipeline.aws.access-key") String accessKey,
            @PropertyInject("pipeline.aws.secret-key") String secretKey) {
        return new AwsClients(region, Settings.orNull(accessKey), secretKey);
    }

    @BindToRegistry(lazy = true)
    public S3Client s3Client(@BeanInject AwsClients aws, @PropertyInject("pipeline.s3.endpoint") String endpoint) {
        return aws.s3(Settings.orNull(endpoint));
    }

    @BindToRegistry(lazy = true)
    public DynamoDbClient dynamoDbClient(@BeanInject AwsClients aws,
            @PropertyInject("pipeline.dynamodb.endpoint") String endpoint) {
        return aws.dynamoDb(Settings.orNull(endpoint));
    }

    @BindToRegistry(lazy = true)
    public SqsClient sqsClient(@BeanInject AwsClients aws, @PropertyInject("pipeline.sqs.endpoint") String endpoint) {
        return aws.sqs(Settings.orNull(endpoint));
    }

    /** Step Functions mode only (the activity workers' long polls have a client of their own: sfnPollClient). */
    @BindToRegistry(lazy = true)
    public SfnClient sfnClient(CamelContext context, @BeanInject AwsClients aws,
            @PropertyInject("pipeline.sfn.endpoint") String endpoint) throws Exception {
        SfnClient sfn = aws.sfn(Settings.orNull(endpoint));
        OnStop.run(context, sfn::close);
        return sfn;
    }

    @BindToRegistry(lazy = true)
    public S3Objects s3Objects(@BeanInject("s3Client") S3Client s3, @PropertyInject("pipeline.bucket") String bucket) {
        return new S3Objects(s3, bucket);
    }

    @BindToRegistry(lazy = true)
    public S3Prefixes s3Prefixes(CamelContext context) {
        return S3Prefixes.of(new Settings(context));
    }
}
