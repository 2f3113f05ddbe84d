package dev.vectorsync.milvus;

import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.CreateCollectionReq.CollectionSchema;

import java.util.List;

/**
 * The schema and indexes that one vector-sync collection must have. The job chooses the collection
 * name, so the name is not part of the definition.
 *
 * @param schema fields and BM25 functions
 * @param indexes one index per indexed field, every vector field included
 */
public record CollectionDefinition(CollectionSchema schema, List<IndexParam> indexes) {

    public CollectionDefinition {
        indexes = List.copyOf(indexes);
    }
}
