package dev.vectorsync.job.e2e;

import dev.vectorsync.job.VectorSyncJob;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.testing.MilvusLiteServer;
import dev.vectorsync.testing.PostgresServerExtension;
import dev.vectorsync.testing.RedisServerExtension;

import io.milvus.v2.client.MilvusClientV2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The postgres-cdc source end to end: a PostgreSQL server with logical decoding, the Flink CDC
 * Postgres connector, the shared conversion code and pipeline, Milvus Lite. The table gets a
 * snapshot of real listings, then inserts, updates, deletes and status changes while the job
 * streams; the TaskManager is killed in the middle, and at the end Milvus must equal the table.
 */
class PostgresCdcITCase {

    static final String DATABASE = "trotot";
    static final String JOB_USER = "vector_sync";
    static final String JOB_PASSWORD = "vector-sync-test";
    static final String PASSWORD_VARIABLE = "SOURCE_DB_PASSWORD";

    private static final int LISTINGS = 150;

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    @RegisterExtension static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = E2eFixtures.miniCluster();

    private static List<Listing> listings;
    private static ReferenceEmbedder reference;

    @BeforeAll
    static void prepare() throws Exception {
        listings = E2eFixtures.sharedListings("the Postgres CDC test").subList(3000, 3000 + LISTINGS + 40);
        createDatabase(POSTGRES);
        reference = new ReferenceEmbedder();
    }

    @AfterAll
    static void closeReference() throws Exception {
        if (reference != null) {
            reference.close();
        }
    }

    /** Creates {@link #DATABASE} with the tables, publication and job role of the init script. */
    static void createDatabase(PostgresServerExtension postgres) throws Exception {
        postgres.execute("postgres", "CREATE DATABASE " + DATABASE);
        postgres.execute(DATABASE, initScript());
    }

    static String initScript() throws IOException {
        try (InputStream in = PostgresCdcITCase.class.getResourceAsStream("/postgres/init.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace(":'password'", "'" + JOB_PASSWORD + "'");
        }
    }

    static Connection connect(PostgresServerExtension postgres) throws Exception {
        return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), PostgresServerExtension.SUPERUSER,
                PostgresServerExtension.SUPERUSER_PASSWORD);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void streamsSnapshotAndChangesThroughFailover(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String posts = "posts_pg_" + suffix;
        String users = "users_pg_" + suffix;
        String deadLetters = "dead-letter-pg-" + suffix;

        try (Connection db = connect(POSTGRES)) {
            for (int i = 0; i < LISTINGS; i++) {
                ListingTables.insertPost(db, i + 1, listings.get(i), i >= LISTINGS - 10 ? "pending" : "approved");
            }
            ListingTables.insertUser(db, 1, "Sinh viên cần phòng trọ gần Đại học Bách Khoa", "Hồ Chí Minh", 3_000_000L);
            ListingTables.insertUser(db, 2, "Gia đình cần căn hộ hai phòng ngủ", "Hà Nội", 12_000_000L);
            ListingTables.insertUser(db, 3, "Tìm mặt bằng kinh doanh", "Đà Nẵng", 30_000_000L);
        }

        JobClient job = start(posts, users, deadLetters);
        MilvusClientV2 client = MILVUS.createClient();
        try (Connection db = connect(POSTGRES)) {
            ListingTables.awaitPosts(client, posts, db, Duration.ofMinutes(5));

            for (int i = LISTINGS; i < LISTINGS + 10; i++) {
                ListingTables.insertPost(db, i + 1, listings.get(i), "approved");
            }
            ListingTables.update(db, "UPDATE dbo.posts SET title = title || ' - giảm giá', price = price - 100000"
                    + " WHERE id BETWEEN 1 AND 10");
            ListingTables.update(db, "DELETE FROM dbo.posts WHERE id BETWEEN 11 AND 15");
            ListingTables.update(db, "UPDATE dbo.posts SET status = 'hidden' WHERE id BETWEEN 16 AND 20");
            ListingTables.update(db, "UPDATE dbo.posts SET status = 'approved' WHERE id BETWEEN 141 AND 145");
            ListingTables.update(db, "UPDATE dbo.users SET bio = 'Gia đình cần nhà nguyên căn có sân' WHERE id = 2");
            ListingTables.update(db, "DELETE FROM dbo.users WHERE id = 3");
            ListingTables.update(db, "INSERT INTO dbo.posts (id, title, status, price) VALUES (9001, 'Giá âm', 'approved', -1)");
            ListingTables.awaitPosts(client, posts, db, Duration.ofMinutes(5));

            miniCluster.terminateTaskManager(0).get(1, TimeUnit.MINUTES);
            ListingTables.update(db, "UPDATE dbo.posts SET title = title || ' (lần 2)' WHERE id BETWEEN 1 AND 5");
            ListingTables.update(db, "DELETE FROM dbo.posts WHERE id IN (151, 152)");
            for (int i = LISTINGS + 10; i < LISTINGS + 15; i++) {
                ListingTables.insertPost(db, i + 1, listings.get(i), "approved");
            }
            ListingTables.update(db, "UPDATE dbo.posts SET status = 'approved' WHERE id BETWEEN 16 AND 17");
            miniCluster.startTaskManager();

            ListingTables.awaitPosts(client, posts, db, Duration.ofMinutes(5));
            ListingTables.assertPostsEqualTable(client, posts, db, reference);
            assertUsers(client, users);
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
            client.close();
        }
        assertDeadLetter(deadLetters);
    }

    private static JobClient start(String posts, String users, String deadLetters) throws Exception {
        JobSettings settings = JobConfigLoader.load(jobArguments(REDIS, MILVUS, POSTGRES, posts, users, deadLetters,
                "--source.type", "postgres-cdc",
                "--source.cdc.slot-name", "vector_sync_" + posts.substring(posts.length() - 8),
                "--restart-strategy.type", "fixed-delay",
                "--restart-strategy.fixed-delay.attempts", "20",
                "--restart-strategy.fixed-delay.delay", "2 s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VectorSyncJob.prepare(env, settings, Map.of(PASSWORD_VARIABLE, JOB_PASSWORD));
        return env.executeAsync("postgres-cdc test " + posts);
    }

    /** Arguments shared by the Postgres CDC and backfill tests. */
    static String[] jobArguments(
            RedisServerExtension redis, MilvusLiteServer milvus, PostgresServerExtension postgres,
            String posts, String users, String deadLetters, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--redis.port", String.valueOf(redis.getPort()),
                "--milvus.uri", milvus.uri(),
                "--source.cdc.port", String.valueOf(postgres.getPort()),
                "--source.cdc.database", DATABASE,
                "--source.cdc.username", JOB_USER,
                "--source.cdc.password-env", PASSWORD_VARIABLE,
                "--source.cdc.split-size", "40",
                "--dead-letter.stream", deadLetters,
                "--milvus.posts-collection", posts,
                "--milvus.users-collection", users,
                "--sink.max-buffer-delay", "100 ms",
                "--embedding.batch-size", "16",
                "--embedding.intra-op-threads", "2",
                "--execution.checkpointing.interval", "1 s"));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    private static void assertUsers(MilvusClientV2 client, String users) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        Map<Long, Map<String, Object>> rows = MilvusRows.all(client, users);
        while (System.nanoTime() < deadline && !rows.keySet().equals(java.util.Set.of(1L, 2L))) {
            Thread.sleep(200);
            rows = MilvusRows.all(client, users);
        }
        assertThat(rows.keySet()).as("user ids").containsExactlyInAnyOrder(1L, 2L);
        assertThat(rows.get(2L).get("bio")).isEqualTo("Gia đình cần nhà nguyên căn có sân");
        assertThat(rows.get(1L).get("budget_max")).isEqualTo(3_000_000L);
        assertThat(rows.get(1L).get("area_min")).isEqualTo(15.5);
    }

    private static void assertDeadLetter(String stream) {
        try (Jedis jedis = REDIS.openConnection()) {
            List<StreamEntry> letters = jedis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null);
            assertThat(letters).as("dead letters").isNotEmpty();
            Map<String, String> letter = letters.get(0).getFields();
            assertThat(letter.get("reason")).isEqualTo("dbo.posts.price must not be negative, was -1");
            assertThat(letter.get("source_stream")).isEqualTo("dbo.posts");
            assertThat(letter.get("source_id")).startsWith("lsn=");
            assertThat(letter.get("payload")).contains("Giá âm");
            assertThat(letter.get("stage")).isEqualTo("decode");
        }
    }
}
