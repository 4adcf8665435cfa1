package io.ecompipeline.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecompipeline.infra.UrlEncodedListings;
import io.ecompipeline.local.LocalServices;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The S3 event notifications the embedded S3 does not send: the JSON AWS documents for an {@code ObjectCreated:Put}
 * (event version 2.1, the key form-encoded as S3 writes it), bare as S3 sends it to SQS, or in the envelope SNS or
 * EventBridge wraps it in; and an S3 client that publishes one to a queue after every successful PutObject, as a
 * bucket notification configured on {@code incoming/} would (docs/deploying-aws.md).
 */
public final class S3Notifications {

    /** How the notification reaches the queue. */
    public enum Envelope { S3, SNS, EVENTBRIDGE }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SEQUENCER = new AtomicLong(System.currentTimeMillis() << 16);

    private S3Notifications() {
    }

    /** The notification of a put of {@code key}, in {@code envelope}. */
    public static String objectCreated(Envelope envelope, String bucket, String key, long size, String etag) {
        String sequencer = String.format("%018X", SEQUENCER.incrementAndGet());
        String time = Instant.now().toString();
        String cleanEtag = etag == null ? "" : etag.replace("\"", "");
        if (envelope == Envelope.EVENTBRIDGE) {
            ObjectNode event = JSON.createObjectNode();
            event.put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", "Object Created")
                    .put("source", "aws.s3").put("account", "000000000000").put("time", time)
                    .put("region", "us-east-1");
            event.putArray("resources").add("arn:aws:s3:::" + bucket);
            ObjectNode detail = event.putObject("detail");
            detail.put("version", "0");
            detail.putObject("bucket").put("name", bucket);
            detail.putObject("object").put("key", encodeKey(key)).put("size", size).put("etag", cleanEtag)
                    .put("sequencer", sequencer);
            detail.put("request-id", UUID.randomUUID().toString()).put("requester", "000000000000")
                    .put("source-ip-address", "127.0.0.1").put("reason", "PutObject");
            return event.toString();
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("awsRegion", "us-east-1")
                .put("eventTime", time).put("eventName", "ObjectCreated:Put");
        record.putObject("userIdentity").put("principalId", "AWS:AIDAEXAMPLE");
        record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        record.putObject("responseElements").put("x-amz-request-id", "EXAMPLE123456789")
                .put("x-amz-id-2", "EXAMPLE123/5678abcdefghijklambdaisawesome/mnopqrstuvwxyzABCDEFGH");
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0").put("configurationId", "incoming-object-created");
        s3.putObject("bucket").put("name", bucket).put("arn", "arn:aws:s3:::" + bucket)
                .putObject("ownerIdentity").put("principalId", "A3NL1KOZZKExample");
        s3.putObject("object").put("key", encodeKey(key)).put("size", size).put("eTag", cleanEtag)
                .put("sequencer", sequencer);
        return envelope == Envelope.SNS ? sns(root.toString()) : root.toString();
    }

    /** What S3 sends to the queue once, when the bucket notification is configured. */
    public static String testEvent(String bucket) {
        ObjectNode event = JSON.createObjectNode();
        event.put("Service", "Amazon S3").put("Event", "s3:TestEvent").put("Time", Instant.now().toString())
                .put("Bucket", bucket).put("RequestId", "5582815E1AEA5ADF").put("HostId", "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE");
        return event.toString();
    }

    /** SNS's envelope around a message delivered to an SQS subscription (raw message delivery off). */
    public static String sns(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
                .put("TopicArn", "arn:aws:sns:us-east-1:000000000000:ecom-pipeline-arrivals")
                .put("Subject", "Amazon S3 Notification").put("Message", message)
                .put("Timestamp", Instant.now().toString()).put("SignatureVersion", "1").put("Signature", "EXAMPLE")
                .put("SigningCertURL", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem")
                .put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe");
        return n.toString();
    }

    /** A key as S3 writes it in notifications: form-encoded UTF-8 ({@code "a b+c"} is {@code a+b%2Bc}), '/' kept. */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /**
     * An S3 client on the embedded S3 that, after every successful PutObject, sends the notification S3 would send to
     * {@code queueUrl}, in the envelope {@code envelopes} gives for the key (null: none, a notification lost).
     */
    public static S3Client notifyingS3(LocalServices s, SqsClient sqs, String queueUrl,
            Function<String, Envelope> envelopes) {
        ExecutionInterceptor publisher = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put
                        && context.response() instanceof PutObjectResponse response) {
                    Envelope envelope = envelopes.apply(put.key());
                    if (envelope != null) {
                        long size = put.contentLength() != null ? put.contentLength()
                                : context.httpRequest().firstMatchingHeader("x-amz-decoded-content-length")
                                        .or(() -> context.httpRequest().firstMatchingHeader("Content-Length"))
                                        .map(Long::parseLong).orElse(0L);
                        String body = objectCreated(envelope, put.bucket(), put.key(), size, response.eTag());
                        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
                    }
                }
            }
        };
        return S3Client.builder().region(Region.of(s.region())).forcePathStyle(true).endpointOverride(s.s3Endpoint())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new UrlEncodedListings())
                        .addExecutionInterceptor(publisher))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
