package dev.vectorsync.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.embedding.TestModels.FlakyModel;
import dev.vectorsync.embedding.TestModels.RecordingModel;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link EmbeddingAsyncFunction} in {@code unorderedWait} on a MiniCluster with two subtasks
 * and restarts turned off, so that any exception from the function would fail the job.
 */
class EmbeddingAsyncFunctionITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** Test models by model id, so that tests can inspect what their job's subtasks shared. */
    private static final Map<String, RecordingModel> MODELS = new ConcurrentHashMap<>();

    private static final Duration LONG_FLINK_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void flakyModelIsRetriedUntilSuccess() throws Exception {
        EmbeddingModelConfig config = fastRetries("flaky-twice").retryMaxAttempts(3).build();
        List<SyncAction> input = actions(6);

        List<SyncAction> output =
                run(
                        input,
                        new EmbeddingAsyncFunction(
                                config, c -> register(new FlakyModel(c.modelId(), 2))),
                        LONG_FLINK_TIMEOUT);

        assertThat(output).hasSize(input.size());
        for (SyncAction action : upserts(output)) {
            assertThat(action.failure).as(action.entityKey()).isNull();
            assertThat(action.vector).isEqualTo(TestModels.vectorOf(action.embeddingText));
            assertThat(action.embeddingModel).isEqualTo("flaky-twice");
            assertThat(action.embeddingDimension).isEqualTo(TestModels.DIMENSION);
        }
        assertThat(((FlakyModel) MODELS.get("flaky-twice")).calls.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void failingModelYieldsFailedActions() throws Exception {
        EmbeddingModelConfig config = fastRetries("always-failing").retryMaxAttempts(2).build();
        List<SyncAction> input = actions(6);

        List<SyncAction> output =
                run(
                        input,
                        new EmbeddingAsyncFunction(
                                config,
                                c -> register(new FlakyModel(c.modelId(), Integer.MAX_VALUE))),
                        LONG_FLINK_TIMEOUT);

        assertThat(output).hasSize(input.size());
        for (SyncAction action : upserts(output)) {
            assertThat(action.vector).isNull();
            assertThat(action.failure)
                    .contains("embedding of " + action.entityKey())
                    .contains("failed after 2 of 2 attempts")
                    .contains("planned failure");
        }
    }

    @Test
    void deletesPassThroughUnchanged() throws Exception {
        EmbeddingModelConfig config = fastRetries("deletes-only-failing").build();
        List<SyncAction> input = actions(6);

        List<SyncAction> output =
                run(
                        input,
                        new EmbeddingAsyncFunction(
                                config,
                                c -> register(new FlakyModel(c.modelId(), Integer.MAX_VALUE))),
                        LONG_FLINK_TIMEOUT);

        List<SyncAction> deletes = new ArrayList<>();
        for (SyncAction action : output) {
            if (action.type == SyncActionType.DELETE) {
                deletes.add(action);
            }
        }
        assertThat(deletes)
                .extracting(SyncAction::entityKey)
                .containsExactlyInAnyOrder("POST:1", "POST:3", "POST:5");
        for (SyncAction delete : deletes) {
            assertThat(delete.failure).isNull();
            assertThat(delete.vector).isNull();
            assertThat(delete.embeddingModel).isNull();
        }
    }

    @Test
    void flinkTimeoutYieldsFailedAction() throws Exception {
        // Each attempt may take an hour, so only Flink's timeout of 200 ms can end the wait.
        EmbeddingModelConfig config =
                fastRetries("hanging").requestTimeout(Duration.ofHours(1)).build();
        List<SyncAction> input = actions(2);

        List<SyncAction> output =
                run(
                        input,
                        new EmbeddingAsyncFunction(
                                config, EmbeddingAsyncFunctionITCase::hangingModel),
                        Duration.ofMillis(200));

        assertThat(output).hasSize(2);
        SyncAction upsert = upserts(output).get(0);
        assertThat(upsert.vector).isNull();
        assertThat(upsert.failure)
                .contains("embedding of POST:0")
                .contains("timed out (Flink async timeout) during attempt 1 of 3");
    }

    @Test
    void upsertWithoutTextFailsAtOnce() throws Exception {
        EmbeddingModelConfig config = fastRetries("no-text").build();
        List<SyncAction> input = actions(1);
        input.get(0).embeddingText = null;

        List<SyncAction> output =
                run(
                        input,
                        new EmbeddingAsyncFunction(
                                config, c -> register(new RecordingModel(c.modelId()))),
                        LONG_FLINK_TIMEOUT);

        assertThat(output.get(0).failure).contains("UPSERT of POST:0 has no embeddingText");
        assertThat(MODELS.get("no-text").batchSizes).isEmpty();
    }

    @Test
    void bundledModelEmbedsUpserts() throws Exception {
        EmbeddingModelConfig config =
                EmbeddingModelConfig.builder().intraOpThreads(1).interOpThreads(1).build();
        List<SyncAction> input = actions(4);
        input.get(2).embeddingText = "";

        List<SyncAction> output =
                run(input, new EmbeddingAsyncFunction(config), LONG_FLINK_TIMEOUT);

        for (SyncAction action : upserts(output)) {
            assertThat(action.failure).as(action.entityKey()).isNull();
            assertThat(action.vector).hasSize(384);
            assertThat(Vectors.norm(action.vector))
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(action.embeddingModel).isEqualTo("bge-small-en-v1.5");
            assertThat(action.embeddingDimension).isEqualTo(384);
        }
    }

    // ---- helpers ----

    private static EmbeddingModelConfig.Builder fastRetries(String modelId) {
        return EmbeddingModelConfig.builder()
                .modelId(modelId)
                .maxBatchSize(4)
                .maxBatchWait(Duration.ofMillis(2))
                .requestTimeout(Duration.ofSeconds(30))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20));
    }

    private static RecordingModel register(RecordingModel model) {
        MODELS.put(model.modelId(), model);
        return model;
    }

    /** Creates a model whose calls block until its batcher closes at the end of the job. */
    private static EmbeddingModel hangingModel(EmbeddingModelConfig config) {
        RecordingModel model = register(new RecordingModel(config.modelId()));
        model.closeGate();
        return model;
    }

    /** Posts 0 to count-1: even ids are upserts with text "post N", odd ids deletes. */
    private static List<SyncAction> actions(int count) {
        List<SyncAction> actions = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            SyncAction action = new SyncAction();
            action.entityType = EntityType.POST;
            action.id = id;
            action.version = new ChangeVersion(1000 + id, 1000 + id, 0);
            if (id % 2 == 0) {
                action.type = SyncActionType.UPSERT;
                action.embeddingText = "post " + id;
                action.textHash = EmbeddingTexts.sha256Hex(action.embeddingText);
            } else {
                action.type = SyncActionType.DELETE;
            }
            actions.add(action);
        }
        return actions;
    }

    private static List<SyncAction> upserts(List<SyncAction> actions) {
        List<SyncAction> upserts = new ArrayList<>();
        for (SyncAction action : actions) {
            if (action.type == SyncActionType.UPSERT) {
                upserts.add(action);
            }
        }
        assertThat(upserts).isNotEmpty();
        return upserts;
    }

    private static List<SyncAction> run(
            List<SyncAction> input, EmbeddingAsyncFunction function, Duration flinkTimeout)
            throws Exception {
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(2);

        DataStream<SyncAction> actions = env.fromData(input, TypeInformation.of(SyncAction.class));
        DataStream<SyncAction> embedded =
                AsyncDataStream.unorderedWait(
                        actions, function, flinkTimeout.toMillis(), TimeUnit.MILLISECONDS, 16);

        List<SyncAction> output = new ArrayList<>();
        try (CloseableIterator<SyncAction> results = embedded.executeAndCollect()) {
            results.forEachRemaining(output::add);
        }
        output.sort(Comparator.comparingLong(action -> action.id));
        return output;
    }
}
