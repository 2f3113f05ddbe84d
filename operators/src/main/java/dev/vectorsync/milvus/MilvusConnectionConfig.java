package dev.vectorsync.milvus;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Connection settings for Milvus: address, credentials, timeouts, and the retry policy for failed
 * requests.
 *
 * <p>The config is serialized into the job graph, so it contains only plain values. {@link
 * #createClient()} opens a client where one is needed (a writer's {@code createWriter}, the schema
 * check at job start). The token travels with the config, but {@link #toString()} never prints it.
 *
 * <p>The SDK's own retries are switched off (one attempt per call), so the sink's retry settings
 * here alone decide how often and how long a request is retried.
 */
public final class MilvusConnectionConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Matches the user part of a URI such as {@code https://user:password@host:19530}. */
    private static final Pattern URI_USER_INFO =
            Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@");

    private final String uri;
    private final String token;
    private final String databaseName;
    private final Duration connectTimeout;
    private final Duration rpcTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration retryDeadline;

    private MilvusConnectionConfig(Builder builder) {
        this.uri = builder.uri;
        this.token = builder.token;
        this.databaseName = builder.databaseName;
        this.connectTimeout = builder.connectTimeout;
        this.rpcTimeout = builder.rpcTimeout;
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.retryDeadline = builder.retryDeadline;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a client and connects it. The caller closes it. Throws the SDK's {@code
     * MilvusClientException} or gRPC's {@code StatusRuntimeException} when the server cannot be
     * reached within the connect timeout.
     */
    public MilvusClientV2 createClient() {
        ConnectConfig.ConnectConfigBuilder connect =
                ConnectConfig.builder()
                        .uri(uri)
                        .connectTimeoutMs(connectTimeout.toMillis())
                        .rpcDeadlineMs(rpcTimeout.toMillis());
        if (token != null) {
            connect.token(token);
        }
        if (databaseName != null) {
            connect.dbName(databaseName);
        }

        MilvusClientV2 client = new MilvusClientV2(connect.build());
        // One attempt per SDK call: with its defaults (75 attempts, up to an hour) the SDK would
        // retry inside a flush for far longer than a checkpoint may take.
        client.retryConfig(RetryConfig.builder().maxRetryTimes(1).retryOnRateLimit(false).build());
        return client;
    }

    /**
     * Throws an IllegalArgumentException unless a flush that keeps retrying until the deadline,
     * plus one more request of at most the RPC timeout, ends before the checkpoint timeout.
     * Call it where the job sets its checkpoint timeout.
     */
    public void checkRetryDeadlineBelow(Duration checkpointTimeout) {
        Duration worstFlush = retryDeadline.plus(rpcTimeout);
        if (worstFlush.compareTo(checkpointTimeout) >= 0) {
            throw new IllegalArgumentException(
                    "Milvus retry deadline "
                            + retryDeadline
                            + " plus RPC timeout "
                            + rpcTimeout
                            + " is not below the checkpoint timeout "
                            + checkpointTimeout
                            + "; lower the retry deadline or raise the checkpoint timeout");
        }
    }

    public String getUri() {
        return uri;
    }

    /** Returns the database, or null for the server's default database. */
    public String getDatabaseName() {
        return databaseName;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public Duration getRpcTimeout() {
        return rpcTimeout;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public Duration getRetryDeadline() {
        return retryDeadline;
    }

    /** Replaces the user part of a URI (user name and password) with {@code ***}. */
    static String redactUri(String uri) {
        if (uri == null) {
            return null;
        }
        return URI_USER_INFO.matcher(uri).replaceFirst("$1***@");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MilvusConnectionConfig)) {
            return false;
        }
        MilvusConnectionConfig that = (MilvusConnectionConfig) o;
        return maxAttempts == that.maxAttempts
                && uri.equals(that.uri)
                && Objects.equals(token, that.token)
                && Objects.equals(databaseName, that.databaseName)
                && connectTimeout.equals(that.connectTimeout)
                && rpcTimeout.equals(that.rpcTimeout)
                && initialBackoff.equals(that.initialBackoff)
                && maxBackoff.equals(that.maxBackoff)
                && retryDeadline.equals(that.retryDeadline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, databaseName, maxAttempts, retryDeadline);
    }

    @Override
    public String toString() {
        return "MilvusConnectionConfig{uri="
                + redactUri(uri)
                + ", token="
                + (token == null ? "none" : "***")
                + ", databaseName="
                + databaseName
                + ", connectTimeout="
                + connectTimeout
                + ", rpcTimeout="
                + rpcTimeout
                + ", maxAttempts="
                + maxAttempts
                + ", initialBackoff="
                + initialBackoff
                + ", maxBackoff="
                + maxBackoff
                + ", retryDeadline="
                + retryDeadline
                + "}";
    }

    /**
     * Builder of {@link MilvusConnectionConfig}. Only the URI is required. The defaults suit a
     * checkpoint timeout above 40 s: 10 s connect and RPC timeouts, 10 attempts, backoff from 200
     * ms doubling up to 5 s, and a 30 s retry deadline per flush.
     */
    public static final class Builder {

        private String uri;
        private String token;
        private String databaseName;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration rpcTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 10;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration retryDeadline = Duration.ofSeconds(30);

        private Builder() {}

        /** Server address, for example {@code http://milvus:19530}. Required. */
        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        /** Token ({@code user:password} or an API key); null connects without authentication. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** Database of both collections; null uses the server's default database. */
        public Builder databaseName(String databaseName) {
            this.databaseName = databaseName;
            return this;
        }

        /** Maximum wait for the connection when a client is created. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Deadline of one request (one attempt) to the server. */
        public Builder rpcTimeout(Duration rpcTimeout) {
            this.rpcTimeout = rpcTimeout;
            return this;
        }

        /** Attempts per request, the first one included; 1 disables retries. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Wait before the first retry; each further wait doubles, up to {@link #maxBackoff}. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        /** Maximum wait between two attempts. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * Time after the start of a flush past which no retry begins. Together with the RPC
         * timeout it must stay below the checkpoint timeout ({@link #checkRetryDeadlineBelow}).
         */
        public Builder retryDeadline(Duration retryDeadline) {
            this.retryDeadline = retryDeadline;
            return this;
        }

        /** Validates the settings and builds the config. */
        public MilvusConnectionConfig build() {
            if (uri == null || uri.isBlank()) {
                throw new IllegalArgumentException(
                        "uri is missing; set the Milvus address, for example http://milvus:19530");
            }
            requirePositive("connectTimeout", connectTimeout);
            requirePositive("rpcTimeout", rpcTimeout);
            requirePositive("initialBackoff", initialBackoff);
            requirePositive("maxBackoff", maxBackoff);
            requirePositive("retryDeadline", retryDeadline);
            if (maxAttempts < 1) {
                throw new IllegalArgumentException(
                        "maxAttempts must be at least 1 but is " + maxAttempts);
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "maxBackoff "
                                + maxBackoff
                                + " is below initialBackoff "
                                + initialBackoff
                                + "; raise maxBackoff or lower initialBackoff");
            }
            return new MilvusConnectionConfig(this);
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(
                        name + " must be a positive duration but is " + value);
            }
        }
    }
}
