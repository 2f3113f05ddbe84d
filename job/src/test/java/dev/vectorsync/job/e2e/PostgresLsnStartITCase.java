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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The postgres-cdc source started at a given LSN, as after a backfill: rows written before the
 * LSN must not reach Milvus, every change after it must, and no snapshot is taken. A replication
 * slot created after the LSN cannot stream from it, and the job must fail saying so.
 */
class PostgresLsnStartITCase {

    private static final String SLOT = "vector_sync_lsn";

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    @RegisterExtension static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = E2eFixtures.miniCluster();

    private static List<Listing> listings;

    @BeforeAll
    static void prepare() throws Exception {
        listings = E2eFixtures.sharedListings("the LSN startup test").subList(3500, 3530);
        PostgresCdcITCase.createDatabase(POSTGRES);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void streamsOnlyChangesAfterLsn() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String posts = "posts_lsn_" + suffix;
        String users = "users_lsn_" + suffix;
        String deadLetters = "dead-letter-lsn-" + suffix;

        String lsn;
        try (Connection db = PostgresCdcITCase.connect(POSTGRES)) {
            // The slot must exist before the LSN: it keeps the WAL from its creation on.
            try (Statement statement = db.createStatement()) {
                statement.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
            }
            for (int id = 1; id <= 10; id++) {
                ListingTables.insertPost(db, id, listings.get(id - 1), "approved");
            }
            ListingTables.insertUser(db, 1, "Sinh viên cần phòng trọ giá rẻ", "Hồ Chí Minh", 3_000_000L);

            lsn = currentLsn(db);

            for (int id = 11; id <= 20; id++) {
                ListingTables.insertPost(db, id, listings.get(id - 1), "approved");
            }
            ListingTables.update(db, "UPDATE dbo.posts SET title = title || ' (sau LSN)', price = 2345000 WHERE id = 1");
            ListingTables.update(db, "DELETE FROM dbo.posts WHERE id = 2");
            ListingTables.update(db, "UPDATE dbo.posts SET status = 'hidden' WHERE id = 11");
            ListingTables.insertUser(db, 2, "Cần căn hộ mini gần trung tâm", "Hà Nội", 8_000_000L);
        }

        JobClient job = start(posts, users, deadLetters, lsn);
        MilvusClientV2 client = MILVUS.createClient();
        try (Connection db = PostgresCdcITCase.connect(POSTGRES)) {
            Set<Long> expected = ids(1, 12, 13, 14, 15, 16, 17, 18, 19, 20);
            awaitPostIds(client, posts, expected, Duration.ofMinutes(4));
            assertPostsEqualTableRows(client, posts, db, expected);
            assertThat(awaitUserIds(client, users, ids(2), Duration.ofMinutes(1))).containsExactly(2L);

            // A change while the job runs arrives after all earlier ones, so rows before the LSN
            // that were still on their way would be visible by now.
            ListingTables.insertPost(db, 21, listings.get(20), "approved");
            Set<Long> withLive = new TreeSet<>(expected);
            withLive.add(21L);
            awaitPostIds(client, posts, withLive, Duration.ofMinutes(2));
            assertPostsEqualTableRows(client, posts, db, withLive);
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
            client.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void rejectsSlotCreatedAfterLsn() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String lsn;
        try (Connection db = PostgresCdcITCase.connect(POSTGRES)) {
            lsn = currentLsn(db);
            ListingTables.insertPost(db, 100, listings.get(25), "approved");
        }

        JobSettings settings = JobConfigLoader.load(PostgresCdcITCase.jobArguments(
                REDIS, MILVUS, POSTGRES, "posts_late_" + suffix, "users_late_" + suffix, "dead-letter-late-" + suffix,
                "--source.type", "postgres-cdc",
                "--source.cdc.slot-name", "vector_sync_late_" + suffix,
                "--source.cdc.startup-mode", "LSN",
                "--source.cdc.startup-lsn", lsn,
                "--restart-strategy.type", "none"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        VectorSyncJob.prepare(env, settings, Map.of(PostgresCdcITCase.PASSWORD_VARIABLE, PostgresCdcITCase.JOB_PASSWORD));
        JobClient job = env.executeAsync("postgres-cdc from LSN with a late slot " + suffix);

        assertThatThrownBy(() -> job.getJobExecutionResult().get(4, TimeUnit.MINUTES))
                .hasStackTraceContaining("replication slot vector_sync_late_" + suffix + " has confirmed position")
                .hasStackTraceContaining("after the startup LSN " + lsn);
    }

    private static String currentLsn(Connection db) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            result.next();
            return result.getString(1);
        }
    }

    private static JobClient start(String posts, String users, String deadLetters, String lsn) throws Exception {
        JobSettings settings = JobConfigLoader.load(PostgresCdcITCase.jobArguments(
                REDIS, MILVUS, POSTGRES, posts, users, deadLetters,
                "--source.type", "postgres-cdc",
                "--source.cdc.slot-name", SLOT,
                "--source.cdc.startup-mode", "LSN",
                "--source.cdc.startup-lsn", lsn));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VectorSyncJob.prepare(env, settings, Map.of(PostgresCdcITCase.PASSWORD_VARIABLE, PostgresCdcITCase.JOB_PASSWORD));
        return env.executeAsync("postgres-cdc from LSN " + lsn + " " + posts);
    }

    /** Waits until the post ids in Milvus equal {@code expected}, then asserts that they do. */
    private static void awaitPostIds(MilvusClientV2 client, String collection, Set<Long> expected, Duration timeout)
            throws InterruptedException {
        Set<Long> actual = awaitIds(client, collection, expected, timeout);
        assertThat(actual).as("post ids in %s after %s", collection, timeout).containsExactlyElementsOf(expected);
    }

    private static Set<Long> awaitUserIds(MilvusClientV2 client, String collection, Set<Long> expected, Duration timeout)
            throws InterruptedException {
        return awaitIds(client, collection, expected, timeout);
    }

    private static Set<Long> awaitIds(MilvusClientV2 client, String collection, Set<Long> expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Long> actual = new TreeSet<>(MilvusRows.all(client, collection).keySet());
        while (System.nanoTime() < deadline && !actual.equals(expected)) {
            Thread.sleep(500);
            actual = new TreeSet<>(MilvusRows.all(client, collection).keySet());
        }
        return actual;
    }

    /** Asserts that every stored field of the posts {@code ids} equals the table's current row. */
    private static void assertPostsEqualTableRows(
            MilvusClientV2 client, String collection, Connection db, Set<Long> ids) throws Exception {
        Map<Long, Map<String, Object>> table = ListingTables.expectedPosts(db);
        Map<Long, Map<String, Object>> rows = MilvusRows.all(client, collection);
        for (long id : ids) {
            for (Map.Entry<String, Object> field : table.get(id).entrySet()) {
                assertThat(rows.get(id).get(field.getKey()))
                        .as("%s of post %d", field.getKey(), id)
                        .isEqualTo(field.getValue());
            }
        }
    }

    private static Set<Long> ids(long... ids) {
        return LongStream.of(ids).boxed().collect(Collectors.toCollection(TreeSet::new));
    }
}
