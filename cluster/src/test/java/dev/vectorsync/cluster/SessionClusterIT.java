package dev.vectorsync.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorsync.cluster.LocalSessionCluster.ScriptResult;
import dev.vectorsync.testing.MilvusLiteServer;
import dev.vectorsync.testing.PostgresServerExtension;
import dev.vectorsync.testing.RedisServerExtension;

import io.milvus.v2.client.MilvusClientV2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged job on a real local session cluster (a JobManager and TaskManagers as
 * separate JVMs, started by bin/cluster) and operates it with bin/vector-sync as the README
 * describes: deploy, upgrade from a savepoint with other settings, survive a killed TaskManager,
 * redeploy into a TaskManager that already ran the job, and run a bounded backfill.
 *
 * <p>The steps build on each other and run in order on one cluster, Redis and Milvus Lite.
 * Events are few (tens per step) because the bundled model embeds about 5 texts/s on 2 cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SessionClusterIT {

    private static final String POSTS = "posts_hybrid";
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SAVEPOINT_LINE = Pattern.compile("(?m)^Savepoint: (\\S+)$");

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    @RegisterExtension static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    private static final String BACKFILL_DATABASE = "trotot";
    private static final String BACKFILL_PASSWORD_VARIABLE = "VECTOR_SYNC_TEST_DB_PASSWORD";
    private static final String BACKFILL_PASSWORD = "backfill-test";

    private final PostEvents posts = new PostEvents("post-sync");
    private LocalSessionCluster cluster;
    private MilvusClientV2 milvus;

    @BeforeAll
    void startCluster() throws Exception {
        Path root = Path.of(System.getProperty("vectorsync.root")).toRealPath();
        Path jobJar = Path.of(System.getProperty("vectorsync.job-jar"));
        Path flinkLib = Path.of(System.getProperty("vectorsync.flink-lib"));
        assertThat(jobJar).as("the job's cluster jar, built by mvn package").isRegularFile();
        assertThat(flinkLib.resolve("flink-runtime-1.20.3.jar")).as("the cluster's lib/").isRegularFile();

        cluster = LocalSessionCluster.create(root, Path.of(System.getProperty("vectorsync.work-dir")), flinkLib, jobJar);
        cluster.runOrFail("cluster", "start");
        milvus = MILVUS.createClient();
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            if (milvus != null) {
                milvus.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void deploySyncsBatch() throws Exception {
        try (Jedis jedis = REDIS.openConnection()) {
            posts.upsert(jedis, 1, 20, 1);
        }

        ScriptResult deployed =
                cluster.runOrFail("vector-sync", jobArgs("deploy", "-p", "2", "--embedding.batch-size", "8"));

        assertThat(deployed.output()).contains("Job has been submitted with JobID");
        assertSynced();
        assertThat(runningJobs()).hasSize(1);
    }

    @Test
    @Order(2)
    void upgradeFromSavepointKeepsSyncing() throws Exception {
        try (Jedis jedis = REDIS.openConnection()) {
            posts.upsert(jedis, 21, 35, 1);
            posts.upsert(jedis, 1, 5, 2);
        }
        String before = runningJobs().get(0);

        // Another parallelism and sink and embedding settings, from the savepoint of the first run.
        ScriptResult upgraded =
                cluster.runOrFail(
                        "vector-sync",
                        jobArgs("upgrade", "-p", "1",
                                "--sink.max-buffered-actions", "7",
                                "--embedding.batch-size", "4"));
        try (Jedis jedis = REDIS.openConnection()) {
            posts.upsert(jedis, 36, 45, 1);
            posts.delete(jedis, 6, 8, 3);
        }

        assertThat(savepointOf(upgraded)).as("savepoint written by the upgrade").exists();
        assertThat(upgraded.output()).contains("Job has been submitted with JobID");
        List<String> after = runningJobs();
        assertThat(after).hasSize(1).doesNotContain(before);
        assertSynced();
        assertThat(restoredCheckpoint(after.get(0)).path("is_savepoint").asBoolean())
                .as("the upgraded job started from the savepoint")
                .isTrue();
    }

    @Test
    @Order(3)
    void killedTaskManagerRecoversFromCheckpoint() throws Exception {
        String job = runningJobs().get(0);
        int rowsBefore = MilvusPosts.titles(milvus, POSTS).size();
        try (Jedis jedis = REDIS.openConnection()) {
            posts.upsert(jedis, 46, 85, 1);
            posts.upsert(jedis, 21, 25, 2);
        }
        int rowsAtKill = MilvusPosts.awaitAtLeast(milvus, POSTS, rowsBefore + 5, SYNC_TIMEOUT);

        long killedPid = cluster.pid("taskmanager-1");
        cluster.runOrFail("cluster", "stop-taskmanager", "1", "--kill");
        assertThat(ProcessHandle.of(killedPid)).as("the killed TaskManager process").isEmpty();
        cluster.runOrFail("cluster", "start-taskmanager");

        assertThat(rowsAtKill).as("rows in Milvus when the TaskManager was killed")
                .isLessThan(posts.expectedTitles().size());
        assertSynced();
        assertThat(runningJobs()).containsExactly(job);
        assertThat(restoredCheckpoint(job).path("is_savepoint").asBoolean())
                .as("the job restored a checkpoint, not its savepoint")
                .isFalse();
    }

    @Test
    @Order(4)
    void redeployIntoSameTaskManagerLoadsNativesOnce() throws Exception {
        cluster.runOrFail("vector-sync", jobArgs("upgrade", "-p", "1"));
        try (Jedis jedis = REDIS.openConnection()) {
            posts.upsert(jedis, 86, 95, 1);
        }

        assertSynced();
        assertThat(runningJobs()).hasSize(1);
        String log = cluster.taskManagerLog(1);
        assertThat(log).doesNotContain("UnsatisfiedLinkError");
        assertThat(log).doesNotContain("already loaded in another classloader");
        assertThat(log).doesNotContain("OutOfMemoryError");
        // One load per job run; the replacement TaskManager appends to the killed one's log:
        // deploy, upgrade, recovery, redeploy.
        assertThat(count(log, "Loaded embedding model")).isGreaterThanOrEqualTo(4);
    }

    @Test
    @Order(5)
    void backfillFinishesInBatchMode() throws Exception {
        Map<Long, String> expected = createBackfillTables();

        ScriptResult result =
                cluster.run(
                        Map.of(BACKFILL_PASSWORD_VARIABLE, BACKFILL_PASSWORD),
                        "vector-sync",
                        jobArgs("backfill",
                                "--source.type", "postgres-cdc",
                                "--source.cdc.port", Integer.toString(POSTGRES.getPort()),
                                "--source.cdc.database", BACKFILL_DATABASE,
                                "--source.cdc.username", "vector_sync",
                                "--source.cdc.password-env", BACKFILL_PASSWORD_VARIABLE,
                                "--dead-letter.stream", "backfill-dead-letters",
                                "--milvus.posts-collection", "backfill_posts",
                                "--milvus.users-collection", "backfill_users",
                                "--parallelism.default", "1"));

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.output()).containsPattern("Job with JobID [0-9a-f]{32} has finished");
        assertThat(result.output())
                .contains("Backfill finished: 14 rows read, 12 written to Milvus, 2 skipped as not publishable");
        assertThat(MilvusPosts.titles(milvus, "backfill_posts")).isEqualTo(expected);
        assertThat(runningJobs()).as("the streaming job keeps running next to the backfill").hasSize(1);
    }

    /**
     * Creates the posts and users tables of the Postgres init script with 13 posts (two hidden)
     * and one user; returns the titles Milvus must hold after the backfill.
     */
    private static Map<Long, String> createBackfillTables() throws Exception {
        Path script = Path.of("..", "job", "src", "test", "resources", "postgres", "init.sql");
        String init = Files.readString(script).replace(":'password'", "'" + BACKFILL_PASSWORD + "'");
        POSTGRES.execute("postgres", "CREATE DATABASE " + BACKFILL_DATABASE);
        POSTGRES.execute(BACKFILL_DATABASE, init);

        Map<Long, String> expected = new java.util.TreeMap<>();
        StringBuilder inserts = new StringBuilder();
        for (long id = 1; id <= 13; id++) {
            String status = id > 11 ? "hidden" : "approved";
            String title = "Phòng trọ backfill số " + id + " gần chợ Bến Thành";
            inserts.append("INSERT INTO dbo.posts (id, title, description, status, price, updated_at) VALUES (")
                    .append(id).append(", '").append(title).append("', 'Phòng sạch, có gác', '")
                    .append(status).append("', 2500000, TIMESTAMP '2024-05-01 08:00:00');\n");
            if (status.equals("approved")) {
                expected.put(id, title);
            }
        }
        inserts.append("INSERT INTO dbo.users (id, bio, preferred_city, updated_at) VALUES")
                .append(" (1, 'Sinh viên cần phòng trọ giá rẻ', 'Hồ Chí Minh', TIMESTAMP '2024-05-01 08:00:00');");
        POSTGRES.execute(BACKFILL_DATABASE, inserts.toString());
        return expected;
    }

    private String[] jobArgs(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command));
        // Options of the script (-p N) go before the job's own arguments.
        int i = 0;
        while (i < extra.length && extra[i].equals("-p")) {
            args.add(extra[i]);
            args.add(extra[i + 1]);
            i += 2;
        }
        args.addAll(List.of(
                "--redis.port", Integer.toString(REDIS.getPort()),
                "--milvus.uri", MILVUS.uri(),
                "--execution.checkpointing.interval", "2 s"));
        args.addAll(List.of(extra).subList(i, extra.length));
        return args.toArray(String[]::new);
    }

    private void assertSynced() throws Exception {
        Map<Long, String> expected = posts.expectedTitles();
        Map<Long, String> rows = MilvusPosts.awaitExactly(milvus, POSTS, expected, SYNC_TIMEOUT);
        assertThat(rows).as("post titles in Milvus; JobManager log in %s", cluster.logDir()).isEqualTo(expected);
    }

    private List<String> runningJobs() throws Exception {
        String output = cluster.runOrFail("vector-sync", "status").output();
        return output.lines().filter(line -> line.matches("[0-9a-f]{32}")).toList();
    }

    private JsonNode restoredCheckpoint(String job) throws Exception {
        JsonNode restored = MAPPER.readTree(cluster.rest("/jobs/" + job + "/checkpoints")).path("latest").path("restored");
        assertThat(restored.isObject()).as("job %s restored a checkpoint or savepoint", job).isTrue();
        return restored;
    }

    private static Path savepointOf(ScriptResult result) {
        Matcher matcher = SAVEPOINT_LINE.matcher(result.output());
        assertThat(matcher.find()).as(result.describe()).isTrue();
        return Path.of(matcher.group(1).replaceFirst("^file:", ""));
    }

    private static int count(String text, String fragment) {
        int count = 0;
        for (int at = text.indexOf(fragment); at >= 0; at = text.indexOf(fragment, at + 1)) {
            count++;
        }
        return count;
    }
}
