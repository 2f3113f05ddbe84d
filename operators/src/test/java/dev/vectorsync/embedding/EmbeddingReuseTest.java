package dev.vectorsync.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.embedding.TestModels.RecordingModel;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.event.PostRecord;
import dev.vectorsync.milvus.MilvusRowMapper;
import dev.vectorsync.milvus.MilvusSchemaManager;
import dev.vectorsync.milvus.MilvusStoredVectors;
import dev.vectorsync.testing.MilvusLiteServer;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.vector.request.UpsertReq;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuse of vectors for unchanged text, with stored vectors read from a Milvus Lite server. A test
 * harness opens the function inside Flink's async operator. The tests then call {@code
 * asyncInvoke} one action at a time and wait for each result, so that the order of completions is
 * the test's, not the scheduler's.
 */
class EmbeddingReuseTest {

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    /** Lookups sent to Milvus by the current test. Static, because the function is serialised. */
    private static final AtomicInteger LOOKUPS = new AtomicInteger();

    private OneInputStreamOperatorTestHarness<SyncAction, SyncAction> harness;
    private RecordingModel model;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        LOOKUPS.set(0);
    }

    @Test
    void unchangedTextReusesRecentVector() throws Exception {
        EmbeddingAsyncFunction function = open("recent", null, 100);

        SyncAction first = embed(function, upsert(1, 1, "Phòng trọ Quận 7", false));
        SyncAction priceOnly = embed(function, upsert(1, 2, "Phòng trọ Quận 7", false));
        SyncAction otherRow = embed(function, upsert(2, 1, "Phòng trọ Quận 7", false));
        SyncAction newText = embed(function, upsert(1, 3, "Phòng trọ Quận 7, có gác", false));

        assertThat(priceOnly.vector).isEqualTo(first.vector).isNotSameAs(first.vector);
        assertThat(priceOnly.embeddingModel).isEqualTo("recent");
        assertThat(priceOnly.embeddingDimension).isEqualTo(TestModels.DIMENSION);
        assertThat(otherRow.vector).isEqualTo(first.vector);
        assertThat(newText.vector).isEqualTo(TestModels.vectorOf("Phòng trọ Quận 7, có gác"));
        // The first text for row 1, the same text for row 2 (another row's memory), the new text.
        assertThat(modelTexts()).isEqualTo(3);
    }

    @Test
    void storedVectorReusedOnlyWhenFlagged() throws Exception {
        float[] stored = {0.5f, 0.5f, 0.5f, 0.5f};
        StoredVectors milvus = storeInMilvus(7, "Căn hộ mini", "stored", stored);
        EmbeddingAsyncFunction function = open("stored", milvus, 0);

        SyncAction allowed = embed(function, upsert(7, 2, "Căn hộ mini", true));
        SyncAction notAllowed = embed(function, upsert(7, 3, "Căn hộ mini", false));

        assertThat(allowed.vector).isEqualTo(stored);
        assertThat(allowed.failure).isNull();
        assertThat(notAllowed.vector).isEqualTo(TestModels.vectorOf("Căn hộ mini"));
        assertThat(LOOKUPS.get()).isEqualTo(1);
        assertThat(modelTexts()).isEqualTo(1);
    }

    @Test
    void storedVectorOfOtherTextCallsModel() throws Exception {
        StoredVectors milvus = storeInMilvus(8, "Nhà nguyên căn", "not-stored", new float[] {1, 0, 0, 0});
        EmbeddingAsyncFunction function = open("not-stored", milvus, 0);

        SyncAction action = embed(function, upsert(8, 2, "Nhà nguyên căn, có sân", true));

        assertThat(action.vector).isEqualTo(TestModels.vectorOf("Nhà nguyên căn, có sân"));
        assertThat(LOOKUPS.get()).isEqualTo(1);
        assertThat(modelTexts()).isEqualTo(1);
    }

    @Test
    void zeroRecentVectorsKeepsNone() throws Exception {
        EmbeddingAsyncFunction function = open("no-memory", null, 0);

        embed(function, upsert(1, 1, "Ký túc xá", false));
        embed(function, upsert(1, 2, "Ký túc xá", false));

        assertThat(modelTexts()).isEqualTo(2);
    }

    // ---- helpers ----

    private EmbeddingAsyncFunction open(String modelId, StoredVectors stored, int recent) throws Exception {
        EmbeddingModelConfig config = EmbeddingModelConfig.builder().modelId(modelId).maxBatchSize(1).build();
        EmbeddingAsyncFunction function =
                new EmbeddingAsyncFunction(config, c -> model = new RecordingModel(c.modelId()), stored, recent);
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new AsyncWaitOperatorFactory<>(function, 60_000, 10, OutputMode.UNORDERED),
                        TypeInformation.of(SyncAction.class).createSerializer(new SerializerConfigImpl()));
        harness.open();
        return function;
    }

    private int modelTexts() {
        return model.batchSizes.stream().mapToInt(Integer::intValue).sum();
    }

    private static SyncAction embed(EmbeddingAsyncFunction function, SyncAction action) throws Exception {
        CompletableFuture<Collection<SyncAction>> result = new CompletableFuture<>();
        function.asyncInvoke(
                action,
                new ResultFuture<>() {
                    @Override
                    public void complete(Collection<SyncAction> results) {
                        result.complete(results);
                    }

                    @Override
                    public void completeExceptionally(Throwable error) {
                        result.completeExceptionally(error);
                    }
                });
        Collection<SyncAction> out = result.get(30, TimeUnit.SECONDS);
        assertThat(out).hasSize(1);
        return out.iterator().next();
    }

    private static SyncAction upsert(long id, long version, String text, boolean mayReuseStoredVector) {
        SyncAction action = new SyncAction();
        action.entityType = EntityType.POST;
        action.id = id;
        action.type = SyncActionType.UPSERT;
        action.version = new ChangeVersion(version, 0, 0);
        action.embeddingText = text;
        action.textHash = EmbeddingTexts.sha256Hex(text);
        action.mayReuseStoredVector = mayReuseStoredVector;
        return action;
    }

    /**
     * Writes post {@code id} with {@code text}, {@code model} and {@code vector} to fresh
     * collections of the Milvus Lite server, as the sink would, and returns a lookup of them.
     */
    private static StoredVectors storeInMilvus(long id, String text, String model, float[] vector) {
        String suffix = UUID.randomUUID().toString().replace("-", "");
        String posts = "posts_" + suffix;
        String users = "users_" + suffix;
        SyncAction row = upsert(id, 1, text, false);
        row.post = new PostRecord();
        row.post.title = text;
        row.post.status = "approved";
        row.vector = vector;
        row.embeddingModel = model;
        row.embeddingDimension = vector.length;

        MilvusClientV2 client = MILVUS.createClient();
        try {
            new MilvusSchemaManager(client).ensurePostsAndUsers(posts, users, vector.length);
            client.upsert(
                    UpsertReq.builder()
                            .collectionName(posts)
                            .data(List.of(new MilvusRowMapper(vector.length).toRow(row)))
                            .build());
        } finally {
            client.close();
        }
        return new CountedLookups(new MilvusStoredVectors(MILVUS.connectionConfig().build(), posts, users));
    }

    /** Counts the lookups that reach the real Milvus reader in {@link #LOOKUPS}. */
    private static final class CountedLookups implements StoredVectors {
        private static final long serialVersionUID = 1L;

        private final StoredVectors delegate;

        CountedLookups(StoredVectors delegate) {
            this.delegate = delegate;
        }

        @Override
        public Reader open() {
            Reader reader = delegate.open();
            return new Reader() {
                @Override
                public CompletableFuture<float[]> find(
                        EntityType type, long id, String textHash, String modelId, int dimension) {
                    LOOKUPS.incrementAndGet();
                    return reader.find(type, id, textHash, modelId, dimension);
                }

                @Override
                public long lookups() {
                    return reader.lookups();
                }

                @Override
                public void close() {
                    reader.close();
                }
            };
        }
    }
}
