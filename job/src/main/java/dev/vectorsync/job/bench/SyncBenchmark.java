package dev.vectorsync.job.bench;

import dev.vectorsync.decode.ChangeEventDecoder;
import dev.vectorsync.embedding.EmbeddingModelConfig;
import dev.vectorsync.embedding.EmbeddingTexts;
import dev.vectorsync.embedding.OnnxEmbeddingModel;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.job.VectorSyncJob;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.demo.DemoRunner;
import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.job.demo.Listings;
import dev.vectorsync.job.demo.PostPayloads;
import dev.vectorsync.job.pipeline.ComponentConfigs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/**
 * The benchmark behind {@code bin/benchmark}. In one run, so that each figure is compared with one
 * measured under the same load, it measures:
 *
 * <ol>
 *   <li>the model limit: ONNX Runtime alone embedding the texts of the insert events, in batches of
 *       {@code embedding.batch-size}, one batch after another;
 *   <li>pipeline throughput: with the insert events already in the stream when the job starts,
 *       rows per second from the first to the last row in Milvus, and its ratio to 1;
 *   <li>edit to searchable: edits that change the title, at a steady rate, and for each the time from
 *       just before XADD until an independent Milvus reader sees the new version;
 *   <li>unchanged text: price-only updates of existing posts, with the model calls (the job's {@code
 *       embeddedActions} metric) and updates per second.
 * </ol>
 *
 * <p>The job runs in-process (MiniCluster) with the job's own pipeline and settings. Results go to
 * {@code results.json} in {@code --bench.out} and are appended to {@code --bench.docs}.
 */
public final class SyncBenchmark {

    private static final String EMBED_VERTEX = "Embed text";
    private static final String EMBEDDED_METRIC = ".embedding.embeddedActions";
    private static final String REUSED_METRIC = ".embedding.reusedVectors";
    private static final String RESULTS_MARKER = "<!-- bin/benchmark appends its results below -->";

    private final BenchOptions options;
    private final JobSettings settings;
    private final Map<String, Object> results = new LinkedHashMap<>();

    private SyncBenchmark(BenchOptions options, JobSettings settings) {
        this.options = options;
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        JobSettings settings;
        try {
            options = BenchOptions.parse(args);
            if (options.help) {
                System.out.print(BenchOptions.USAGE);
                System.out.print(JobConfigLoader.usage());
                return;
            }
            settings = JobConfigLoader.load(options.jobArgs.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new SyncBenchmark(options, settings).run();
        // Flink's and the clients' threads may linger after the results are written, so exit.
        System.exit(0);
    }

    private void run() throws Exception {
        Path shared = Listings.findSharedFile(Path.of(""));
        if (shared == null) {
            throw new IllegalStateException(
                    "the benchmark needs the real listings in " + Listings.SHARED_FILE
                            + " (relative to the repository or one of its parents)");
        }
        List<Listing> listings = Listings.read(shared);
        List<String> payloads = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        long baseVersion = System.currentTimeMillis() * 1000;
        ChangeEventDecoder decoder = new ChangeEventDecoder(settings.get(MAX_PAYLOAD_BYTES));
        for (int i = 0; i < options.events; i++) {
            Listing listing = listings.get(i % listings.size());
            String payload = PostPayloads.payload("insert", i + 1, baseVersion, data(listing, i, null, null));
            payloads.add(payload);
            ChangeEvent event = decoder.decode(EntityType.POST, "benchmark", "0-0", payload, new ChangeVersion(0, 0, 0));
            texts.add(EmbeddingTexts.forPost(event.post));
        }

        recordSetup(shared, listings.size());
        System.out.printf("Benchmark: %d insert events from %s%n", options.events, shared);

        measureModelLimit(texts);
        runJobFigures(listings, payloads, baseVersion);

        Files.createDirectories(options.outDir);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path json = options.outDir.resolve("results.json");
        mapper.writeValue(json.toFile(), results);
        System.out.println("Results written to " + json);
        if (options.docs != null) {
            appendMarkdown(options.docs);
            System.out.println("Results appended to " + options.docs);
        }
    }

    // ---- figure 1 ----

    private void measureModelLimit(List<String> texts) {
        EmbeddingModelConfig config = ComponentConfigs.embedding(settings);
        int batchSize = config.maxBatchSize();
        try (OnnxEmbeddingModel model = OnnxEmbeddingModel.load(config)) {
            model.embed(texts.subList(0, Math.min(batchSize, texts.size())));
            long start = System.nanoTime();
            for (int from = 0; from < texts.size(); from += batchSize) {
                model.embed(texts.subList(from, Math.min(texts.size(), from + batchSize)));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = texts.size() / seconds;
            results.put("modelDevice", model.executionDevice());
            results.put("modelLimitTextsPerSecond", round(rate));
            results.put("modelLimitSeconds", round(seconds));
            System.out.printf("1. Model limit: %.1f texts/s (%d texts in %.1f s, batches of %d, %s)%n",
                    rate, texts.size(), seconds, batchSize, model.executionDevice());
        }
    }

    // ---- figures 2 to 4 ----

    private void runJobFigures(List<Listing> listings, List<String> payloads, long baseVersion) throws Exception {
        String stream = settings.get(POST_STREAM);
        try (Jedis jedis = new Jedis(settings.get(REDIS_HOST), settings.get(REDIS_PORT))) {
            Pipeline pipeline = jedis.pipelined();
            for (String payload : payloads) {
                pipeline.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("job", payload));
            }
            pipeline.sync();
        }

        int restPort = freePort();
        StreamExecutionEnvironment env = localEnvironment(restPort);
        VectorSyncJob.prepare(env, settings, System.getenv());
        MilvusClientV2 client = connect();
        String collection = settings.get(POSTS_COLLECTION);
        long started = System.nanoTime();
        JobClient job = env.executeAsync("vector-sync benchmark");
        try (VisibilityProbe probe = new VisibilityProbe(client, collection, options.pollMillis)) {
            JobMetrics metrics = new JobMetrics(restPort, job.getJobID());
            measurePipeline(client, collection, started);
            measureEdits(listings, baseVersion, probe, metrics);
            measurePriceUpdates(listings, baseVersion, probe, metrics);
        } finally {
            job.cancel().get();
            client.close();
        }
    }

    private void measurePipeline(MilvusClientV2 client, String collection, long started) throws InterruptedException {
        int expected = options.events;
        long firstAt = 0;
        long firstCount = 0;
        long count = 0;
        // Generous: five times the model limit's time, plus ten minutes for start-up.
        double modelRate = ((Number) results.get("modelLimitTextsPerSecond")).doubleValue();
        long deadline = started + (long) ((expected / Math.max(0.1, modelRate * 0.2) + 600) * 1e9);

        while (count < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + count + " of " + expected + " rows reached Milvus before the deadline;"
                                + " see the job's log");
            }
            Thread.sleep(100);
            count = DemoRunner.countRows(client, collection);
            if (count > 0 && firstAt == 0) {
                firstAt = System.nanoTime();
                firstCount = count;
            }
        }

        long lastAt = System.nanoTime();
        double steady = lastAt > firstAt ? (expected - firstCount) / ((lastAt - firstAt) / 1e9) : Double.NaN;
        double wall = expected / ((lastAt - started) / 1e9);

        results.put("pipelineRowsPerSecond", round(steady));
        results.put("pipelineRowsPerSecondWithStartup", round(wall));
        results.put("pipelineToModelRatio", round(steady / modelRate));
        results.put("pipelineSeconds", round((lastAt - started) / 1e9));
        System.out.printf(
                "2. Pipeline: %.1f rows/s from first to last row (%.1f rows/s with job start and model load),"
                        + " ratio to the model limit %.2f%n",
                steady, wall, steady / modelRate);
    }

    private void measureEdits(List<Listing> listings, long baseVersion, VisibilityProbe probe, JobMetrics metrics)
            throws Exception {
        int edits = (int) Math.round(options.editRate * options.editSeconds);
        long intervalNanos = (long) (1e9 / options.editRate);
        long embeddedBefore = metrics.sum(EMBED_VERTEX, EMBEDDED_METRIC);
        String stream = settings.get(POST_STREAM);
        try (Jedis jedis = new Jedis(settings.get(REDIS_HOST), settings.get(REDIS_PORT))) {
            long start = System.nanoTime();
            for (int k = 0; k < edits; k++) {
                long due = start + k * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                int index = k % options.events;
                long version = baseVersion + 1 + k;
                String payload =
                        PostPayloads.payload(
                                "update", index + 1, version,
                                data(listings.get(index % listings.size()), index, "sửa lần " + (k + 1), null));
                probe.await(index + 1, version);
                jedis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("job", payload));
            }
        }
        // Edits sent faster than the model embeds queue up; wait for that backlog too, so that
        // figure 4 does not start behind it.
        double modelRate = ((Number) results.get("modelLimitTextsPerSecond")).doubleValue();
        long drainMillis = 120_000 + (long) (edits / Math.max(0.1, modelRate) * 2_000);
        List<Long> missing = probe.drain(drainMillis);
        List<Long> latencies = probe.takeLatencies();
        Collections.sort(latencies);
        waitForMetrics();
        long modelCalls = metrics.sum(EMBED_VERTEX, EMBEDDED_METRIC) - embeddedBefore;

        results.put("editsSent", edits);
        results.put("editsPerSecond", options.editRate);
        results.put("editsNotVisible", missing.size());
        results.put("editModelCalls", modelCalls);
        results.put("editToSearchableP50Millis", round(VisibilityProbe.percentileMillis(latencies, 50)));
        results.put("editToSearchableP95Millis", round(VisibilityProbe.percentileMillis(latencies, 95)));
        results.put("editToSearchableP99Millis", round(VisibilityProbe.percentileMillis(latencies, 99)));
        results.put("editToSearchableMaxMillis", round(VisibilityProbe.percentileMillis(latencies, 100)));
        System.out.printf(
                "3. Edit to searchable over %d edits at %.1f/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms"
                        + " (%d not visible in time, %d model calls)%n",
                latencies.size(), options.editRate,
                VisibilityProbe.percentileMillis(latencies, 50), VisibilityProbe.percentileMillis(latencies, 95),
                VisibilityProbe.percentileMillis(latencies, 99), VisibilityProbe.percentileMillis(latencies, 100),
                missing.size(), modelCalls);
    }

    private void measurePriceUpdates(
            List<Listing> listings, long baseVersion, VisibilityProbe probe, JobMetrics metrics) throws Exception {
        int updates = options.priceUpdates;
        long versionBase = baseVersion + 1_000_000;
        long embeddedBefore = metrics.sum(EMBED_VERTEX, EMBEDDED_METRIC);
        long reusedBefore = metrics.sum(EMBED_VERTEX, REUSED_METRIC);
        String stream = settings.get(POST_STREAM);
        // Each post keeps the title of its last edit, so that only the price differs.
        int edits = (int) Math.round(options.editRate * options.editSeconds);
        long start = System.nanoTime();
        try (Jedis jedis = new Jedis(settings.get(REDIS_HOST), settings.get(REDIS_PORT))) {
            Pipeline pipeline = jedis.pipelined();
            for (int k = 0; k < updates; k++) {
                int index = k % options.events;
                long version = versionBase + k;
                String suffix = lastEditSuffix(index, edits);
                String payload =
                        PostPayloads.payload(
                                "update", index + 1, version,
                                data(listings.get(index % listings.size()), index, suffix, 1_000_000L + k * 1_000L));
                probe.await(index + 1, version);
                pipeline.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("job", payload));
            }
            pipeline.sync();
        }
        List<Long> missing = probe.drain(300_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        probe.takeLatencies();
        waitForMetrics();
        long modelCalls = metrics.sum(EMBED_VERTEX, EMBEDDED_METRIC) - embeddedBefore;
        long reused = metrics.sum(EMBED_VERTEX, REUSED_METRIC) - reusedBefore;

        results.put("priceUpdates", updates);
        results.put("priceUpdateModelCalls", modelCalls);
        results.put("priceUpdateReusedVectors", reused);
        results.put("priceUpdatesNotVisible", missing.size());
        results.put("priceUpdatesPerSecond", round(updates / seconds));
        System.out.printf(
                "4. Unchanged text: %d price-only updates, %d model calls, %d vectors reused, %.1f updates/s"
                        + " (%d not visible)%n",
                updates, modelCalls, reused, updates / seconds, missing.size());
    }

    /** Returns the title suffix that post {@code index} got from its last edit in figure 3, or null. */
    private String lastEditSuffix(int index, int edits) {
        int last = -1;
        for (int k = index; k < edits; k += options.events) {
            last = k;
        }
        return last < 0 ? null : "sửa lần " + (last + 1);
    }

    /** Lets the subtasks' counters catch up with the rows the probe already saw. */
    private static void waitForMetrics() throws InterruptedException {
        Thread.sleep(500);
    }

    // ---- helpers ----

    private static ObjectNode data(Listing listing, int index, String titleSuffix, Long price) {
        ObjectNode data = PostPayloads.data(listing, "approved", 1 + index % 100);
        if (titleSuffix != null) {
            data.put("title", listing.title + " (" + titleSuffix + ")");
        }
        if (price != null) {
            data.put("price", price);
        }
        return data;
    }

    private StreamExecutionEnvironment localEnvironment(int restPort) {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        configuration.set(RestOptions.PORT, restPort);
        configuration.set(RestOptions.ADDRESS, "127.0.0.1");
        configuration.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        configuration.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, JobMetrics.FETCH_INTERVAL);
        return StreamExecutionEnvironment.createLocalEnvironment(options.parallelism, configuration);
    }

    private MilvusClientV2 connect() {
        return new MilvusClientV2(
                ConnectConfig.builder().uri(settings.get(MILVUS_URI)).connectTimeoutMs(10_000).build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
    }

    private void recordSetup(Path shared, int listingCount) throws IOException {
        EmbeddingModelConfig config = ComponentConfigs.embedding(settings);
        results.put("date", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        results.put("label", options.label);
        results.put("commit", options.commit);
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("cpu", cpuModel());
        results.put("memoryGiB", memoryGiB());
        results.put("listingsFile", shared.toString());
        results.put("listingsInFile", listingCount);
        results.put("events", options.events);
        results.put("model", config.modelId());
        results.put("maxSequenceLength", config.maxSequenceLength());
        results.put("batchSize", config.maxBatchSize());
        results.put("batchWaitMillis", config.maxBatchWait().toMillis());
        results.put("maxTokensPerRun", config.maxTokensPerRun());
        results.put("intraOpThreads", config.intraOpThreads());
        results.put("interOpThreads", config.interOpThreads());
        results.put("embeddingCapacity", settings.get(EMBEDDING_CAPACITY));
        results.put("parallelism", options.parallelism);
        results.put("sinkMaxBufferedActions", settings.get(SINK_MAX_BUFFERED));
        results.put("sinkMaxDelayMillis", settings.get(SINK_MAX_DELAY).toMillis());
        results.put("probePollMillis", options.pollMillis);
    }

    private static String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        for (String line : Files.readAllLines(cpuinfo)) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    private static double memoryGiB() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) {
            return Double.NaN;
        }
        for (String line : Files.readAllLines(meminfo)) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return round(kib / 1024.0 / 1024.0);
            }
        }
        return Double.NaN;
    }

    private void appendMarkdown(Path docs) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("\n### ").append(((String) results.get("date")).substring(0, 16)).append(" · ").append(options.label)
                .append(" · commit ").append(options.commit).append("\n\n");
        md.append(String.format(Locale.ROOT,
                "Machine: %s cores (%s), %s GiB. Model: %s on %s, at most %s tokens. Batches: size %s,"
                        + " wait %s ms, at most %s tokens per run. Threads: intra-op %s, inter-op %s (0 is"
                        + " ONNX Runtime's default). Job: parallelism %s, capacity %s, sink flush at %s actions"
                        + " or %s ms. Probe: polls every %s ms. Events: %s inserts.%n%n",
                results.get("cores"), results.get("cpu"), results.get("memoryGiB"), results.get("model"),
                results.get("modelDevice"), results.get("maxSequenceLength"), results.get("batchSize"),
                results.get("batchWaitMillis"), results.get("maxTokensPerRun"), results.get("intraOpThreads"),
                results.get("interOpThreads"), results.get("parallelism"), results.get("embeddingCapacity"),
                results.get("sinkMaxBufferedActions"), results.get("sinkMaxDelayMillis"),
                results.get("probePollMillis"), results.get("events")));
        md.append("| Figure | Result |\n|---|---|\n");
        md.append(String.format(Locale.ROOT, "| 1. Model limit | %s texts/s |%n", results.get("modelLimitTextsPerSecond")));
        md.append(String.format(Locale.ROOT,
                "| 2. Pipeline throughput | %s rows/s (%s with start-up); ratio to 1: **%s** |%n",
                results.get("pipelineRowsPerSecond"), results.get("pipelineRowsPerSecondWithStartup"),
                results.get("pipelineToModelRatio")));
        md.append(String.format(Locale.ROOT,
                "| 3. Edit to searchable (%s edits at %s/s) | p50 **%s** ms, p95 %s ms, p99 **%s** ms, max %s ms;"
                        + " %s not visible; %s model calls |%n",
                results.get("editsSent"), results.get("editsPerSecond"), results.get("editToSearchableP50Millis"),
                results.get("editToSearchableP95Millis"), results.get("editToSearchableP99Millis"),
                results.get("editToSearchableMaxMillis"), results.get("editsNotVisible"),
                results.get("editModelCalls")));
        md.append(String.format(Locale.ROOT,
                "| 4. Unchanged text (%s price-only updates) | **%s** model calls, %s vectors reused, %s updates/s;"
                        + " %s not visible |%n",
                results.get("priceUpdates"), results.get("priceUpdateModelCalls"),
                results.get("priceUpdateReusedVectors"), results.get("priceUpdatesPerSecond"),
                results.get("priceUpdatesNotVisible")));

        String existing = Files.isRegularFile(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "";
        if (!existing.contains(RESULTS_MARKER)) {
            Files.writeString(docs, "\n" + RESULTS_MARKER + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Files.writeString(docs, md.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Arguments of the benchmark itself. Every other argument goes to the job's configuration. */
    static final class BenchOptions {
        static final String USAGE =
                "Benchmark arguments (all optional):\n"
                        + "  --bench.events N          insert events already in the stream (default 2000)\n"
                        + "  --bench.edit-rate R       edits per second for figure 3 (default 10)\n"
                        + "  --bench.edit-seconds S    how long edits are sent (default 60)\n"
                        + "  --bench.price-updates N   price-only updates for figure 4 (default 1000)\n"
                        + "  --bench.parallelism P     job parallelism (default 2)\n"
                        + "  --bench.poll-millis M     how often the independent reader polls Milvus (default 5)\n"
                        + "  --bench.out DIR           where results.json goes (default run/benchmark)\n"
                        + "  --bench.docs FILE         Markdown file to append to; none to skip (default"
                        + " docs/benchmarks.md)\n"
                        + "  --bench.label TEXT        label of this run in the Markdown (default run)\n"
                        + "  --bench.commit SHA        commit measured (bin/benchmark passes it)\n"
                        + "Any other argument is a job option:\n";

        int events = 2000;
        double editRate = 10;
        double editSeconds = 60;
        int priceUpdates = 1000;
        int parallelism = 2;
        long pollMillis = 5;
        Path outDir = Path.of("run", "benchmark");
        Path docs = Path.of("docs", "benchmarks.md");
        String label = "run";
        String commit = "unknown";
        boolean help;
        final List<String> jobArgs = new ArrayList<>();

        static BenchOptions parse(String[] args) {
            BenchOptions options = new BenchOptions();
            options.help = JobConfigLoader.isHelpRequest(args);
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (!name.startsWith("--bench.")) {
                    options.jobArgs.add(name);
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value; --help lists the arguments");
                }
                String value = args[++i];
                try {
                    switch (name) {
                        case "--bench.events": options.events = positive(name, Integer.parseInt(value)); break;
                        case "--bench.edit-rate": options.editRate = positive(name, Double.parseDouble(value)); break;
                        case "--bench.edit-seconds": options.editSeconds = positive(name, Double.parseDouble(value)); break;
                        case "--bench.price-updates": options.priceUpdates = positive(name, Integer.parseInt(value)); break;
                        case "--bench.parallelism": options.parallelism = positive(name, Integer.parseInt(value)); break;
                        case "--bench.poll-millis": options.pollMillis = positive(name, Integer.parseInt(value)); break;
                        case "--bench.out": options.outDir = Path.of(value); break;
                        case "--bench.docs": options.docs = value.equals("none") ? null : Path.of(value); break;
                        case "--bench.label": options.label = value; break;
                        case "--bench.commit": options.commit = value; break;
                        default:
                            throw new IllegalArgumentException(
                                    "unknown benchmark argument " + name + "; --help lists the arguments");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " needs a number, got '" + value + "'");
                }
            }
            return options;
        }

        private static <T extends Number> T positive(String name, T value) {
            if (value.doubleValue() <= 0) {
                throw new IllegalArgumentException(name + " must be above 0, got " + value);
            }
            return value;
        }
    }
}
