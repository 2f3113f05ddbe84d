package dev.vectorsync.job.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorsync.job.VectorSyncJob;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.testing.MilvusLiteServer;
import dev.vectorsync.testing.RedisServerExtension;
import dev.vectorsync.text.TextNormalizer;

import io.milvus.v2.client.MilvusClientV2;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on real listings: Redis server, MiniCluster, bundled model and Milvus Lite. Milvus
 * is checked with plain SDK queries and vectors with an ONNX Runtime call of the test's own.
 */
class SyncJobITCase {

    private static final int LISTINGS = 1000;

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    @RegisterExtension static final MiniClusterExtension FLINK = E2eFixtures.miniCluster();

    private static List<Listing> listings;
    private static ReferenceEmbedder reference;

    @BeforeAll
    static void loadListings() throws Exception {
        listings = E2eFixtures.sharedListings("the end-to-end test");
        assertThat(listings).hasSizeGreaterThanOrEqualTo(LISTINGS + 10);
        reference = new ReferenceEmbedder();
    }

    @AfterAll
    static void closeReference() throws Exception {
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void syncsRealListingsEndToEnd() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TestNames names = new TestNames(suffix);
        Scenario scenario = new Scenario(names.postStream, names.userStream);

        addInsertsUpdatesDeletes(scenario);
        addOrderingCases(scenario);
        addUsers(scenario);
        interleaveInvalidEntries(scenario);
        Map<Integer, String> invalidIds = sendAll(scenario);

        runBounded(names);

        try (var checks = new MilvusChecks(MILVUS.createClient())) {
            checks.assertPosts(names.postsCollection, scenario, reference);
            checks.assertUsers(names.usersCollection, scenario);
            assertBm25FindsTitle(checks.client, names.postsCollection);
        }
        assertDeadLetters(names, scenario, invalidIds);
        assertEverythingAcknowledged(names);
    }

    // ----- scenario ------------------------------------------------------------------------------

    private static void addInsertsUpdatesDeletes(Scenario scenario) {
        for (int i = 0; i < LISTINGS; i++) {
            scenario.writePost("insert", i + 1, 100L, Scenario.postData(listings.get(i), "approved", 1000 + i % 50));
        }
        for (int id = 1; id <= 100; id++) {
            ObjectNode data = Scenario.postData(listings.get(id - 1), "approved", 1000 + (id - 1) % 50);
            data.put("title", data.get("title").asText() + " - giảm giá");
            data.put("description", "Cập nhật giá mới. " + data.get("description").asText());
            data.put("price", 1_234_000L + id);
            scenario.writePost("update", id, 200L, data);
        }
        for (int id = 101; id <= 150; id++) {
            scenario.deletePost(id, 300L);
        }
        for (int id = 151; id <= 200; id++) {
            scenario.writePost("update", id, 200L, Scenario.postData(listings.get(id - 1), "hidden", 1000 + (id - 1) % 50));
        }
        for (int id = 201; id <= 220; id++) {
            scenario.writePost("update", id, 200L, Scenario.postData(listings.get(id - 1), "rejected", 1000 + (id - 1) % 50));
            ObjectNode approved = Scenario.postData(listings.get(id - 1), "approved", 1000 + (id - 1) % 50);
            approved.put("price", 4_000_000L + id);
            scenario.writePost("update", id, 300L, approved);
        }
        for (int id = 221; id <= 240; id++) {
            ObjectNode cheaper = Scenario.postData(listings.get(id - 1), "approved", 1000 + (id - 1) % 50);
            cheaper.put("price", 999_000L + id);
            scenario.writePost("update", id, 200L, cheaper);
        }
    }

    /** Versions 3, 1, 2 with duplicates; a delete followed by an older update; entry-id order. */
    private static void addOrderingCases(Scenario scenario) {
        long outOfOrder = LISTINGS + 1;
        ObjectNode v3 = versioned(LISTINGS, "phiên bản 3");
        ObjectNode v1 = versioned(LISTINGS, "phiên bản 1");
        ObjectNode v2 = versioned(LISTINGS, "phiên bản 2");
        scenario.writePost("upsert", outOfOrder, 3L, v3);
        scenario.sendStalePost("upsert", outOfOrder, 1L, v1);
        scenario.sendStalePost("upsert", outOfOrder, 2L, v2);
        scenario.sendStalePost("upsert", outOfOrder, 3L, v3);
        scenario.sendStalePost("upsert", outOfOrder, 2L, v2);

        long deletedThenLate = LISTINGS + 2;
        scenario.writePost("insert", deletedThenLate, 1L, versioned(LISTINGS + 1, "bản gốc"));
        scenario.deletePost(deletedThenLate, 3L);
        scenario.sendStalePost("update", deletedThenLate, 2L, versioned(LISTINGS + 1, "cập nhật trễ"));

        long deleteFirst = LISTINGS + 3;
        scenario.deletePost(deleteFirst, 5L);
        scenario.sendStalePost("insert", deleteFirst, 4L, versioned(LISTINGS + 2, "chèn trễ"));

        long noVersion = LISTINGS + 4;
        scenario.writePost("insert", noVersion, null, versioned(LISTINGS + 3, "không có version 1"));
        scenario.writePost("update", noVersion, null, versioned(LISTINGS + 3, "không có version 2"));
    }

    private static ObjectNode versioned(int listingIndex, String label) {
        ObjectNode data = Scenario.postData(listings.get(listingIndex), "approved", 7);
        data.put("title", data.get("title").asText() + " (" + label + ")");
        return data;
    }

    private static void addUsers(Scenario scenario) {
        String[][] wishes = {
            {"Sinh viên cần tìm phòng trọ gần Đại học Bách Khoa, giá rẻ, có gác", "Hồ Chí Minh", "Quận 10"},
            {"Gia đình nhỏ cần thuê căn hộ 2 phòng ngủ gần trường học", "Hà Nội", "Quận Cầu Giấy"},
            {"Tìm mặt bằng kinh doanh quán cà phê mặt tiền", "Đà Nẵng", "Quận Hải Châu"},
            {"Nhân viên văn phòng tìm căn hộ mini đầy đủ nội thất", "Hồ Chí Minh", "Quận 7"},
            {"Cần ở ghép với bạn nữ, sạch sẽ, không hút thuốc", "Hồ Chí Minh", "Quận Bình Thạnh"},
        };
        for (int i = 0; i < wishes.length; i++) {
            scenario.writeUser("insert", i + 1, 10, Scenario.userData(wishes[i][0], wishes[i][1], wishes[i][2], 5_000_000L + i));
        }
        scenario.writeUser("update", 2, 20, Scenario.userData("Gia đình cần thuê nhà nguyên căn có sân", "Hà Nội", "Quận Long Biên", 15_000_000L));
        scenario.deleteUser(5, 20);
    }

    /** Seventeen kinds of broken entries, spread among the valid ones. */
    private static void interleaveInvalidEntries(Scenario base) {
        Scenario scenario = base;
        scenario.sendInvalidJob("this is not json", "not valid JSON");
        scenario.sendInvalidJob("[1, 2, 3]", "must be a JSON object");
        scenario.sendInvalidJob("{\"postId\": 5}", "missing field operation");
        scenario.sendInvalidJob("{\"operation\": \"merge\", \"postId\": 5}", "unknown operation 'merge'");
        scenario.sendInvalidJob("{\"operation\": \"delete\"}", "missing field postId");
        scenario.sendInvalidJob("{\"operation\": \"delete\", \"postId\": \"năm\"}", "postId must be a number");
        scenario.sendInvalidJob("{\"operation\": \"delete\", \"postId\": -1}", "postId must be a positive integer");
        scenario.sendInvalidJob("{\"operation\": \"delete\", \"postId\": 2.5}", "whole number");
        scenario.sendInvalidJob("{\"operation\": \"insert\", \"postId\": 9001}", "missing field data");
        scenario.sendInvalidJob("{\"operation\": \"insert\", \"postId\": 9002, \"data\": {\"status\": \"approved\"}}", "missing field data.title");
        scenario.sendInvalidJob("{\"operation\": \"insert\", \"postId\": 9003, \"data\": {\"title\": 12, \"status\": \"approved\"}}", "data.title must be a string");
        scenario.sendInvalidJob("{\"operation\": \"insert\", \"postId\": 9004, \"data\": {\"title\": \"Phòng\", \"status\": \"approved\", \"price\": \"hai triệu\"}}", "data.price must be a number");
        scenario.sendInvalidJob("{\"operation\": \"insert\", \"postId\": 9005, \"data\": {\"title\": \"Phòng\", \"status\": \"approved\", \"area\": true}}", "data.area must be a number");
        scenario.sendInvalidJob("{\"operation\": \"insert\", \"postId\": 9006, \"data\": {\"title\": \"Phòng\"}}", "missing field data.status");
        scenario.sendInvalidJob("{\"operation\": \"delete\", \"postId\": 9007, \"version\": \"mới\"}", "version must be a number");
        scenario.sendInvalid(false, Map.of("payload", "{\"operation\":\"delete\",\"postId\":1}"), "missing field job");
        scenario.sendInvalid(true, Map.of("job", "{\"operation\": \"insert\", \"userId\": 77, \"data\": {\"bio\": \"x\", \"budgetMin\": 9, \"budgetMax\": 1}}"), "greater than data.budgetMax");
    }

    /** XADDs every entry, mixing the invalid ones in; returns entry id by entry index for invalid ones. */
    private static Map<Integer, String> sendAll(Scenario scenario) {
        List<Scenario.Entry> valid = new ArrayList<>();
        List<Scenario.Entry> invalid = new ArrayList<>();
        for (Scenario.Entry entry : scenario.entries()) {
            (entry.expectedReason == null ? valid : invalid).add(entry);
        }
        List<Scenario.Entry> ordered = new ArrayList<>();
        int gap = valid.size() / (invalid.size() + 1);
        int nextInvalid = 0;
        for (int i = 0; i < valid.size(); i++) {
            ordered.add(valid.get(i));
            if ((i + 1) % gap == 0 && nextInvalid < invalid.size()) {
                ordered.add(invalid.get(nextInvalid++));
            }
        }
        while (nextInvalid < invalid.size()) {
            ordered.add(invalid.get(nextInvalid++));
        }

        Map<Integer, String> invalidIds = new HashMap<>();
        try (Jedis jedis = REDIS.openConnection()) {
            for (Scenario.Entry entry : ordered) {
                StreamEntryID id = jedis.xadd(entry.stream, StreamEntryID.NEW_ENTRY, entry.fields);
                if (entry.expectedReason != null) {
                    invalidIds.put(invalid.indexOf(entry), id.toString());
                }
            }
        }
        return invalidIds;
    }

    // ----- running -------------------------------------------------------------------------------

    private static void runBounded(TestNames names) throws Exception {
        JobSettings settings = JobConfigLoader.load(names.arguments(REDIS.getPort(), MILVUS.uri(), "--source.redis.bounded", "true"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VectorSyncJob.prepare(env, settings, Map.of());
        env.execute("vector-sync end-to-end test");
    }

    // ----- checks --------------------------------------------------------------------------------

    private static void assertBm25FindsTitle(MilvusClientV2 client, String collection) {
        Listing listing = listings.get(500);
        String phrase = TextNormalizer.normalize(listing.title, 1024);

        List<Long> hits = MilvusRows.searchBm25(client, collection, "sparse_title", phrase);

        assertThat(hits).as("BM25 hits for '%s'", phrase).isNotEmpty();
        assertThat(hits.get(0)).as("best BM25 hit for '%s'", phrase).isEqualTo(501L);
    }

    private static void assertDeadLetters(TestNames names, Scenario scenario, Map<Integer, String> invalidIds) {
        List<Scenario.Entry> invalid = scenario.invalidEntries();
        try (Jedis jedis = REDIS.openConnection()) {
            List<StreamEntry> letters = jedis.xrange(names.deadLetterStream, (StreamEntryID) null, (StreamEntryID) null);
            assertThat(letters).as("dead letters").hasSize(invalid.size());

            Map<String, Map<String, String>> bySourceId = new HashMap<>();
            for (StreamEntry letter : letters) {
                bySourceId.put(letter.getFields().get("source_id"), letter.getFields());
            }
            for (int i = 0; i < invalid.size(); i++) {
                Map<String, String> letter = bySourceId.get(invalidIds.get(i));
                assertThat(letter).as("dead letter for invalid entry %d (%s)", i, invalid.get(i).expectedReason).isNotNull();
                assertThat(letter.get("reason")).contains(invalid.get(i).expectedReason);
                assertThat(letter.get("source_stream")).isEqualTo(invalid.get(i).stream);
                assertThat(letter.get("stage")).isEqualTo("decode");
                assertThat(letter.get("failed_at")).isNotBlank();
                assertThat(letter.get("payload")).isNotBlank();
            }
        }
    }

    private static void assertEverythingAcknowledged(TestNames names) {
        try (Jedis jedis = REDIS.openConnection()) {
            for (String stream : List.of(names.postStream, names.userStream)) {
                long pending = jedis.xpending(stream, names.consumerGroup).getTotal();
                assertThat(pending).as("unacknowledged entries in %s", stream).isZero();
            }
        }
    }

    /** Unique stream, group and collection names for one test. */
    static final class TestNames {
        final String postStream;
        final String userStream;
        final String deadLetterStream;
        final String consumerGroup;
        final String postsCollection;
        final String usersCollection;

        TestNames(String suffix) {
            postStream = "post-sync-" + suffix;
            userStream = "user-sync-" + suffix;
            deadLetterStream = "dead-letter-" + suffix;
            consumerGroup = "vector-sync-" + suffix;
            postsCollection = "posts_" + suffix.replace('-', '_');
            usersCollection = "users_" + suffix.replace('-', '_');
        }

        String[] arguments(int redisPort, String milvusUri, String... extra) {
            List<String> args = new ArrayList<>(List.of(
                    "--redis.port", String.valueOf(redisPort),
                    "--milvus.uri", milvusUri,
                    "--source.redis.post-stream", postStream,
                    "--source.redis.user-stream", userStream,
                    "--source.redis.consumer-group", consumerGroup,
                    "--dead-letter.stream", deadLetterStream,
                    "--milvus.posts-collection", postsCollection,
                    "--milvus.users-collection", usersCollection,
                    "--sink.max-buffer-delay", "100 ms",
                    "--embedding.batch-size", "16",
                    "--embedding.intra-op-threads", "2",
                    "--execution.checkpointing.interval", "500 ms"));
            args.addAll(List.of(extra));
            return args.toArray(new String[0]);
        }
    }

    static Set<Long> ids(Map<Long, ?> map) {
        return new TreeSet<>(map.keySet());
    }
}
