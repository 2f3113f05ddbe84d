package dev.vectorsync.job.demo;

import dev.vectorsync.embedding.EmbeddingModelConfig;
import dev.vectorsync.embedding.OnnxEmbeddingModel;
import dev.vectorsync.job.VectorSyncJob;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/**
 * The demo behind {@code bin/demo}: writes listings into the post stream as the backend would,
 * runs the sync job in-process (bounded, so it ends when the stream is drained), prints progress,
 * a summary and one search.
 *
 * <p>Arguments: {@code --demo.limit N} (listings to load, default 500; 0 loads all) and any job
 * option, for example {@code --redis.port} and {@code --milvus.uri}, which {@code bin/demo} sets.
 */
public final class DemoRunner {

    private static final String QUERY = "phòng trọ gần đại học giá rẻ";

    private DemoRunner() {}

    public static void main(String[] args) throws Exception {
        if (JobConfigLoader.isHelpRequest(args)) {
            System.out.println("Demo arguments: [--demo.limit N] (listings to load, default 500, 0 = all)");
            System.out.print(JobConfigLoader.usage());
            return;
        }
        int limit = 500;
        List<String> jobArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals("--demo.limit")) {
                jobArgs.add(args[i]);
                continue;
            }
            if (i + 1 >= args.length || !args[i + 1].matches("\\d{1,9}")) {
                System.err.println("--demo.limit needs a whole number of listings (0 loads all)");
                System.exit(2);
            }
            limit = Integer.parseInt(args[++i]);
        }
        jobArgs.addAll(List.of("--source.redis.bounded", "true"));

        // Configuration and collections are checked before any event is written.
        JobSettings settings;
        StreamExecutionEnvironment env = localEnvironment();
        try {
            settings = JobConfigLoader.load(jobArgs.toArray(new String[0]));
            VectorSyncJob.prepare(env, settings, System.getenv());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }

        List<Listing> listings = loadListings(limit);
        int sent = sendInserts(settings, listings);
        System.out.printf(
                "Sent %d insert events to stream '%s'; rows appear once the model has loaded and"
                        + " embedded its first batch.%n",
                sent,
                settings.get(POST_STREAM));

        long started = System.nanoTime();
        MilvusClientV2 client = connect(settings);
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
        try {
            progress.scheduleAtFixedRate(
                    () -> printProgress(client, settings, sent, started), 2, 2, TimeUnit.SECONDS);
            env.execute("vector-sync demo");
            progress.shutdownNow();

            printSummary(client, settings, sent, started);
            printSearch(client, settings);
        } finally {
            progress.shutdownNow();
            client.close();
        }
    }

    private static List<Listing> loadListings(int limit) throws Exception {
        Path shared = Listings.findSharedFile(Path.of(""));
        List<Listing> listings;
        if (shared != null) {
            listings = Listings.read(shared);
            System.out.printf("Read %d listings from %s.%n", listings.size(), shared);
        } else {
            listings = Listings.sample();
            System.out.printf(
                    "The shared listings file was not found; using the %d bundled sample listings.%n",
                    listings.size());
        }
        return limit > 0 && limit < listings.size() ? listings.subList(0, limit) : listings;
    }

    private static int sendInserts(JobSettings settings, List<Listing> listings) {
        try (Jedis jedis = new Jedis(settings.get(REDIS_HOST), settings.get(REDIS_PORT))) {
            long version = System.currentTimeMillis();
            for (int i = 0; i < listings.size(); i++) {
                String payload =
                        PostPayloads.payload(
                                "insert", i + 1, version, PostPayloads.data(listings.get(i), "approved", 1 + i % 100));
                jedis.xadd(settings.get(POST_STREAM), StreamEntryID.NEW_ENTRY, Map.of("job", payload));
            }
        }
        return listings.size();
    }

    private static StreamExecutionEnvironment localEnvironment() {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.BIND_PORT, "0");
        return StreamExecutionEnvironment.createLocalEnvironment(2, configuration);
    }

    private static MilvusClientV2 connect(JobSettings settings) {
        return new MilvusClientV2(
                ConnectConfig.builder()
                        .uri(settings.get(MILVUS_URI))
                        .connectTimeoutMs(Duration.ofSeconds(10).toMillis())
                        .build());
    }

    /** Counts the rows of {@code collection} at strong consistency; the benchmark uses it too. */
    public static long countRows(MilvusClientV2 client, String collection) {
        return client.query(
                        QueryReq.builder()
                                .collectionName(collection)
                                .filter("")
                                .outputFields(List.of("count(*)"))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build())
                .getQueryResults()
                .stream()
                .findFirst()
                .map(row -> ((Number) row.getEntity().get("count(*)")).longValue())
                .orElse(0L);
    }

    private static void printProgress(MilvusClientV2 client, JobSettings settings, int sent, long started) {
        try {
            long rows = countRows(client, settings.get(POSTS_COLLECTION));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "  %5.0f s  %d of %d posts in Milvus (%.1f rows/s)%n", seconds, rows, sent, rows / seconds);
        } catch (RuntimeException e) {
            System.out.printf("  progress unavailable: %s%n", e.getMessage());
        }
    }

    private static void printSummary(MilvusClientV2 client, JobSettings settings, int sent, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        long rows = countRows(client, settings.get(POSTS_COLLECTION));
        long deadLetters;
        try (Jedis jedis = new Jedis(settings.get(REDIS_HOST), settings.get(REDIS_PORT))) {
            deadLetters = jedis.xlen(settings.get(DEAD_LETTER_STREAM));
        }
        System.out.println();
        System.out.println("Summary");
        System.out.printf("  events sent           %d%n", sent);
        System.out.printf("  posts in Milvus       %d (collection %s)%n", rows, settings.get(POSTS_COLLECTION));
        System.out.printf("  dead letters          %d (stream %s)%n", deadLetters, settings.get(DEAD_LETTER_STREAM));
        System.out.printf("  time                  %.1f s, %.1f posts/s end to end%n", seconds, rows / seconds);
    }

    private static void printSearch(MilvusClientV2 client, JobSettings settings) throws Exception {
        String collection = settings.get(POSTS_COLLECTION);
        System.out.println();
        System.out.printf("Search: \"%s\"%n", QUERY);

        printHits("BM25 on title", search(client, collection, "sparse_title", new EmbeddedText(QUERY)));

        float[] query;
        try (OnnxEmbeddingModel model = OnnxEmbeddingModel.load(EmbeddingModelConfig.builder().build())) {
            query = model.embed(List.of(QUERY))[0];
        }
        printHits(
                "dense vector (" + settings.get(MODEL_ID) + ")",
                search(client, collection, "dense_vector", new FloatVec(query)));
    }

    private static SearchResp search(MilvusClientV2 client, String collection, String field, BaseVector query) {
        return client.search(
                SearchReq.builder()
                        .collectionName(collection)
                        .annsField(field)
                        .data(List.of(query))
                        .limit(3)
                        .outputFields(List.of("title", "price", "district"))
                        .consistencyLevel(ConsistencyLevel.STRONG)
                        .build());
    }

    private static void printHits(String label, SearchResp response) {
        System.out.println("  " + label + ":");
        for (SearchResp.SearchResult hit : response.getSearchResults().get(0)) {
            Map<String, Object> entity = hit.getEntity();
            System.out.printf(
                    "    #%s  %s  (%s VND, %s)%n",
                    hit.getId(), entity.get("title"), entity.get("price"), entity.get("district"));
        }
    }
}
