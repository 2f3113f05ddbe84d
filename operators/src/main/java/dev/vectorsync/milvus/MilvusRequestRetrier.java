package dev.vectorsync.milvus;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs one Milvus request with bounded retries: exponential backoff from the initial to the max
 * backoff, at most {@code maxAttempts} attempts, and no retry that would start after the deadline.
 *
 * <p>Only transient failures are retried: gRPC UNAVAILABLE (which includes a refused connection),
 * DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED, the SDK's TIMEOUT, and the server's rate limit (error
 * code 8, or the legacy RateLimit code). Any other error fails at once. Not thread-safe, because
 * the sink writer calls it from the task's mailbox thread only.
 */
final class MilvusRequestRetrier {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusRequestRetrier.class);

    /** Milvus 2.3+ error code of "rate limit exceeded", which the server marks as retriable. */
    private static final int SERVER_RATE_LIMIT_CODE = 8;

    private static final Set<Status.Code> RETRYABLE_GRPC_CODES =
            Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED);

    private final int maxAttempts;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final Runnable onRetry;

    MilvusRequestRetrier(MilvusConnectionConfig config, Runnable onRetry) {
        this.maxAttempts = config.getMaxAttempts();
        this.initialBackoffMillis = config.getInitialBackoff().toMillis();
        this.maxBackoffMillis = config.getMaxBackoff().toMillis();
        this.onRetry = onRetry;
    }

    /**
     * Calls {@code request} until it succeeds, fails with an error that cannot be retried, uses up
     * the attempts, or would need to wait past {@code deadlineNanos} ({@link System#nanoTime()}).
     *
     * @param description what the request does, for logs and errors, for example "upsert of 12
     *     rows into collection 'posts_hybrid'"
     * @throws MilvusWriteException with the last failure as its cause, when the request failed
     * @throws InterruptedException when interrupted during a backoff, with the interrupt flag set again
     */
    <T> T call(String description, long deadlineNanos, Supplier<T> request)
            throws MilvusWriteException, InterruptedException {
        long backoffMillis = initialBackoffMillis;
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (RuntimeException e) {
                if (!isRetryable(e)) {
                    throw new MilvusWriteException(
                            "Milvus " + description + " failed with an error that is not retried: "
                                    + e.getMessage(),
                            e);
                }
                if (attempt >= maxAttempts) {
                    throw new MilvusWriteException(
                            "Milvus " + description + " failed after " + attempt
                                    + " attempts; the job restarts from its last checkpoint: "
                                    + e.getMessage(),
                            e);
                }
                long remainingNanos = deadlineNanos - System.nanoTime();
                if (remainingNanos <= backoffMillis * 1_000_000L) {
                    throw new MilvusWriteException(
                            "Milvus " + description + " failed after " + attempt
                                    + " attempts, and the retry deadline leaves no time for another;"
                                    + " the job restarts from its last checkpoint: "
                                    + e.getMessage(),
                            e);
                }

                LOG.warn(
                        "Milvus {} failed on attempt {} of {}, retrying in {} ms: {}",
                        description,
                        attempt,
                        maxAttempts,
                        backoffMillis,
                        e.getMessage());
                onRetry.run();
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, maxBackoffMillis);
            }
        }
    }

    /** Returns whether {@code failure}, or one of its causes, is a transient failure. */
    static boolean isRetryable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StatusRuntimeException grpc
                    && RETRYABLE_GRPC_CODES.contains(grpc.getStatus().getCode())) {
                return true;
            }
            if (cause instanceof StatusException grpc
                    && RETRYABLE_GRPC_CODES.contains(grpc.getStatus().getCode())) {
                return true;
            }
            if (cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof MilvusClientException milvus && isRetryableServerError(milvus)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static boolean isRetryableServerError(MilvusClientException e) {
        if (e.getErrorCode() == ErrorCode.TIMEOUT) {
            return true;
        }
        return e.getServerErrCode() == SERVER_RATE_LIMIT_CODE
                || e.getLegacyServerCode() == io.milvus.grpc.ErrorCode.RateLimit.getNumber();
    }

    private static void sleep(long millis) throws InterruptedException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }
}
