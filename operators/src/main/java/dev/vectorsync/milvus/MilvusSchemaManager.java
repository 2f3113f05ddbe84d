package dev.vectorsync.milvus;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.request.ListIndexesReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure the collections exist with the schema vector-sync writes, before the first write.
 *
 * <p>For each collection: creates it when missing, checks an existing one against the expected
 * schema and throws {@link MilvusSchemaMismatchException} on a difference, creates the indexes it
 * lacks and loads it. It never drops, releases or alters anything that exists. Call it once at
 * job start, or from each writer, which is safe because every step is idempotent. The caller owns
 * and closes the client.
 */
public final class MilvusSchemaManager {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusSchemaManager.class);

    private final MilvusClientV2 client;

    public MilvusSchemaManager(MilvusClientV2 client) {
        this.client = client;
    }

    /** Ensures both collections, with dense vectors of {@code dimension} floats in each. */
    public void ensurePostsAndUsers(String postsCollection, String usersCollection, int dimension) {
        ensureCollection(postsCollection, CollectionSchemas.posts(dimension));
        ensureCollection(usersCollection, CollectionSchemas.users(dimension));
    }

    /**
     * Ensures one collection: created when missing, checked when present, then indexed and loaded.
     *
     * @throws MilvusSchemaMismatchException if the collection exists with another schema
     */
    public void ensureCollection(String collectionName, CollectionDefinition definition) {
        if (collectionExists(collectionName)) {
            checkSchema(collectionName, definition);
        } else {
            createCollection(collectionName, definition);
        }

        createMissingIndexes(collectionName, definition);
        loadIfNeeded(collectionName);
    }

    private boolean collectionExists(String collectionName) {
        return client.hasCollection(
                HasCollectionReq.builder().collectionName(collectionName).build());
    }

    private void createCollection(String collectionName, CollectionDefinition definition) {
        try {
            client.createCollection(
                    CreateCollectionReq.builder()
                            .collectionName(collectionName)
                            .collectionSchema(definition.schema())
                            .build());
        } catch (RuntimeException e) {
            // Writers of other subtasks may have created it in the meantime, so check their schema.
            if (collectionExists(collectionName)) {
                checkSchema(collectionName, definition);
                return;
            }
            throw e;
        }
        LOG.info("Created Milvus collection {}", collectionName);
    }

    private void checkSchema(String collectionName, CollectionDefinition definition) {
        CreateCollectionReq.CollectionSchema found =
                client.describeCollection(
                                DescribeCollectionReq.builder()
                                        .collectionName(collectionName)
                                        .build())
                        .getCollectionSchema();
        List<String> differences = SchemaComparator.compare(definition.schema(), found);
        if (!differences.isEmpty()) {
            throw new MilvusSchemaMismatchException(collectionName, differences);
        }
        LOG.info("Milvus collection {} exists with the expected schema", collectionName);
    }

    /**
     * Creates the indexes that are missing. An existing vector index must use the expected metric,
     * because searches request it. Its index type and parameters may differ.
     */
    private void createMissingIndexes(String collectionName, CollectionDefinition definition) {
        List<IndexParam> missing = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        for (IndexParam expected : definition.indexes()) {
            List<String> existing = indexNames(collectionName, expected.getFieldName());
            if (existing.isEmpty()) {
                missing.add(expected);
            } else if (expected.getMetricType() != null) {
                checkMetric(collectionName, expected, existing.get(0), differences);
            }
        }
        if (!differences.isEmpty()) {
            throw new MilvusSchemaMismatchException(collectionName, differences);
        }
        if (missing.isEmpty()) {
            return;
        }

        client.createIndex(
                CreateIndexReq.builder()
                        .collectionName(collectionName)
                        .indexParams(missing)
                        // Returns once the server accepted the indexes, and loadCollection below
                        // waits for them. Milvus Lite 3.2.2 also lacks AllocTimestamp, which the
                        // SDK's synchronous wait calls.
                        .sync(false)
                        .build());
        LOG.info(
                "Created {} index(es) on Milvus collection {}: {}",
                missing.size(),
                collectionName,
                missing.stream().map(IndexParam::getFieldName).toList());
    }

    private List<String> indexNames(String collectionName, String fieldName) {
        List<String> names =
                client.listIndexes(
                        ListIndexesReq.builder()
                                .collectionName(collectionName)
                                .fieldName(fieldName)
                                .build());
        return names == null ? List.of() : names;
    }

    private void checkMetric(
            String collectionName,
            IndexParam expected,
            String indexName,
            List<String> differences) {
        DescribeIndexResp.IndexDesc found =
                client.describeIndex(
                                DescribeIndexReq.builder()
                                        .collectionName(collectionName)
                                        .indexName(indexName)
                                        .build())
                        .getIndexDescByIndexName(indexName);
        if (found != null && found.getMetricType() != expected.getMetricType()) {
            differences.add(
                    "index '"
                            + indexName
                            + "' on field '"
                            + expected.getFieldName()
                            + "': expected metric "
                            + expected.getMetricType()
                            + ", found "
                            + found.getMetricType());
        }
    }

    private void loadIfNeeded(String collectionName) {
        boolean loaded =
                client.getLoadState(
                        GetLoadStateReq.builder().collectionName(collectionName).build());
        if (loaded) {
            return;
        }
        client.loadCollection(LoadCollectionReq.builder().collectionName(collectionName).build());
        LOG.info("Loaded Milvus collection {}", collectionName);
    }
}
