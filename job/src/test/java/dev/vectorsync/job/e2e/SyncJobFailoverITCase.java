package dev.vectorsync.job.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorsync.job.VectorSyncJob;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.testing.MilvusLiteServer;
import dev.vectorsync.testing.RedisServerExtension;

import io.milvus.v2.client.MilvusClientV2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills the TaskManager while the job is writing, starts a new one, and checks that the job
 * recovered from its checkpoint to the same Milvus content as a run without the failure.
 */
class SyncJobFailoverITCase {

    private static final int LISTINGS = 240;

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    @RegisterExtension static final MiniClusterExtension FLINK = E2eFixtures.miniCluster();

    private static List<Listing> listings;

    @BeforeAll
    static void loadListings() throws Exception {
        listings = E2eFixtures.sharedListings("the failover test").subList(2000, 2000 + LISTINGS);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void taskManagerLossRecoversToSameContent(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        SyncJobITCase.TestNames reference = new SyncJobITCase.TestNames("ref-" + shortId());
        SyncJobITCase.TestNames failing = new SyncJobITCase.TestNames("fail-" + shortId());
        Scenario expected = scenario(reference);
        send(scenario(reference));
        send(scenario(failing));

        execute(reference).getJobExecutionResult().get(20, TimeUnit.MINUTES);

        JobClient job = execute(failing);
        long rowsAtFailure = awaitRows(failing.postsCollection, 40);
        miniCluster.terminateTaskManager(0).get(1, TimeUnit.MINUTES);
        miniCluster.startTaskManager();
        job.getJobExecutionResult().get(20, TimeUnit.MINUTES);

        assertThat(rowsAtFailure).as("rows written before the TaskManager was killed")
                .isLessThan(expected.expectedPosts().size());
        MilvusClientV2 client = MILVUS.createClient();
        try {
            Map<Long, Map<String, Object>> withoutFailure = MilvusRows.all(client, reference.postsCollection);
            Map<Long, Map<String, Object>> withFailure = MilvusRows.all(client, failing.postsCollection);

            assertThat(withoutFailure.keySet()).containsExactlyInAnyOrderElementsOf(expected.expectedPosts().keySet());
            assertThat(withFailure.keySet()).isEqualTo(withoutFailure.keySet());
            for (long id : withoutFailure.keySet()) {
                Map<String, Object> a = withoutFailure.get(id);
                Map<String, Object> b = withFailure.get(id);
                for (String field : List.of("title", "description", "address_text", "price", "area", "city",
                        "district", "ward", "status", "category", "user_id", "source_version", "text_hash")) {
                    assertThat(b.get(field)).as("%s of post %d", field, id).isEqualTo(a.get(field));
                }
                double cosine = ReferenceEmbedder.cosine(
                        MilvusRows.vector(a, "dense_vector"), MilvusRows.vector(b, "dense_vector"));
                assertThat(cosine).as("vector of post %d", id).isGreaterThanOrEqualTo(0.9999);
            }
        } finally {
            client.close();
        }
    }

    private static Scenario scenario(SyncJobITCase.TestNames names) {
        Scenario scenario = new Scenario(names.postStream, names.userStream);
        for (int i = 0; i < LISTINGS; i++) {
            scenario.writePost("insert", i + 1, 100L, Scenario.postData(listings.get(i), "approved", 50 + i % 7));
        }
        for (int id = 1; id <= 60; id++) {
            ObjectNode data = Scenario.postData(listings.get(id - 1), "approved", 50 + (id - 1) % 7);
            data.put("title", data.get("title").asText() + " (đã sửa)");
            data.put("price", 2_500_000L + id);
            scenario.writePost("update", id, 200L, data);
        }
        for (int id = 61; id <= 90; id++) {
            scenario.deletePost(id, 300L);
        }
        for (int id = 91; id <= 100; id++) {
            scenario.writePost("update", id, 300L, Scenario.postData(listings.get(id - 1), "hidden", 50 + (id - 1) % 7));
        }
        return scenario;
    }

    private static void send(Scenario scenario) {
        try (Jedis jedis = REDIS.openConnection()) {
            for (Scenario.Entry entry : scenario.entries()) {
                jedis.xadd(entry.stream, StreamEntryID.NEW_ENTRY, entry.fields);
            }
        }
    }

    private static JobClient execute(SyncJobITCase.TestNames names) throws Exception {
        JobSettings settings =
                JobConfigLoader.load(
                        names.arguments(
                                REDIS.getPort(),
                                MILVUS.uri(),
                                "--source.redis.bounded", "true",
                                "--restart-strategy.type", "fixed-delay",
                                "--restart-strategy.fixed-delay.attempts", "5",
                                "--restart-strategy.fixed-delay.delay", "1 s",
                                "--embedding.batch-size", "8"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VectorSyncJob.prepare(env, settings, Map.of());
        return env.executeAsync("vector-sync failover test " + names.postsCollection);
    }

    private static long awaitRows(String collection, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        MilvusClientV2 client = MILVUS.createClient();
        try {
            while (System.nanoTime() < deadline) {
                long rows = MilvusRows.count(client, collection);
                if (rows >= atLeast) {
                    return rows;
                }
                Thread.sleep(100);
            }
        } finally {
            client.close();
        }
        throw new AssertionError("fewer than " + atLeast + " rows reached " + collection + " within 10 minutes");
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
