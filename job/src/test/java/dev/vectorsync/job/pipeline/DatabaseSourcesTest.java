package dev.vectorsync.job.pipeline;

import dev.vectorsync.event.EntityType;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.source.cdc.SourceTable;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
