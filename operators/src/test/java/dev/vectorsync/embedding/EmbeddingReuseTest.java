package dev.vectorsync.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.embedding.TestModels.RecordingModel;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuse of vectors for unchanged text. A test harness opens the function inside Flink's async
 * operator; the tests then call {@code asyncInvoke} one action at a time and wait for each result,
 * so that the order of completions is the test's, not the scheduler's.
 */
class EmbeddingReuseTest {

    /** Vectors that {@link MapStoredVectors} answers with, by lookup key; static, as the function is serialised. */
    private static final Map<String, float[]> STORE = new ConcurrentHashMap<>();
    private static final AtomicInteger STORE_LOOKUPS = new AtomicInteger();

    private OneInputStreamOperatorTestHarness<SyncAction, SyncAction> harness;
    private RecordingModel model;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        STORE.clear();
        STORE_LOOKUPS.set(0);
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
        EmbeddingAsyncFunction function = open("stored", new MapStoredVectors(), 0);
        float[] stored = {0.5f, 0.5f, 0.5f, 0.5f};
        STORE.put(key(EntityType.POST, 7, EmbeddingTexts.sha256Hex("Căn hộ mini"), "stored"), stored);

        SyncAction allowed = embed(function, upsert(7, 2, "Căn hộ mini", true));
        SyncAction notAllowed = embed(function, upsert(7, 3, "Căn hộ mini", false));

        assertThat(allowed.vector).isEqualTo(stored);
        assertThat(allowed.failure).isNull();
        assertThat(notAllowed.vector).isEqualTo(TestModels.vectorOf("Căn hộ mini"));
        assertThat(STORE_LOOKUPS.get()).isEqualTo(1);
        assertThat(modelTexts()).isEqualTo(1);
    }

    @Test
    void missingStoredVectorCallsModel() throws Exception {
        EmbeddingAsyncFunction function = open("not-stored", new MapStoredVectors(), 0);

        SyncAction action = embed(function, upsert(8, 2, "Nhà nguyên căn", true));

        assertThat(action.vector).isEqualTo(TestModels.vectorOf("Nhà nguyên căn"));
        assertThat(STORE_LOOKUPS.get()).isEqualTo(1);
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

    private static String key(EntityType type, long id, String textHash, String modelId) {
        return type + ":" + id + ":" + textHash + ":" + modelId;
    }

    /** Returns vectors from {@link #STORE} whose length equals the requested dimension. */
    private static final class MapStoredVectors implements StoredVectors {
        private static final long serialVersionUID = 1L;

        @Override
        public Reader open() {
            return new Reader() {
                @Override
                public CompletableFuture<float[]> find(
                        EntityType type, long id, String textHash, String modelId, int dimension) {
                    STORE_LOOKUPS.incrementAndGet();
                    float[] vector = STORE.get(key(type, id, textHash, modelId));
                    return CompletableFuture.completedFuture(
                            vector != null && vector.length == dimension ? vector.clone() : null);
                }

                @Override
                public long lookups() {
                    return STORE_LOOKUPS.get();
                }

                @Override
                public void close() {}
            };
        }
    }
}
