package dev.vectorsync.cluster;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads a posts collection with plain SDK queries, independent of the job's Milvus code. */
final class MilvusPosts {

    private MilvusPosts() {}

    /** Title by id of every row; empty when the collection does not exist yet. */
    static Map<Long, String> titles(MilvusClientV2 client, String collection) {
        Map<Long, String> titles = new TreeMap<>();
        if (!client.hasCollection(HasCollectionReq.builder().collectionName(collection).build())) {
            return titles;
        }
        QueryResp response =
                client.query(
                        QueryReq.builder()
                                .collectionName(collection)
                                .filter("id > 0")
                                .outputFields(List.of("id", "title"))
                                .limit(16_000)
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build());
        for (QueryResp.QueryResult result : response.getQueryResults()) {
            Map<String, Object> entity = result.getEntity();
            titles.put(((Number) entity.get("id")).longValue(), (String) entity.get("title"));
        }
        return titles;
    }

    /**
     * Waits until {@code collection} contains exactly {@code expected} and returns the last read, which
     * the caller asserts on, so that a timeout fails with the difference.
     */
    static Map<Long, String> awaitExactly(
            MilvusClientV2 client, String collection, Map<Long, String> expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Long, String> rows = titles(client, collection);
        while (!rows.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            rows = titles(client, collection);
        }
        return rows;
    }

    /** Waits until {@code collection} has at least {@code count} rows; returns the row count. */
    static int awaitAtLeast(MilvusClientV2 client, String collection, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int rows = titles(client, collection).size();
        while (rows < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
            rows = titles(client, collection).size();
        }
        return rows;
    }
}
