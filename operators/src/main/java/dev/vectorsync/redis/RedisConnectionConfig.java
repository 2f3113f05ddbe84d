package dev.vectorsync.redis;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Address, credentials and timeouts of one Redis server, shared by the Redis Streams source and
 * the dead-letter sink.
 *
 * <p>The object is serialized into the job graph, so it stores only settings. Connections are
 * opened with {@link #openConnection()} on the task or coordinator thread that uses them, never
 * when the object is built. The password is supplied by the caller (the job reads it from an
 * environment variable) and {@link #toString()} redacts it.
 */
@PublicEvolving
public final class RedisConnectionConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_PORT = 6379;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final int database;
    @Nullable private final String username;
    @Nullable private final String password;
    private final boolean ssl;
    private final Duration connectTimeout;
    private final Duration socketTimeout;

    private RedisConnectionConfig(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.database = builder.database;
        this.username = builder.username;
        this.password = builder.password;
        this.ssl = builder.ssl;
        this.connectTimeout = builder.connectTimeout;
        this.socketTimeout = builder.socketTimeout;
    }

    /** Returns a builder with port 6379, database 0, no credentials, no TLS. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a new connection and selects the configured database. The caller owns the connection
     * and must close it; a {@link Jedis} object must be used by one thread at a time.
     *
     * @throws redis.clients.jedis.exceptions.JedisException if the server cannot be reached or
     *     rejects the credentials
     */
    public Jedis openConnection() {
        return new Jedis(new HostAndPort(host, port), toClientConfig());
    }

    private JedisClientConfig toClientConfig() {
        return DefaultJedisClientConfig.builder()
                .user(username)
                .password(password)
                .database(database)
                .ssl(ssl)
                .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                .clientName("vector-sync")
                .build();
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    public int getDatabase() {
        return database;
    }

    @Nullable
    public String getUsername() {
        return username;
    }

    public boolean isSsl() {
        return ssl;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public Duration getSocketTimeout() {
        return socketTimeout;
    }

    /** Returns {@code host:port/database}, the form used in log lines and error messages. */
    public String describeAddress() {
        return host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "RedisConnectionConfig{host="
                + host
                + ", port="
                + port
                + ", database="
                + database
                + ", username="
                + username
                + ", password="
                + (password == null ? "null" : "******")
                + ", ssl="
                + ssl
                + ", connectTimeout="
                + connectTimeout
                + ", socketTimeout="
                + socketTimeout
                + "}";
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RedisConnectionConfig)) {
            return false;
        }
        RedisConnectionConfig that = (RedisConnectionConfig) other;
        return port == that.port
                && database == that.database
                && ssl == that.ssl
                && host.equals(that.host)
                && Objects.equals(username, that.username)
                && Objects.equals(password, that.password)
                && connectTimeout.equals(that.connectTimeout)
                && socketTimeout.equals(that.socketTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, database, username, ssl, connectTimeout, socketTimeout);
    }

    /** Builder for {@link RedisConnectionConfig}; {@link #setHost(String)} is required. */
    @PublicEvolving
    public static final class Builder {

        private String host;
        private int port = DEFAULT_PORT;
        private int database = 0;
        @Nullable private String username;
        @Nullable private String password;
        private boolean ssl = false;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;

        private Builder() {}

        public Builder setHost(String host) {
            this.host = host;
            return this;
        }

        public Builder setPort(int port) {
            this.port = port;
            return this;
        }

        public Builder setDatabase(int database) {
            this.database = database;
            return this;
        }

        /** Sets the ACL user name; leave unset to authenticate as the {@code default} user. */
        public Builder setUsername(@Nullable String username) {
            this.username = username;
            return this;
        }

        /** Sets the password; pass the value of an environment variable, never a literal. */
        public Builder setPassword(@Nullable String password) {
            this.password = password;
            return this;
        }

        public Builder setSsl(boolean ssl) {
            this.ssl = ssl;
            return this;
        }

        public Builder setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Sets the read timeout of one command. It must be longer than the block time of the
         * source's XREADGROUP calls.
         */
        public Builder setSocketTimeout(Duration socketTimeout) {
            this.socketTimeout = socketTimeout;
            return this;
        }

        /**
         * Validates the settings and builds the config.
         *
         * @throws IllegalArgumentException if a setting is missing or out of range
         */
        public RedisConnectionConfig build() {
            Preconditions.checkArgument(
                    host != null && !host.isBlank(),
                    "Redis host is missing: call setHost(...) with the server's host name.");
            Preconditions.checkArgument(
                    port > 0 && port <= 65535,
                    "Redis port %s is invalid: use a value from 1 to 65535.",
                    port);
            Preconditions.checkArgument(
                    database >= 0,
                    "Redis database %s is invalid: use a database index of 0 or more.",
                    database);
            checkPositive(connectTimeout, "connect timeout", "setConnectTimeout");
            checkPositive(socketTimeout, "socket timeout", "setSocketTimeout");
            return new RedisConnectionConfig(this);
        }

        private static void checkPositive(Duration value, String name, String setter) {
            Preconditions.checkArgument(
                    value != null && !value.isNegative() && !value.isZero(),
                    "Redis %s %s is invalid: call %s(...) with a positive duration.",
                    name,
                    value,
                    setter);
        }
    }
}
