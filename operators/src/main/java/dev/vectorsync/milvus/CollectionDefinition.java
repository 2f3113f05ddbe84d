package dev.vectorsync.milvus;

import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.CreateCollectionReq.CollectionSchema;

import java.util.List;

/**
 * The schema and indexes that one vector-sync collection must have; the collection name is chosen
 * by the job, so it is not part of the definition.
 *
 * @param schema fields and BM25 functions
 * @param indexes one index per indexed field, every vector field included
 */
public record CollectionDefinition(CollectionSchema schema, List<IndexParam> indexes) {

    public CollectionDefinition {
        indexes = List.copyOf(indexes);
    }
}
