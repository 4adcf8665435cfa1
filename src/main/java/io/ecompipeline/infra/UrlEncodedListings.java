package io.ecompipeline.infra;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * Asks S3 for URL-encoded keys in every listing. S3 answers listings in XML 1.0, which cannot carry most control
 * characters: without this, one object whose key holds e.g. U+0001 makes every listing of {@code incoming/} fail to
 * parse, and with it all collection (Camel's S3 consumer lists with the client it is given). The SDK decodes the keys
 * of such answers itself, so callers see the keys as they are.
 */
public final class UrlEncodedListings implements ExecutionInterceptor {

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof ListObjectsRequest list && list.encodingType() == null) {
            return list.toBuilder().encodingType(EncodingType.URL).build();
        }
        if (request instanceof ListObjectsV2Request list && list.encodingType() == null) {
            return list.toBuilder().encodingType(EncodingType.URL).build();
        }
        return request;
    }
}
