package dev.vectorsync.job.e2e;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads collections with plain SDK requests, independent of the job's Milvus code. */
final class MilvusRows {

    private MilvusRows() {}

    /** Reads every row of {@code collection} by id, with all stored fields including the vector. */
    static Map<Long, Map<String, Object>> all(MilvusClientV2 client, String collection) {
        QueryResp response =
                client.query(
                        QueryReq.builder()
                                .collectionName(collection)
                                .filter("id > 0")
                                .outputFields(List.of("*"))
                                .limit(16_000)
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build());
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        for (QueryResp.QueryResult result : response.getQueryResults()) {
            Map<String, Object> entity = result.getEntity();
            rows.put(((Number) entity.get("id")).longValue(), entity);
        }
        return rows;
    }

    static long count(MilvusClientV2 client, String collection) {
        return all(client, collection).size();
    }

    /** Ids of the best BM25 matches of {@code text} in {@code sparseField}, best first. */
    static List<Long> searchBm25(MilvusClientV2 client, String collection, String sparseField, String text) {
        SearchResp response =
                client.search(
                        SearchReq.builder()
                                .collectionName(collection)
                                .annsField(sparseField)
                                .data(List.of(new EmbeddedText(text)))
                                .limit(3)
                                .outputFields(List.of("title"))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build());
        return response.getSearchResults().get(0).stream()
                .map(hit -> ((Number) hit.getId()).longValue())
                .toList();
    }

    static float[] vector(Map<String, Object> row, String field) {
        @SuppressWarnings("unchecked")
        List<Float> values = (List<Float>) row.get(field);
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }
}
