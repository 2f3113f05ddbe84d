package dev.vectorsync.job.e2e;

import dev.vectorsync.job.VectorSyncJob;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.job.pipeline.BackfillSummary;
import dev.vectorsync.testing.MilvusLiteServer;
import dev.vectorsync.testing.PostgresServerExtension;
import dev.vectorsync.testing.RedisServerExtension;

import io.milvus.v2.client.MilvusClientV2;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --mode backfill} in BATCH mode with the same portable queries against PostgreSQL and
 * against H2 in MSSQLServer mode with the tables of {@code compose/sqlserver/init.sql}; and the
 * handover from a backfill to the postgres-cdc stream through a replication slot created first.
 */
class JdbcBackfillITCase {

    private static final int POSTS = 60;
    private static final int HIDDEN = 10;

    /**
     * Keys per backfill split. The post keys 1 to 60 and 9001 make 563 splits, most of them empty,
     * so each of the two readers reads many splits one after the other.
     */
    private static final int SPLIT_ROWS = 16;

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    @RegisterExtension static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = E2eFixtures.miniCluster();

    private static List<Listing> listings;
    private static ReferenceEmbedder reference;

    @BeforeAll
    static void prepare() throws Exception {
        listings = E2eFixtures.sharedListings("the backfill test").subList(3300, 3300 + POSTS + 10);
        PostgresCdcITCase.createDatabase(POSTGRES);
        reference = new ReferenceEmbedder();
    }

    @AfterAll
    static void closeReference() throws Exception {
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void backfillFromPostgresThenHandOverToCdc() throws Exception {
        Names names = new Names("pgbf");
        String slot = "vector_sync_handover";
        try (Connection db = PostgresCdcITCase.connect(POSTGRES)) {
            loadRows(db);
            try (Statement statement = db.createStatement()) {
                statement.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            }
            ListingTables.update(db, "UPDATE dbo.posts SET title = title || ' (trước backfill)' WHERE id IN (1, 2)");
        }

        BackfillSummary summary = runBackfill(names, "--source.type", "postgres-cdc");

        MilvusClientV2 client = MILVUS.createClient();
        try (Connection db = PostgresCdcITCase.connect(POSTGRES)) {
            assertSummary(summary);
            ListingTables.assertPostsEqualTable(client, names.posts, db, reference);
            assertDeadLetter(names.deadLetters, "dbo.posts");

            ListingTables.update(db, "UPDATE dbo.posts SET title = title || ' (sau backfill)', price = 1234000 WHERE id = 3");
            ListingTables.update(db, "DELETE FROM dbo.posts WHERE id = 4");
            ListingTables.update(db, "UPDATE dbo.posts SET status = 'hidden' WHERE id = 5");
            ListingTables.insertPost(db, POSTS + 1, listings.get(POSTS), "approved");

            JobClient stream = startStream(names, slot);
            try {
                ListingTables.awaitPosts(client, names.posts, db, Duration.ofMinutes(4));
                ListingTables.assertPostsEqualTable(client, names.posts, db, reference);
            } finally {
                stream.cancel().get(1, TimeUnit.MINUTES);
            }
        } finally {
            client.close();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void backfillFromH2InSqlServerMode(@TempDir Path directory) throws Exception {
        Names names = new Names("h2bf");
        String url = "jdbc:h2:file:" + directory.resolve("trotot") + ";MODE=MSSQLServer";
        try (Connection db = DriverManager.getConnection(url, "sa", "")) {
            createSqlServerTables(db);
            loadRows(db);
        }

        BackfillSummary summary = runBackfill(names, "--backfill.jdbc-url", url,
                "--source.cdc.username", "sa", "--source.cdc.password-env", "H2_PASSWORD_UNSET");

        MilvusClientV2 client = MILVUS.createClient();
        try (Connection db = DriverManager.getConnection(url, "sa", "")) {
            assertSummary(summary);
            ListingTables.assertPostsEqualTable(client, names.posts, db, reference);
            assertThat(MilvusRows.all(client, names.users).keySet()).containsExactlyInAnyOrder(1L, 2L);
        } finally {
            client.close();
        }
        assertDeadLetter(names.deadLetters, "dbo.posts");
    }

    /** Creates the tables of compose/sqlserver/init.sql; H2 has no datetimeoffset, so it gets its equivalent. */
    private static void createSqlServerTables(Connection db) throws Exception {
        String script = Files.readString(sqlServerInitScript(), StandardCharsets.UTF_8);
        String tables = script.substring(script.indexOf("CREATE TABLE dbo.posts"), script.indexOf("-- CDC for the database"));
        try (Statement statement = db.createStatement()) {
            statement.execute("CREATE SCHEMA dbo");
            for (String batch : tables.split("\\bGO\\b")) {
                String sql = batch.replaceAll("--[^\n]*", "").trim();
                if (!sql.isEmpty()) {
                    statement.execute(sql.replace("datetimeoffset(7)", "TIMESTAMP(7) WITH TIME ZONE"));
                }
            }
        }
    }

    private static Path sqlServerInitScript() {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            Path script = directory.resolve("compose/sqlserver/init.sql");
            if (Files.exists(script)) {
                return script;
            }
        }
        throw new IllegalStateException("compose/sqlserver/init.sql was not found above " + Path.of("").toAbsolutePath());
    }

    private static void loadRows(Connection db) throws Exception {
        for (int i = 0; i < POSTS; i++) {
            ListingTables.insertPost(db, i + 1, listings.get(i), i < POSTS - HIDDEN ? "approved" : "hidden");
        }
        ListingTables.insertUser(db, 1, "Sinh viên cần phòng trọ giá rẻ", "Hồ Chí Minh", 3_000_000L);
        ListingTables.insertUser(db, 2, "Cần căn hộ mini gần trung tâm", "Hà Nội", 8_000_000L);
        ListingTables.update(db, "INSERT INTO dbo.posts (id, title, status, price) VALUES (9001, 'Giá âm', 'approved', -1)");
    }

    private static void assertSummary(BackfillSummary summary) {
        assertThat(summary.rowsRead()).as("rows read").isEqualTo(POSTS + 2 + 1);
        assertThat(summary.rowsWritten()).as("rows written").isEqualTo(POSTS - HIDDEN + 2);
        assertThat(summary.rowsNotPublishable()).as("rows not publishable").isEqualTo(HIDDEN);
        assertThat(summary.deadLetters()).as("dead letters").isEqualTo(1);
        assertThat(summary.toString()).contains("63 rows read").contains("rows/s");
    }

    private static BackfillSummary runBackfill(Names names, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(PostgresCdcITCase.jobArguments(
                REDIS, MILVUS, POSTGRES, names.posts, names.users, names.deadLetters,
                "--mode", "backfill", "--backfill.split-rows", String.valueOf(SPLIT_ROWS))));
        args.addAll(List.of(extra));
        JobSettings settings = JobConfigLoader.load(args.toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VectorSyncJob.prepare(env, settings, Map.of(PostgresCdcITCase.PASSWORD_VARIABLE, PostgresCdcITCase.JOB_PASSWORD));
        JobExecutionResult result = env.execute("backfill test " + names.posts);
        return BackfillSummary.of(result);
    }

    private static JobClient startStream(Names names, String slot) throws Exception {
        JobSettings settings = JobConfigLoader.load(PostgresCdcITCase.jobArguments(
                REDIS, MILVUS, POSTGRES, names.posts, names.users, names.deadLetters,
                "--source.type", "postgres-cdc",
                "--source.cdc.slot-name", slot,
                "--source.cdc.startup-mode", "COMMITTED_OFFSET"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VectorSyncJob.prepare(env, settings, Map.of(PostgresCdcITCase.PASSWORD_VARIABLE, PostgresCdcITCase.JOB_PASSWORD));
        return env.executeAsync("stream after backfill " + names.posts);
    }

    private static void assertDeadLetter(String stream, String table) {
        try (Jedis jedis = REDIS.openConnection()) {
            List<StreamEntry> letters = jedis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null);
            assertThat(letters).as("dead letters").hasSize(1);
            Map<String, String> letter = letters.get(0).getFields();
            assertThat(letter.get("reason")).startsWith(table + ".price must not be negative");
            assertThat(letter.get("source_stream")).isEqualTo(table);
            assertThat(letter.get("source_id")).isEqualTo("id=9001");
        }
    }

    private static final class Names {
        final String posts;
        final String users;
        final String deadLetters;

        Names(String prefix) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            posts = "posts_" + prefix + "_" + suffix;
            users = "users_" + prefix + "_" + suffix;
            deadLetters = "dead-letter-" + prefix + "-" + suffix;
        }
    }
}
