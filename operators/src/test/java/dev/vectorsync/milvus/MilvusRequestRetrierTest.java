package dev.vectorsync.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

class MilvusRequestRetrierTest {

    private final AtomicInteger retries = new AtomicInteger();
    private final MilvusRequestRetrier retrier =
            new MilvusRequestRetrier(
                    MilvusConnectionConfig.builder()
                            .uri("http://127.0.0.1:1")
                            .maxAttempts(3)
                            .initialBackoff(Duration.ofMillis(1))
                            .maxBackoff(Duration.ofMillis(2))
                            .build(),
                    retries::incrementAndGet);

    @Test
    void classifiesTransientFailures() {
        assertThat(MilvusRequestRetrier.isRetryable(rpcFailure(Status.UNAVAILABLE))).isTrue();
        assertThat(MilvusRequestRetrier.isRetryable(rpcFailure(Status.DEADLINE_EXCEEDED))).isTrue();
        assertThat(MilvusRequestRetrier.isRetryable(rpcFailure(Status.RESOURCE_EXHAUSTED))).isTrue();
        assertThat(
                        MilvusRequestRetrier.isRetryable(
                                new MilvusClientException(
                                        ErrorCode.SERVER_ERROR, "rate limit exceeded", 8, 0)))
                .isTrue();
        assertThat(
                        MilvusRequestRetrier.isRetryable(
                                new IllegalStateException(new ConnectException("refused"))))
                .isTrue();
    }

    @Test
    void classifiesPermanentFailures() {
        assertThat(MilvusRequestRetrier.isRetryable(rpcFailure(Status.INVALID_ARGUMENT))).isFalse();
        assertThat(MilvusRequestRetrier.isRetryable(rpcFailure(Status.UNAUTHENTICATED))).isFalse();
        assertThat(
                        MilvusRequestRetrier.isRetryable(
                                new MilvusClientException(
                                        ErrorCode.SERVER_ERROR, "collection not found", 100, 0)))
                .isFalse();
    }

    @Test
    void retriesTransientFailureThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String result =
                retrier.call(
                        "test request",
                        System.nanoTime() + Duration.ofSeconds(10).toNanos(),
                        () -> {
                            if (calls.incrementAndGet() < 3) {
                                throw rpcFailure(Status.UNAVAILABLE);
                            }
                            return "ok";
                        });

        assertThat(result).isEqualTo("ok");
        assertThat(retries).hasValue(2);
    }

    @Test
    void failsAtOnceOnPermanentFailure() {
        assertThatThrownBy(
                        () ->
                                retrier.call(
                                        "upsert of 3 rows into collection 'c'",
                                        System.nanoTime() + Duration.ofSeconds(10).toNanos(),
                                        () -> {
                                            throw rpcFailure(Status.INVALID_ARGUMENT);
                                        }))
                .isInstanceOf(MilvusWriteException.class)
                .hasMessageContaining("upsert of 3 rows into collection 'c'")
                .hasMessageContaining("not retried");
        assertThat(retries).hasValue(0);
    }

    @Test
    void stopsAtDeadline() {
        assertThatThrownBy(
                        () ->
                                retrier.call(
                                        "delete of 1 rows from collection 'c'",
                                        System.nanoTime(),
                                        () -> {
                                            throw rpcFailure(Status.UNAVAILABLE);
                                        }))
                .isInstanceOf(MilvusWriteException.class)
                .hasMessageContaining("retry deadline");
    }

    @Test
    void restoresInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(
                            () ->
                                    retrier.call(
                                            "test request",
                                            System.nanoTime() + Duration.ofSeconds(10).toNanos(),
                                            () -> {
                                                throw rpcFailure(Status.UNAVAILABLE);
                                            }))
                    .isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    private static MilvusClientException rpcFailure(Status status) {
        return new MilvusClientException(ErrorCode.RPC_ERROR, status.asRuntimeException());
    }
}
