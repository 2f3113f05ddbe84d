package dev.vectorsync.milvus;

import static dev.vectorsync.milvus.SyncActions.delete;
import static dev.vectorsync.milvus.SyncActions.postUpsert;
import static dev.vectorsync.milvus.SyncActions.userUpsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.embedding.StoredVectors;
import dev.vectorsync.testing.MilvusLiteServer;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Runs the sink in a Flink job on a MiniCluster, so Flink's own runtime creates the writer. */
class MilvusSinkITCase {

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int DIMENSION = 4;

    @Test
    void jobWritesActionsAtEndOfInput() throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "");
        String posts = "posts_" + suffix;
        String users = "users_" + suffix;
        List<SyncAction> actions =
                List.of(
                        postUpsert(1, 1, "Phòng trọ Quận 7 gần Phú Mỹ Hưng", DIMENSION),
                        postUpsert(2, 1, "Phòng trọ Thủ Đức", DIMENSION),
                        delete(EntityType.POST, 2, 2),
                        userUpsert(3, 1, "Cần phòng gần chỗ làm", DIMENSION));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(SyncAction.class, actions.toArray(new SyncAction[0]))
                .sinkTo(
                        MilvusSink.builder()
                                .connectionConfig(MILVUS.connectionConfig().build())
                                .postsCollection(posts)
                                .usersCollection(users)
                                .vectorDimension(DIMENSION)
                                .build())
                .name("Milvus sink")
                .uid("milvus-sink");
        env.execute("milvus-sink-itcase");

        assertThat(queryIds(posts)).containsExactly(1L);
        assertThat(queryIds(users)).containsExactly(3L);
    }

    @Test
    void storedVectorNeedsSameHashModelDimension() throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "");
        String posts = "posts_" + suffix;
        String users = "users_" + suffix;
        SyncAction post = postUpsert(11, 1, "Phòng trọ Bình Thạnh có ban công", DIMENSION);
        SyncAction user = userUpsert(12, 1, "Sinh viên cần phòng gần trường", DIMENSION);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(SyncAction.class, post, user)
                .sinkTo(
                        MilvusSink.builder()
                                .connectionConfig(MILVUS.connectionConfig().build())
                                .postsCollection(posts)
                                .usersCollection(users)
                                .vectorDimension(DIMENSION)
                                .build());
        env.execute("milvus-stored-vectors-itcase");

        MilvusStoredVectors stored = new MilvusStoredVectors(MILVUS.connectionConfig().build(), posts, users);
        try (StoredVectors.Reader reader = stored.open()) {
            assertThat(reader.find(EntityType.POST, 11, post.textHash, SyncActions.MODEL, DIMENSION).get(30, TimeUnit.SECONDS))
                    .containsExactly(post.vector);
            assertThat(reader.find(EntityType.USER, 12, user.textHash, SyncActions.MODEL, DIMENSION).get(30, TimeUnit.SECONDS))
                    .containsExactly(user.vector);

            // Another text, another model, another width, or no row: the model must run.
            assertThat(reader.find(EntityType.POST, 11, user.textHash, SyncActions.MODEL, DIMENSION).get(30, TimeUnit.SECONDS))
                    .isNull();
            assertThat(reader.find(EntityType.POST, 11, post.textHash, "other-model", DIMENSION).get(30, TimeUnit.SECONDS))
                    .isNull();
            assertThat(reader.find(EntityType.POST, 11, post.textHash, SyncActions.MODEL, 8).get(30, TimeUnit.SECONDS))
                    .isNull();
            assertThat(reader.find(EntityType.POST, 99, post.textHash, SyncActions.MODEL, DIMENSION).get(30, TimeUnit.SECONDS))
                    .isNull();
            assertThat(reader.lookups()).isEqualTo(6);
        }
    }

    @Test
    void missingCollectionYieldsNoStoredVector() throws Exception {
        MilvusStoredVectors stored =
                new MilvusStoredVectors(MILVUS.connectionConfig().build(), "no_such_posts", "no_such_users");
        try (StoredVectors.Reader reader = stored.open()) {
            assertThat(reader.find(EntityType.POST, 1, "0".repeat(64), SyncActions.MODEL, DIMENSION).get(60, TimeUnit.SECONDS))
                    .isNull();
        }
    }

    private static List<Long> queryIds(String collection) {
        MilvusClientV2 client = MILVUS.createClient();
        try {
            return client.query(
                            QueryReq.builder()
                                    .collectionName(collection)
                                    .filter("id >= 0")
                                    .outputFields(List.of("id"))
                                    .consistencyLevel(ConsistencyLevel.STRONG)
                                    .build())
                    .getQueryResults().stream()
                    .map(result -> (Long) result.getEntity().get("id"))
                    .sorted()
                    .toList();
        } finally {
            client.close();
        }
    }
}
