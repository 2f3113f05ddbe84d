package dev.vectorsync.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorsync.testing.MilvusLiteServer;

import io.milvus.common.clientenum.FunctionType;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq.CollectionSchema;
import io.milvus.v2.service.collection.request.CreateCollectionReq.FieldSchema;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

class MilvusSchemaManagerTest {

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    private static final int DIMENSION = 8;

    private MilvusClientV2 client;
    private MilvusSchemaManager manager;

    @BeforeEach
    void openClient() {
        client = MILVUS.createClient();
        manager = new MilvusSchemaManager(client);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void createsPostsCollectionWithFieldsFunctionsAndIndexes() {
        String name = uniqueName("posts");

        manager.ensureCollection(name, CollectionSchemas.posts(DIMENSION));

        CollectionSchema schema = describe(name);
        FieldSchema id = schema.getField(PostFields.ID);
        assertThat(id.getDataType()).isEqualTo(DataType.Int64);
        assertThat(id.getIsPrimaryKey()).isTrue();
        assertThat(id.getAutoID()).isFalse();
        assertThat(schema.getField(PostFields.DENSE_VECTOR).getDimension()).isEqualTo(DIMENSION);
        assertThat(schema.getField(PostFields.TITLE).getEnableAnalyzer()).isTrue();
        assertThat(schema.getField(PostFields.TITLE).getMaxLength())
                .isEqualTo(PostFields.TITLE_MAX_BYTES);
        assertThat(schema.getField(PostFields.SPARSE_ADDRESS).getDataType())
                .isEqualTo(DataType.SparseFloatVector);
        assertThat(schema.getField(PostFields.PRICE).getIsNullable()).isTrue();
        assertThat(schema.getField(PostFields.AREA).getDataType()).isEqualTo(DataType.Double);
        assertThat(schema.getField(BookkeepingFields.EMBEDDING_DIMENSION).getDataType())
                .isEqualTo(DataType.Int32);
        assertThat(schema.getFunctionList())
                .extracting(CreateCollectionReq.Function::getFunctionType)
                .containsExactly(FunctionType.BM25, FunctionType.BM25, FunctionType.BM25);
        assertThat(schema.getFunctionList())
                .extracting(function -> function.getOutputFieldNames().get(0))
                .containsExactlyInAnyOrder(
                        PostFields.SPARSE_TITLE,
                        PostFields.SPARSE_DESCRIPTION,
                        PostFields.SPARSE_ADDRESS);

        assertThat(describeIndex(name, PostFields.DENSE_VECTOR).getMetricType())
                .isEqualTo(IndexParam.MetricType.COSINE);
        assertThat(describeIndex(name, PostFields.DENSE_VECTOR).getIndexType())
                .isEqualTo(IndexParam.IndexType.HNSW);
        for (String sparse :
                List.of(
                        PostFields.SPARSE_TITLE,
                        PostFields.SPARSE_DESCRIPTION,
                        PostFields.SPARSE_ADDRESS)) {
            assertThat(describeIndex(name, sparse).getIndexType())
                    .isEqualTo(IndexParam.IndexType.SPARSE_INVERTED_INDEX);
            assertThat(describeIndex(name, sparse).getMetricType())
                    .isEqualTo(IndexParam.MetricType.BM25);
        }
        assertThat(describeIndex(name, PostFields.STATUS).getIndexType())
                .isEqualTo(IndexParam.IndexType.INVERTED);
        assertThat(isLoaded(name)).isTrue();
    }

    @Test
    void createsUsersCollection() {
        String name = uniqueName("users");

        manager.ensureCollection(name, CollectionSchemas.users(DIMENSION));

        CollectionSchema schema = describe(name);
        assertThat(schema.getField(UserFields.USER_EMBEDDING).getDimension()).isEqualTo(DIMENSION);
        assertThat(schema.getField(UserFields.BIO).getIsNullable()).isTrue();
        assertThat(schema.getField(BookkeepingFields.TEXT_HASH).getMaxLength())
                .isEqualTo(BookkeepingFields.TEXT_HASH_MAX_BYTES);
        assertThat(isLoaded(name)).isTrue();
    }

    @Test
    void secondStartAgainstSameCollectionPasses() {
        String posts = uniqueName("posts");
        String users = uniqueName("users");
        manager.ensurePostsAndUsers(posts, users, DIMENSION);

        manager.ensurePostsAndUsers(posts, users, DIMENSION);

        assertThat(hasCollection(posts)).isTrue();
        assertThat(hasCollection(users)).isTrue();
        assertThat(isLoaded(posts)).isTrue();
    }

    @Test
    void otherDimensionFailsAndKeepsCollection() {
        String name = uniqueName("posts");
        manager.ensureCollection(name, CollectionSchemas.posts(DIMENSION));

        assertThatThrownBy(() -> manager.ensureCollection(name, CollectionSchemas.posts(16)))
                .isInstanceOf(MilvusSchemaMismatchException.class)
                .hasMessageContaining(name)
                .hasMessageContaining(PostFields.DENSE_VECTOR)
                .hasMessageContaining("expected dimension 16, found " + DIMENSION)
                .hasMessageContaining("another collection name");

        assertThat(describe(name).getField(PostFields.DENSE_VECTOR).getDimension())
                .isEqualTo(DIMENSION);
    }

    @Test
    void otherVectorMetricFails() {
        String name = uniqueName("users");
        CollectionDefinition expected = CollectionSchemas.users(DIMENSION);
        create(name, schemaWithout(expected, null));
        client.createIndex(
                CreateIndexReq.builder()
                        .collectionName(name)
                        .indexParams(
                                List.of(
                                        IndexParam.builder()
                                                .fieldName(UserFields.USER_EMBEDDING)
                                                .indexName(UserFields.USER_EMBEDDING)
                                                .indexType(IndexParam.IndexType.FLAT)
                                                .metricType(IndexParam.MetricType.L2)
                                                .build()))
                        .sync(false)
                        .build());

        assertThatThrownBy(() -> manager.ensureCollection(name, expected))
                .isInstanceOf(MilvusSchemaMismatchException.class)
                .hasMessageContaining("field 'user_embedding': expected metric COSINE, found L2");
    }

    @Test
    void missingFieldFailsWithFieldName() {
        String name = uniqueName("users");
        CollectionDefinition expected = CollectionSchemas.users(DIMENSION);
        createWithout(name, expected, UserFields.PREFERRED_WARD);

        assertThatThrownBy(() -> manager.ensureCollection(name, expected))
                .isInstanceOf(MilvusSchemaMismatchException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("field '" + UserFields.PREFERRED_WARD + "' is missing");

        assertThat(hasCollection(name)).isTrue();
    }

    @Test
    void otherTypeFailsWithBothTypes() {
        String name = uniqueName("users");
        CollectionDefinition expected = CollectionSchemas.users(DIMENSION);
        CollectionSchema schema = schemaWithout(expected, UserFields.BUDGET_MAX);
        schema.addField(
                AddFieldReq.builder()
                        .fieldName(UserFields.BUDGET_MAX)
                        .dataType(DataType.Double)
                        .isNullable(true)
                        .build());
        create(name, schema);

        assertThatThrownBy(() -> manager.ensureCollection(name, expected))
                .isInstanceOf(MilvusSchemaMismatchException.class)
                .hasMessageContaining(
                        "field '" + UserFields.BUDGET_MAX + "': expected type Int64, found Double");
    }

    @Test
    void missingBm25FunctionFails() {
        String name = uniqueName("posts");
        CollectionDefinition expected = CollectionSchemas.posts(DIMENSION);
        CollectionSchema schema = schemaWithout(expected, null);
        schema.setFunctionList(
                schema.getFunctionList().stream()
                        .filter(f -> !f.getOutputFieldNames().contains(PostFields.SPARSE_ADDRESS))
                        .toList());
        create(name, schema);

        assertThatThrownBy(() -> manager.ensureCollection(name, expected))
                .isInstanceOf(MilvusSchemaMismatchException.class)
                .hasMessageContaining("BM25 function from 'address_text' to 'sparse_address'");
    }

    private void createWithout(String name, CollectionDefinition definition, String field) {
        create(name, schemaWithout(definition, field));
    }

    /** Copies the schema of {@code definition}, leaving out {@code field} (null keeps all). */
    private static CollectionSchema schemaWithout(CollectionDefinition definition, String field) {
        CollectionSchema copy = CreateCollectionReq.CollectionSchema.builder().build();
        copy.setFieldSchemaList(
                new ArrayList<>(
                        definition.schema().getFieldSchemaList().stream()
                                .filter(f -> !f.getName().equals(field))
                                .toList()));
        copy.setFunctionList(new ArrayList<>(definition.schema().getFunctionList()));
        return copy;
    }

    private void create(String name, CollectionSchema schema) {
        client.createCollection(
                CreateCollectionReq.builder().collectionName(name).collectionSchema(schema).build());
    }

    private CollectionSchema describe(String name) {
        return client.describeCollection(DescribeCollectionReq.builder().collectionName(name).build())
                .getCollectionSchema();
    }

    private DescribeIndexResp.IndexDesc describeIndex(String collection, String indexName) {
        return client.describeIndex(
                        DescribeIndexReq.builder()
                                .collectionName(collection)
                                .indexName(indexName)
                                .build())
                .getIndexDescByIndexName(indexName);
    }

    private boolean hasCollection(String name) {
        return client.hasCollection(HasCollectionReq.builder().collectionName(name).build());
    }

    private boolean isLoaded(String name) {
        return client.getLoadState(GetLoadStateReq.builder().collectionName(name).build());
    }

    private static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }
}
