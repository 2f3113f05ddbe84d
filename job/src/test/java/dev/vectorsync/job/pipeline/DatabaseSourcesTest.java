package dev.vectorsync.job.pipeline;

import dev.vectorsync.event.EntityType;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.source.cdc.SourceTable;
import dev.vectorsync.source.cdc.startup.PostgresLsnStartSource;
import dev.vectorsync.source.cdc.startup.SqlServerLsnStartSource;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cdc.connectors.base.options.StartupMode;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.sqlserver.source.config.SqlServerSourceConfig;
import org.apache.flink.cdc.connectors.sqlserver.source.config.SqlServerSourceConfigFactory;
import org.apache.flink.cdc.connectors.sqlserver.source.offset.LsnFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSourcesTest {

    private static DatabaseSources sources(String... args) {
        JobSettings settings = JobConfigLoader.load(args);
        return new DatabaseSources(settings, Map.of("SOURCE_DB_PASSWORD", "secret"));
    }

    @Test
    void sqlServerSourceBuildsWithoutServer() {
        Source<?, ?, ?> source = sources(
                "--source.type", "sqlserver-cdc", "--source.cdc.database", "trotot",
                "--source.cdc.username", "vector_sync").cdcSource();

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    }

    @Test
    void sqlServerLsnSourceStartsAtLsn() {
        DatabaseSources sources = sources(
                "--source.type", "sqlserver-cdc", "--source.cdc.database", "trotot",
                "--source.cdc.username", "vector_sync",
                "--source.cdc.startup-mode", "LSN", "--source.cdc.startup-lsn", "0x0000002A00000F100003");

        Source<?, ?, ?> source = sources.cdcSource();

        assertThat(source).isInstanceOf(SqlServerLsnStartSource.class);
        assertThat(((SqlServerLsnStartSource<?>) source).startingOffset().getOffset())
                .containsEntry("commit_lsn", "0000002a:00000f10:0003")
                .containsEntry("change_lsn", "0000002a:00000f10:0003");
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    }

    @Test
    void sqlServerLsnConfigStreamsWithoutSnapshot() {
        SqlServerSourceConfig config = sources(
                "--source.type", "sqlserver-cdc", "--source.cdc.database", "trotot",
                "--source.cdc.username", "vector_sync", "--source.cdc.hostname", "mssql",
                "--source.cdc.startup-mode", "LSN", "--source.cdc.startup-lsn", "0000002a:00000f10:0003")
                .sqlServerConfig()
                .create(0);

        assertThat(config.getStartupOptions().startupMode).isEqualTo(StartupMode.LATEST_OFFSET);
        assertThat(config.getStartupOptions().isStreamOnly()).isTrue();
        assertThat(config.getDbzProperties().getProperty("snapshot.mode")).isEqualTo("schema_only");
        assertThat(config.getHostname()).isEqualTo("mssql");
        assertThat(config.getPort()).isEqualTo(1433);
        assertThat(config.getDatabaseList()).containsExactly("trotot");
        assertThat(config.getTableList()).containsExactly("dbo.posts", "dbo.users");
        assertThat(config.getUsername()).isEqualTo("vector_sync");
        assertThat(config.getPassword()).isEqualTo("secret");
    }

    @Test
    void sqlServerInitialConfigTakesSnapshot() {
        SqlServerSourceConfig config = sources(
                "--source.type", "sqlserver-cdc", "--source.cdc.database", "trotot",
                "--source.cdc.username", "vector_sync")
                .sqlServerConfig()
                .create(0);

        assertThat(config.getStartupOptions().startupMode).isEqualTo(StartupMode.INITIAL);
        assertThat(config.getDbzProperties().getProperty("snapshot.mode")).isEqualTo("initial");
    }

    /** Why the LSN mode replaces the stream split's offset instead of using specificOffset. */
    @Test
    void sqlServerRejectsSpecificOffsetStartup() {
        assertThatThrownBy(() -> new SqlServerSourceConfigFactory()
                        .startupOptions(StartupOptions.specificOffset("0000002a:00000f10:0003", 0)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("SPECIFIC_OFFSETS");
        assertThatThrownBy(() -> new LsnFactory().newOffset("0000002a:00000f10:0003", 0L))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void postgresLsnSourceStartsAtLsn() {
        Source<?, ?, ?> source = sources(
                "--source.type", "postgres-cdc", "--source.cdc.database", "trotot",
                "--source.cdc.username", "vector_sync",
                "--source.cdc.startup-mode", "LSN", "--source.cdc.startup-lsn", "0/16B3748").cdcSource();

        assertThat(source).isInstanceOf(PostgresLsnStartSource.class);
        assertThat(((PostgresLsnStartSource<?>) source).startingOffset().getOffset())
                .containsEntry("lsn", String.valueOf(0x16B3748L));
    }

    @Test
    void jdbcUrlDerivedFromSourceType() {
        assertThat(sources("--source.type", "sqlserver-cdc", "--source.cdc.database", "trotot",
                        "--source.cdc.username", "u", "--source.cdc.hostname", "mssql").jdbcUrl())
                .isEqualTo("jdbc:sqlserver://mssql:1433;databaseName=trotot");
        assertThat(sources("--source.type", "postgres-cdc", "--source.cdc.database", "trotot",
                        "--source.cdc.username", "u", "--source.cdc.port", "6543").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:6543/trotot");
        assertThat(sources("--backfill.jdbc-url", "jdbc:h2:mem:x").jdbcUrl()).isEqualTo("jdbc:h2:mem:x");
    }

    @Test
    void columnOverridesReplaceDefaults() {
        List<SourceTable> tables = sources(
                "--source.cdc.posts-columns", "price:price_vnd,userId:owner_id",
                "--source.cdc.users-id-column", "user_id").tables();

        SourceTable posts = tables.get(0);
        assertThat(posts.entityType()).isEqualTo(EntityType.POST);
        assertThat(posts.columnByField()).containsEntry("price", "price_vnd")
                .containsEntry("userId", "owner_id")
                .containsEntry("title", "title")
                .containsEntry("createdAt", "created_at");
        assertThat(tables.get(1).idColumn()).isEqualTo("user_id");
        assertThat(tables.get(1).columnByField()).containsEntry("preferredCity", "preferred_city");
    }
}
