package dev.vectorsync.job.pipeline;

import dev.vectorsync.event.EntityType;
import dev.vectorsync.job.config.ColumnMappings;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.config.SourceType;
import dev.vectorsync.job.config.VectorSyncOptions.CdcStartupMode;
import dev.vectorsync.source.cdc.ChangeEventDeserializer;
import dev.vectorsync.source.cdc.ChangeLog;
import dev.vectorsync.source.cdc.SourceTable;
import dev.vectorsync.source.jdbc.JdbcBackfillSourceFactory;
import dev.vectorsync.source.cdc.startup.PostgresLsnStartSource;
import dev.vectorsync.source.cdc.startup.SqlServerLsnStartSource;
import dev.vectorsync.source.cdc.startup.StartupLsn;
import dev.vectorsync.source.jdbc.TableColumnsCheck;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.cdc.connectors.sqlserver.source.SqlServerSourceBuilder;
import org.apache.flink.cdc.connectors.sqlserver.source.config.SqlServerSourceConfigFactory;
import org.apache.flink.cdc.connectors.sqlserver.source.dialect.SqlServerDialect;
import org.apache.flink.cdc.connectors.sqlserver.source.offset.LsnFactory;
import org.apache.flink.api.connector.source.Source;
import dev.vectorsync.event.ChangeEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/**
 * Builds the database-facing parts from the settings: the captured tables with their column
 * mapping, the SQL Server and Postgres CDC sources, the JDBC connection of the backfill, and the
 * column check that runs before a job is submitted.
 */
public final class DatabaseSources {

    private final JobSettings settings;
    private final Map<String, String> environment;

    public DatabaseSources(JobSettings settings, Map<String, String> environment) {
        this.settings = settings;
        this.environment = environment;
    }

    /** Returns the posts and users tables with their column mapping. */
    public List<SourceTable> tables() {
        return List.of(
                new SourceTable(
                        EntityType.POST,
                        settings.get(CDC_POSTS_TABLE),
                        settings.get(CDC_POSTS_ID_COLUMN),
                        ColumnMappings.merge(ColumnMappings.POST_DEFAULTS, settings.get(CDC_POSTS_COLUMNS))),
                new SourceTable(
                        EntityType.USER,
                        settings.get(CDC_USERS_TABLE),
                        settings.get(CDC_USERS_ID_COLUMN),
                        ColumnMappings.merge(ColumnMappings.USER_DEFAULTS, settings.get(CDC_USERS_COLUMNS))));
    }

    /** Returns {@code backfill.jdbc-url}, or a JDBC URL derived from the CDC connection options. */
    public String jdbcUrl() {
        String url = settings.get(BACKFILL_JDBC_URL);
        if (url != null) {
            return url;
        }
        SourceType type = settings.sourceType();
        String host = settings.get(CDC_HOSTNAME);
        int port = port(type);
        String database = settings.get(CDC_DATABASE);
        if (type == SourceType.SQLSERVER_CDC) {
            return "jdbc:sqlserver://" + host + ":" + port + ";databaseName=" + database;
        }
        if (type == SourceType.POSTGRES_CDC) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
        throw new IllegalStateException(
                "no JDBC URL: set " + BACKFILL_JDBC_URL.key() + " or a database " + SOURCE_TYPE.key());
    }

    public JdbcBackfillSourceFactory jdbc() {
        return new JdbcBackfillSourceFactory(jdbcUrl(), settings.get(CDC_USERNAME), password());
    }

    /**
     * Checks over JDBC that both tables have the key and every mapped column.
     *
     * @throws IllegalStateException naming the table and the missing column
     */
    public void checkColumns() {
        try (Connection connection = jdbc().connect()) {
            TableColumnsCheck.check(connection, tables(), "source.cdc.");
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read the columns of " + settings.get(CDC_POSTS_TABLE) + " and "
                            + settings.get(CDC_USERS_TABLE) + " at " + jdbcUrl() + ": " + e.getMessage()
                            + "; check source.cdc.* and the user's rights", e);
        }
    }

    /**
     * Builds the incremental-snapshot CDC source of {@code source.type}; with startup mode LSN, a
     * source that streams from {@code source.cdc.startup-lsn} with no snapshot.
     */
    public Source<ChangeEvent, ?, ?> cdcSource() {
        if (settings.sourceType() == SourceType.SQLSERVER_CDC) {
            return sqlServerSource();
        }
        return postgresSource();
    }

    /**
     * Builds the SQL Server source from its config factory, as {@code SqlServerSourceBuilder#build}
     * does, because that builder does not hand out its factory and the LSN source needs it.
     */
    private Source<ChangeEvent, ?, ?> sqlServerSource() {
        SqlServerSourceConfigFactory config = sqlServerConfig();
        ChangeEventDeserializer deserializer = deserializer(ChangeLog.SQLSERVER);
        if (settings.get(CDC_STARTUP_MODE) == CdcStartupMode.LSN) {
            return new SqlServerLsnStartSource<>(
                    config, deserializer, StartupLsn.sqlServer(settings.get(CDC_STARTUP_LSN)));
        }
        return new SqlServerSourceBuilder.SqlServerIncrementalSource<>(
                config, deserializer, new LsnFactory(), new SqlServerDialect(config.create(0)));
    }

    @VisibleForTesting
    SqlServerSourceConfigFactory sqlServerConfig() {
        SqlServerSourceConfigFactory config = new SqlServerSourceConfigFactory();
        config.hostname(settings.get(CDC_HOSTNAME))
                .port(port(SourceType.SQLSERVER_CDC))
                .databaseList(settings.get(CDC_DATABASE))
                .tableList(tableNames())
                .username(settings.get(CDC_USERNAME))
                .password(password())
                .serverTimeZone(settings.get(CDC_SERVER_TIME_ZONE))
                .splitSize(settings.get(CDC_SPLIT_SIZE))
                .startupOptions(startupOptions());
        return config;
    }

    private Source<ChangeEvent, ?, ?> postgresSource() {
        Properties debezium = new Properties();
        debezium.setProperty("publication.name", settings.get(CDC_PUBLICATION_NAME));
        debezium.setProperty("publication.autocreate.mode", "disabled");
        ChangeEventDeserializer deserializer = deserializer(ChangeLog.POSTGRES);
        PostgresSourceBuilder<ChangeEvent> builder =
                PostgresSourceBuilder.PostgresIncrementalSource.<ChangeEvent>builder()
                        .hostname(settings.get(CDC_HOSTNAME))
                        .port(port(SourceType.POSTGRES_CDC))
                        .database(settings.get(CDC_DATABASE))
                        .schemaList(tables().stream().map(SourceTable::schema).distinct().toArray(String[]::new))
                        .tableList(tableNames())
                        .username(settings.get(CDC_USERNAME))
                        .password(password())
                        .slotName(settings.get(CDC_SLOT_NAME))
                        .decodingPluginName("pgoutput")
                        .serverTimeZone(settings.get(CDC_SERVER_TIME_ZONE))
                        .splitSize(settings.get(CDC_SPLIT_SIZE))
                        .startupOptions(startupOptions())
                        .debeziumProperties(debezium)
                        .deserializer(deserializer);
        if (settings.get(CDC_STARTUP_MODE) == CdcStartupMode.LSN) {
            return new PostgresLsnStartSource<>(
                    builder.getConfigFactory(), deserializer, StartupLsn.postgres(settings.get(CDC_STARTUP_LSN)));
        }
        return builder.build();
    }

    private ChangeEventDeserializer deserializer(ChangeLog changeLog) {
        return new ChangeEventDeserializer(changeLog, tables(), settings.get(CDC_SERVER_TIME_ZONE));
    }

    private String[] tableNames() {
        return tables().stream().map(SourceTable::qualifiedName).toArray(String[]::new);
    }

    /** Returns Flink CDC's startup options; LSN starts from the latest offset, which its source replaces. */
    private StartupOptions startupOptions() {
        CdcStartupMode mode = settings.get(CDC_STARTUP_MODE);
        switch (mode) {
            case LATEST:
            case LSN:
                return StartupOptions.latest();
            case COMMITTED_OFFSET:
                return StartupOptions.committed();
            default:
                return StartupOptions.initial();
        }
    }

    private int port(SourceType type) {
        Integer port = settings.get(CDC_PORT);
        return port != null ? port : type.defaultPort();
    }

    private String password() {
        return settings.secretFromEnvironment(CDC_PASSWORD_ENV, environment);
    }
}
