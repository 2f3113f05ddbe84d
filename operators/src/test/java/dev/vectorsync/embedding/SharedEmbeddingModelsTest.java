package dev.vectorsync.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorsync.embedding.TestModels.RecordingModel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

class SharedEmbeddingModelsTest {

    /**
     * Models created by {@link #create}, in order; static so that the factory stays serialisable.
     */
    private static final List<RecordingModel> CREATED = new CopyOnWriteArrayList<>();

    private static EmbeddingModel create(EmbeddingModelConfig config) {
        RecordingModel model = new RecordingModel(config.modelId());
        CREATED.add(model);
        return model;
    }

    private static EmbeddingModelConfig config(String modelId) {
        return EmbeddingModelConfig.builder().modelId(modelId).build();
    }

    @Test
    void acquiresShareOneModel() {
        EmbeddingModelConfig config = config("shared-one");
        int before = CREATED.size();

        try (SharedEmbeddingModels.Lease first =
                        SharedEmbeddingModels.acquire(config, SharedEmbeddingModelsTest::create);
                SharedEmbeddingModels.Lease second =
                        SharedEmbeddingModels.acquire(config, SharedEmbeddingModelsTest::create)) {
            assertThat(second.model()).isSameAs(first.model());
            assertThat(second.batcher()).isSameAs(first.batcher());
            assertThat(CREATED).hasSize(before + 1);
            assertThat(SharedEmbeddingModels.references(config)).isEqualTo(2);
        }
    }

    @Test
    void lastReleaseClosesModel() {
        EmbeddingModelConfig config = config("shared-close");
        SharedEmbeddingModels.Lease first =
                SharedEmbeddingModels.acquire(config, SharedEmbeddingModelsTest::create);
        SharedEmbeddingModels.Lease second =
                SharedEmbeddingModels.acquire(config, SharedEmbeddingModelsTest::create);
        RecordingModel model = (RecordingModel) first.model();

        first.close();
        first.close();
        assertThat(model.closed).isFalse();
        assertThat(SharedEmbeddingModels.references(config)).isEqualTo(1);

        second.close();
        assertThat(model.closed).isTrue();
        assertThat(SharedEmbeddingModels.references(config)).isZero();
        assertThat(second.batcher().submit("late")).isCompletedExceptionally();
    }

    @Test
    void acquireAfterCloseLoadsAgain() {
        EmbeddingModelConfig config = config("shared-reload");
        EmbeddingModel first;
        try (SharedEmbeddingModels.Lease lease =
                SharedEmbeddingModels.acquire(config, SharedEmbeddingModelsTest::create)) {
            first = lease.model();
        }

        try (SharedEmbeddingModels.Lease lease =
                SharedEmbeddingModels.acquire(config, SharedEmbeddingModelsTest::create)) {
            assertThat(lease.model()).isNotSameAs(first);
        }
    }

    @Test
    void differentConfigsGetDifferentModels() {
        try (SharedEmbeddingModels.Lease small =
                        SharedEmbeddingModels.acquire(
                                config("shared-a"), SharedEmbeddingModelsTest::create);
                SharedEmbeddingModels.Lease large =
                        SharedEmbeddingModels.acquire(
                                config("shared-b"), SharedEmbeddingModelsTest::create)) {
            assertThat(small.model()).isNotSameAs(large.model());
        }
    }

    @Test
    void failedLoadRegistersNothing() {
        EmbeddingModelConfig config = config("shared-broken");

        assertThatThrownBy(
                        () ->
                                SharedEmbeddingModels.acquire(
                                        config,
                                        c -> {
                                            throw new EmbeddingException(
                                                    "cannot load " + c.modelId());
                                        }))
                .isInstanceOf(EmbeddingException.class)
                .hasMessage("cannot load shared-broken");
        assertThat(SharedEmbeddingModels.references(config)).isZero();

        try (SharedEmbeddingModels.Lease lease =
                SharedEmbeddingModels.acquire(config, SharedEmbeddingModelsTest::create)) {
            assertThat(lease.model().modelId()).isEqualTo("shared-broken");
        }
    }

    @Test
    void concurrentAcquiresLoadOnce() throws Exception {
        EmbeddingModelConfig config = config("shared-concurrent");
        int before = CREATED.size();
        List<SharedEmbeddingModels.Lease> leases = new CopyOnWriteArrayList<>();

        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] =
                    new Thread(
                            () ->
                                    leases.add(
                                            SharedEmbeddingModels.acquire(
                                                    config, SharedEmbeddingModelsTest::create)));
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(leases).hasSize(8);
        assertThat(CREATED).hasSize(before + 1);
        assertThat(leases)
                .allSatisfy(lease -> assertThat(lease.model()).isSameAs(leases.get(0).model()));
        leases.forEach(SharedEmbeddingModels.Lease::close);
        assertThat(SharedEmbeddingModels.references(config)).isZero();
    }
}
