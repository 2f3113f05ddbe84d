package dev.vectorsync.milvus;

import static dev.vectorsync.milvus.SyncActions.postUpsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorsync.testing.ManualProcessingTimeService;
import dev.vectorsync.testing.MilvusLiteServer;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Stops and restarts the server while a writer flushes. These tests have a class and a server of
 * their own, so the restarts disturb no other test.
 */
class MilvusSinkWriterRetryTest {

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    private static final int DIMENSION = 4;

    private final String posts = "posts_" + UUID.randomUUID().toString().replace("-", "");
    private final String users = "users_" + UUID.randomUUID().toString().replace("-", "");
    private MilvusSinkWriter writer;

    @AfterEach
    void closeWriterAndRestartServer() throws Exception {
        if (writer != null) {
            writer.close();
        }
        MILVUS.start();
    }

    @Test
    void flushRetriesUntilServerIsBack() throws Exception {
        writer = openWriter(1000, Duration.ofSeconds(60));
        writer.write(postUpsert(1, 1, "Phòng trọ Quận 7 có gác", DIMENSION), null);
        writer.write(postUpsert(2, 1, "Phòng trọ Quận 8 giá rẻ", DIMENSION), null);
        MILVUS.stop();

        // Restart once the writer has failed at least once, so that the flush must retry.
        CompletableFuture<Void> restart =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                while (writer.metrics().getRetries().getCount() == 0) {
                                    Thread.sleep(50);
                                }
                                MILVUS.start();
                            } catch (Exception e) {
                                throw new IllegalStateException("restart of milvus-lite failed", e);
                            }
                        });
        writer.flush(false);
        restart.join();

        assertThat(writer.metrics().getRetries().getCount()).isPositive();
        assertThat(writer.bufferedActions()).isZero();
        assertThat(countRows(posts)).isEqualTo(2);
    }

    @Test
    void exhaustedRetriesNameCollection() throws Exception {
        writer = openWriter(2, Duration.ofSeconds(30));
        writer.write(postUpsert(1, 1, "Phòng trọ Quận 9", DIMENSION), null);
        MILVUS.stop();

        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(MilvusWriteException.class)
                .hasMessageContaining("collection '" + posts + "'")
                .hasMessageContaining("1 rows")
                .hasMessageContaining("after 2 attempts")
                .hasCauseInstanceOf(RuntimeException.class);
        assertThat(writer.bufferedActions()).isEqualTo(1);
    }

    private MilvusSinkWriter openWriter(int maxAttempts, Duration retryDeadline) {
        MilvusConnectionConfig config =
                MILVUS.connectionConfig()
                        .rpcTimeout(Duration.ofSeconds(2))
                        .maxAttempts(maxAttempts)
                        .initialBackoff(Duration.ofMillis(50))
                        .maxBackoff(Duration.ofMillis(500))
                        .retryDeadline(retryDeadline)
                        .build();
        MilvusSink sink =
                MilvusSink.builder()
                        .connectionConfig(config)
                        .postsCollection(posts)
                        .usersCollection(users)
                        .vectorDimension(DIMENSION)
                        .build();
        return new MilvusSinkWriter(
                sink,
                new ManualProcessingTimeService(0),
                UnregisteredMetricsGroup.createSinkWriterMetricGroup(),
                0);
    }

    private long countRows(String collection) {
        MilvusClientV2 client = MILVUS.createClient();
        try {
            // Milvus Lite 3.2.2 comes back from a restart with every collection released.
            client.loadCollection(LoadCollectionReq.builder().collectionName(collection).build());
            List<QueryResp.QueryResult> results =
                    client.query(
                                    QueryReq.builder()
                                            .collectionName(collection)
                                            .filter("id >= 0")
                                            .outputFields(List.of("id"))
                                            .consistencyLevel(ConsistencyLevel.STRONG)
                                            .build())
                            .getQueryResults();
            return results.size();
        } finally {
            client.close();
        }
    }
}
