package dev.vectorsync.job;

import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.config.JobMode;
import dev.vectorsync.job.pipeline.BackfillSummary;
import dev.vectorsync.job.pipeline.ComponentConfigs;
import dev.vectorsync.job.pipeline.DatabaseSources;
import dev.vectorsync.job.pipeline.SyncPipeline;
import dev.vectorsync.milvus.MilvusConnectionConfig;
import dev.vectorsync.milvus.MilvusSchemaManager;

import io.grpc.StatusRuntimeException;
import io.milvus.v2.client.MilvusClientV2;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

import static dev.vectorsync.job.config.VectorSyncOptions.POSTS_COLLECTION;
import static dev.vectorsync.job.config.VectorSyncOptions.USERS_COLLECTION;

/**
 * Entry point of the vector-sync job, for {@code flink run} and for a local run.
 *
 * <p>Arguments: {@code --config FILE} (optional YAML), {@code --mode stream} (default) or {@code
 * --mode backfill}, and any {@code --key value} override; see {@code job/config/vector-sync.yaml}.
 * Without arguments the job reads Redis on 127.0.0.1:6379 and writes Milvus on 127.0.0.1:19530
 * with the bundled model. A backfill runs in BATCH mode, ends when every row is in Milvus and
 * prints a {@link BackfillSummary}.
 */
public final class VectorSyncJob {

    private static final Logger LOG = LoggerFactory.getLogger(VectorSyncJob.class);

    /** Checkpoint interval used when the configuration sets none. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    /**
     * Network buffer timeout used when the configuration sets none. With Flink's 100 ms default a
     * record waits up to 100 ms at each of the job's two keyed exchanges, which was most of an
     * edit's latency apart from the model. Price-only updates, the job's fastest path, ran at 792
     * per second with 5 ms against 729 with 100 ms in the benchmark, so the flushes cost no rate.
     */
    static final Duration DEFAULT_BUFFER_TIMEOUT = Duration.ofMillis(5);

    private VectorSyncJob() {}

    public static void main(String[] args) throws Exception {
        if (JobConfigLoader.isHelpRequest(args)) {
            System.out.print(JobConfigLoader.usage());
            return;
        }
        JobSettings settings = JobConfigLoader.load(args);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(settings.flinkConfiguration());
        prepare(env, settings, System.getenv());
        // bin/vector-sync finds the streaming job by this exact name.
        String jobName = settings.mode() == JobMode.BACKFILL ? "vector-sync backfill" : "vector-sync";
        JobExecutionResult result = env.execute(jobName);
        if (settings.mode() == JobMode.BACKFILL) {
            BackfillSummary summary = BackfillSummary.of(result);
            LOG.info("{}", summary);
            System.out.println(summary);
        }
    }

    /**
     * Checks the source tables' columns (database sources and backfill), checks the Milvus
     * collections (creating them when missing) and adds the pipeline to {@code env}; separate from
     * {@link #main} so that tests and the demo run the same steps.
     */
    public static void prepare(
            StreamExecutionEnvironment env, JobSettings settings, Map<String, String> environment) {
        env.configure(settings.flinkConfiguration());
        if (settings.mode() == JobMode.BACKFILL) {
            // A bounded job in BATCH mode: no checkpoints; every operator finishes at end of input.
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        } else {
            applyStreamingDefaults(env, settings.flinkConfiguration());
        }
        if (settings.mode() == JobMode.BACKFILL || settings.sourceType().isDatabase()) {
            new DatabaseSources(settings, environment).checkColumns();
        }
        ensureCollections(settings, environment);
        SyncPipeline.build(env, settings, environment);
        LOG.info("Built the vector-sync pipeline in {} mode: {}", settings.mode(), settings);
    }

    /** Sets the checkpoint interval and the buffer timeout where {@code flinkConfiguration} sets none. */
    static void applyStreamingDefaults(StreamExecutionEnvironment env, Configuration flinkConfiguration) {
        if (!flinkConfiguration.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        if (!flinkConfiguration.contains(ExecutionOptions.BUFFER_TIMEOUT)) {
            env.setBufferTimeout(DEFAULT_BUFFER_TIMEOUT.toMillis());
        }
    }

    /** Fails before submission, with the difference named, when a collection has another schema. */
    private static void ensureCollections(JobSettings settings, Map<String, String> environment) {
        MilvusConnectionConfig milvus = ComponentConfigs.milvus(settings, environment);
        MilvusClientV2 client;
        try {
            client = milvus.createClient();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot connect to Milvus at " + milvus.getUri() + " (milvus.uri) to check the"
                            + " collections; check that Milvus runs and is reachable from where the job"
                            + " is submitted",
                    e);
        }
        try {
            new MilvusSchemaManager(client)
                    .ensurePostsAndUsers(
                            settings.get(POSTS_COLLECTION),
                            settings.get(USERS_COLLECTION),
                            ComponentConfigs.vectorDimension(settings));
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException(
                    "Milvus at " + milvus.getUri() + " (milvus.uri) failed to respond while the job"
                            + " checked the collections: " + e.getStatus().getCode()
                            + "; check that Milvus runs and is reachable",
                    e);
        } finally {
            client.close();
        }
    }
}
