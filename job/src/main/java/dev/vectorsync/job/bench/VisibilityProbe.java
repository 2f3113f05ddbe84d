package dev.vectorsync.job.bench;

import dev.vectorsync.milvus.BookkeepingFields;
import dev.vectorsync.milvus.PostFields;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An independent reader of the posts collection: it polls Milvus with strong consistency for the
 * posts whose writes are awaited, and records when each one shows the awaited source version.
 *
 * <p>The measured time is from {@link #await} (called just before the write goes out) to the end of
 * the query that first saw the row, so it includes up to one poll interval and one query of the
 * probe itself.
 */
final class VisibilityProbe implements AutoCloseable {

    private static final int MAX_IDS_PER_QUERY = 500;

    private final MilvusClientV2 client;
    private final String collection;
    private final long pollMillis;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final List<Long> latenciesNanos = new ArrayList<>();
    private final Thread poller;
    private volatile boolean stopped;
    private volatile RuntimeException failure;

    VisibilityProbe(MilvusClientV2 client, String collection, long pollMillis) {
        this.client = client;
        this.collection = collection;
        this.pollMillis = pollMillis;
        this.poller = new Thread(this::poll, "visibility-probe");
        this.poller.setDaemon(true);
        this.poller.start();
    }

    /**
     * Starts waiting for post {@code id} to reach {@code version}; replaces an earlier wait for the
     * same post, whose latency is then not recorded.
     */
    void await(long id, long version) {
        pending.put(id, new Pending(version, System.nanoTime()));
    }

    /** Waits until nothing is pending; returns the ids still pending when the time ran out. */
    List<Long> drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            if (failure != null) {
                throw failure;
            }
            Thread.sleep(20);
        }
        return new ArrayList<>(pending.keySet());
    }

    /** Returns the latencies recorded since the last call, in nanoseconds, and clears them. */
    synchronized List<Long> takeLatencies() {
        List<Long> latencies = new ArrayList<>(latenciesNanos);
        latenciesNanos.clear();
        return latencies;
    }

    private void poll() {
        while (!stopped) {
            try {
                if (!pending.isEmpty()) {
                    check(new ArrayList<>(pending.keySet()));
                }
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failure =
                        new IllegalStateException(
                                "the visibility probe failed to query collection " + collection + ": "
                                        + e.getMessage(),
                                e);
                return;
            }
        }
    }

    private void check(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_QUERY) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_QUERY));
            QueryResp response =
                    client.query(
                            QueryReq.builder()
                                    .collectionName(collection)
                                    .filter(
                                            PostFields.ID + " in ["
                                                    + chunk.stream().map(String::valueOf).collect(Collectors.joining(","))
                                                    + "]")
                                    .outputFields(List.of(PostFields.ID, BookkeepingFields.SOURCE_VERSION))
                                    .consistencyLevel(ConsistencyLevel.STRONG)
                                    .build());
            long seenAt = System.nanoTime();
            Map<Long, Long> versions = new HashMap<>();
            for (QueryResp.QueryResult row : response.getQueryResults()) {
                Map<String, Object> entity = row.getEntity();
                versions.put(
                        ((Number) entity.get(PostFields.ID)).longValue(),
                        ((Number) entity.get(BookkeepingFields.SOURCE_VERSION)).longValue());
            }
            for (Map.Entry<Long, Long> seen : versions.entrySet()) {
                Pending wait = pending.get(seen.getKey());
                if (wait != null && seen.getValue() >= wait.version && pending.remove(seen.getKey(), wait)) {
                    record(seenAt - wait.startedNanos);
                }
            }
        }
    }

    private synchronized void record(long nanos) {
        latenciesNanos.add(nanos);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        poller.interrupt();
        poller.join(5_000);
    }

    private static final class Pending {
        final long version;
        final long startedNanos;

        Pending(long version, long startedNanos) {
            this.version = version;
            this.startedNanos = startedNanos;
        }
    }

    /** Shared by the latency figures: a percentile of {@code sorted} nanoseconds, in milliseconds. */
    static double percentileMillis(List<Long> sorted, double percentile) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
