package dev.vectorsync.job.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobConfigLoaderTest {

    @TempDir Path directory;

    @Test
    void defaultsWithoutArguments() {
        JobSettings settings = JobConfigLoader.load(new String[0]);

        assertThat(settings.mode()).isEqualTo(JobMode.STREAM);
        assertThat(settings.get(VectorSyncOptions.POST_STREAM)).isEqualTo("post-sync");
        assertThat(settings.get(VectorSyncOptions.SINK_MAX_DELAY)).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.get(VectorSyncOptions.PUBLISHABLE_STATUSES))
                .containsExactly("approved", "active");
        assertThat(settings.get(VectorSyncOptions.DIMENSION)).isNull();
    }

    @Test
    void nestedYamlAndCommandLineOverride() throws Exception {
        Path file = directory.resolve("job.yaml");
        Files.writeString(
                file,
                "redis:\n  host: redis.internal\n  port: 6380\n"
                        + "ordering.publishable-statuses: [approved, featured]\n"
                        + "embedding:\n  dimension: 128\n"
                        + "execution.checkpointing.interval: 10 s\n");

        JobSettings settings =
                JobConfigLoader.load(
                        new String[] {"--config", file.toString(), "--redis.port", "7000", "--mode=backfill",
                                "--backfill.jdbc-url", "jdbc:h2:mem:backfill"});

        assertThat(settings.get(VectorSyncOptions.REDIS_HOST)).isEqualTo("redis.internal");
        assertThat(settings.get(VectorSyncOptions.REDIS_PORT)).isEqualTo(7000);
        assertThat(settings.get(VectorSyncOptions.DIMENSION)).isEqualTo(128);
        assertThat(settings.get(VectorSyncOptions.PUBLISHABLE_STATUSES))
                .containsExactly("approved", "featured");
        assertThat(settings.mode()).isEqualTo(JobMode.BACKFILL);
        assertThat(settings.flinkConfiguration().toMap())
                .containsEntry("execution.checkpointing.interval", "10 s")
                .doesNotContainKey("redis.host");
    }

    @Test
    void databaseSourceNeedsDatabaseAndUser() {
        assertThatThrownBy(() -> JobConfigLoader.load(new String[] {"--source.type", "sqlserver-cdc"}))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("source.cdc.database must be set for source.type sqlserver-cdc")
                .hasMessageContaining("source.cdc.username must be set");
    }

    @Test
    void unknownSourceTypeIsRejected() {
        assertThatThrownBy(() -> JobConfigLoader.load(new String[] {"--source.type", "kafka"}))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("source.type must be redis, sqlserver-cdc or postgres-cdc, was 'kafka'");
    }

    @Test
    void committedOffsetOnlyForPostgres() {
        assertThatThrownBy(() -> JobConfigLoader.load(new String[] {
                        "--source.type", "sqlserver-cdc", "--source.cdc.database", "trotot",
                        "--source.cdc.username", "vector_sync", "--source.cdc.startup-mode", "COMMITTED_OFFSET"}))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("COMMITTED_OFFSET works only with source.type postgres-cdc");
    }

    @Test
    void tableAndColumnMappingAreChecked() {
        assertThatThrownBy(() -> JobConfigLoader.load(new String[] {
                        "--source.cdc.posts-table", "posts",
                        "--source.cdc.posts-columns", "prize:price_vnd,title:tieu de",
                        "--source.cdc.server-time-zone", "Saigon/Somewhere"}))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("source.cdc.posts-table must be schema.table")
                .hasMessageContaining("names the unknown field 'prize'")
                .hasMessageContaining("maps title to 'tieu de'")
                .hasMessageContaining("source.cdc.server-time-zone must be a time zone id");
    }

    @Test
    void backfillNeedsJdbcUrlOrDatabaseSource() {
        assertThatThrownBy(() -> JobConfigLoader.load(new String[] {"--mode", "backfill"}))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("--mode backfill reads the database over JDBC: set backfill.jdbc-url");
    }

    @Test
    void unknownKeySuggestsClosest() {
        assertThatThrownBy(() -> JobConfigLoader.load(new String[] {"--redis.hots", "x"}))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("unknown configuration key 'redis.hots'")
                .hasMessageContaining("did you mean 'redis.host'");
    }

    @Test
    void invalidValuesAreAllListed() {
        InvalidConfigurationException error =
                catchInvalid(
                        "--sink.max-buffer-delay", "soon",
                        "--embedding.batch-size", "0",
                        "--embedding.device", "tpu",
                        "--redis.port", "70000",
                        "--source.redis.start-position", "MIDDLE",
                        "--redis.hots", "x",
                        "--mode", "replay");

        assertThat(error.problems()).hasSize(7);
        assertThat(error.problems())
                .anySatisfy(p -> assertThat(p).contains("sink.max-buffer-delay has an invalid value 'soon'")
                        .contains("such as '200 ms'"))
                .anySatisfy(p -> assertThat(p).contains("embedding.batch-size must be positive, was 0"))
                .anySatisfy(p -> assertThat(p).contains("embedding.device must be cpu or cuda, was 'tpu'"))
                .anySatisfy(p -> assertThat(p).contains("redis.port must be at most 65535, was 70000"))
                .anySatisfy(p -> assertThat(p).contains("expected one of [EARLIEST, LATEST]"))
                .anySatisfy(p -> assertThat(p).contains("unknown configuration key 'redis.hots'"))
                .anySatisfy(p -> assertThat(p).contains("--mode must be stream or backfill"));
    }

    @Test
    void durationsShownAsWritten() {
        assertThat(catchInvalid("--ordering.stale-guard-ttl", "10 min").getMessage())
                .contains("(10 min)")
                .contains("(15 min)");
    }

    @Test
    void usageListsOptionsWithDefaults() {
        String usage = JobConfigLoader.usage();

        assertThat(usage).contains("--sink.max-buffer-delay (default: 20 ms)");
        assertThat(usage).contains("--embedding.dimension (default: unset)");
        assertThat(JobConfigLoader.isHelpRequest(new String[] {"--redis.port", "1", "--help"})).isTrue();
    }

    @Test
    void crossFieldChecks() {
        assertThat(catchInvalid("--source.redis.user-stream", "post-sync").getMessage())
                .contains("must name different streams");
        assertThat(catchInvalid("--dead-letter.stream", "user-sync").getMessage())
                .contains("dead-letter.stream must differ from the source streams");
        assertThat(catchInvalid("--ordering.stale-guard-ttl", "10 min").getMessage())
                .contains("must be longer than embedding.timeout times embedding.max-attempts");
        assertThat(catchInvalid("--embedding.dimension", "-1").getMessage())
                .contains("embedding.dimension must be positive");
        assertThat(catchInvalid("--embedding.max-length", "9000").getMessage())
                .contains("between 8 and 8192");
        assertThat(catchInvalid("--milvus.uri", "milvus:19530").getMessage())
                .contains("milvus.uri must start with http://");
    }

    @Test
    void malformedArguments() {
        assertThat(catchInvalidArgs(new String[] {"redis.host"}).getMessage())
                .contains("unexpected argument 'redis.host'");
        assertThat(catchInvalidArgs(new String[] {"--redis.host"}).getMessage())
                .contains("--redis.host has no value");
        assertThat(catchInvalidArgs(new String[] {"--mode", "replay"}).getMessage())
                .contains("--mode must be stream or backfill");
        assertThat(catchInvalidArgs(new String[] {"--config", directory.resolve("none.yaml").toString()}).getMessage())
                .contains("does not exist");
    }

    @Test
    void secretsComeFromEnvironment() {
        JobSettings settings = JobConfigLoader.load(new String[] {"--milvus.token-env", "MY_TOKEN"});
        Map<String, String> environment = Map.of("MY_TOKEN", "root:Milvus", "REDIS_PASSWORD", "");

        assertThat(settings.secretFromEnvironment(VectorSyncOptions.MILVUS_TOKEN_ENV, environment))
                .isEqualTo("root:Milvus");
        assertThat(settings.secretFromEnvironment(VectorSyncOptions.REDIS_PASSWORD_ENV, environment))
                .isNull();
        assertThat(settings.toString()).doesNotContain("root:Milvus");
    }

    @Test
    void everyOptionHasDescription() {
        assertThat(VectorSyncOptions.all()).hasSizeGreaterThan(30);
        assertThat(VectorSyncOptions.all())
                .allSatisfy(option -> assertThat(JobConfigLoader.descriptionText(option)).isNotBlank());
    }

    @Test
    void referenceFileLoadsAndListsEveryOption() throws Exception {
        Path reference = Path.of("config", "vector-sync.yaml");
        String text = Files.readString(reference);

        JobSettings settings = JobConfigLoader.load(new String[] {"--config", reference.toString()});

        assertThat(settings.get(VectorSyncOptions.MILVUS_URI)).isEqualTo("http://127.0.0.1:19530");
        for (var option : VectorSyncOptions.all()) {
            String leaf = option.key().substring(option.key().lastIndexOf('.') + 1);
            assertThat(text).as("reference file mentions %s", option.key()).contains(leaf + ":");
        }
    }

    @Test
    void startupLsnChecks() {
        assertThat(catchInvalid("--source.type", "postgres-cdc", "--source.cdc.database", "trotot",
                        "--source.cdc.username", "u", "--source.cdc.startup-mode", "LSN").getMessage())
                .contains("source.cdc.startup-mode LSN needs source.cdc.startup-lsn")
                .contains("0/16B3748");
        assertThat(catchInvalid("--source.type", "postgres-cdc", "--source.cdc.database", "trotot",
                        "--source.cdc.username", "u", "--source.cdc.startup-mode", "LSN",
                        "--source.cdc.startup-lsn", "16B3748").getMessage())
                .contains("source.cdc.startup-lsn is an invalid Postgres LSN '16B3748': expected 0/16B3748");
        assertThat(catchInvalid("--source.type", "sqlserver-cdc", "--source.cdc.database", "trotot",
                        "--source.cdc.username", "u", "--source.cdc.startup-mode", "LSN",
                        "--source.cdc.startup-lsn", "0/16B3748").getMessage())
                .contains("source.cdc.startup-lsn is an invalid SQL Server LSN '0/16B3748': expected"
                        + " 0000002a:00000f10:0003");
        assertThat(catchInvalid("--source.cdc.startup-mode", "LSN", "--source.cdc.startup-lsn", "0/1").getMessage())
                .contains("source.cdc.startup-mode LSN works only with source.type sqlserver-cdc or postgres-cdc");
        assertThat(catchInvalid("--source.type", "postgres-cdc", "--source.cdc.database", "trotot",
                        "--source.cdc.username", "u", "--source.cdc.startup-lsn", "0/16B3748").getMessage())
                .contains("source.cdc.startup-lsn is set to '0/16B3748' but source.cdc.startup-mode is INITIAL");
    }

    @Test
    void startupLsnAcceptedForBothDatabases() {
        JobSettings postgres = JobConfigLoader.load(new String[] {"--source.type", "postgres-cdc",
                "--source.cdc.database", "trotot", "--source.cdc.username", "u",
                "--source.cdc.startup-mode", "lsn", "--source.cdc.startup-lsn", "0/16B3748"});
        JobSettings sqlServer = JobConfigLoader.load(new String[] {"--source.type", "sqlserver-cdc",
                "--source.cdc.database", "trotot", "--source.cdc.username", "u",
                "--source.cdc.startup-mode", "LSN", "--source.cdc.startup-lsn", "0000002a:00000f10:0003"});

        assertThat(postgres.get(VectorSyncOptions.CDC_STARTUP_LSN)).isEqualTo("0/16B3748");
        assertThat(sqlServer.get(VectorSyncOptions.CDC_STARTUP_MODE))
                .isEqualTo(VectorSyncOptions.CdcStartupMode.LSN);
    }

    private static InvalidConfigurationException catchInvalid(String... args) {
        return catchInvalidArgs(args);
    }

    private static InvalidConfigurationException catchInvalidArgs(String[] args) {
        try {
            JobConfigLoader.load(args);
        } catch (InvalidConfigurationException e) {
            return e;
        }
        throw new AssertionError("expected an invalid configuration for " + List.of(args));
    }
}
