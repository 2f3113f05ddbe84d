package dev.vectorsync.job.config;

import java.util.Locale;

/** Source of the change events: the values of {@code source.type}. */
public enum SourceType {
    REDIS("redis", 0),
    SQLSERVER_CDC("sqlserver-cdc", 1433),
    POSTGRES_CDC("postgres-cdc", 5432);

    private final String key;
    private final int defaultPort;

    SourceType(String key, int defaultPort) {
        this.key = key;
        this.defaultPort = defaultPort;
    }

    /** Returns the value as written in the configuration, for example {@code sqlserver-cdc}. */
    public String key() {
        return key;
    }

    /** Port of the database when {@code source.cdc.port} is unset; 0 for Redis. */
    public int defaultPort() {
        return defaultPort;
    }

    public boolean isDatabase() {
        return this != REDIS;
    }

    /** Parses a {@code source.type} value; null when it names no source. */
    static SourceType parse(String value) {
        String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (SourceType type : values()) {
            if (type.key.equals(normalized)) {
                return type;
            }
        }
        return null;
    }
}
