package dev.vectorsync.milvus;

import io.milvus.common.clientenum.FunctionType;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq.CollectionSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Schemas and indexes of the posts and users collections, built from {@link PostFields}, {@link
 * UserFields} and {@link BookkeepingFields}.
 *
 * <p>Text analysis: Vietnamese writes one syllable per space-separated token, so the {@code
 * standard} tokenizer (Unicode word boundaries) already yields syllables, and {@code lowercase}
 * makes "Phòng Trọ" match "phòng trọ". Diacritics are kept on purpose: they tell different words
 * apart ("bán" sells, "bàn" is a table), and dropping them (the {@code asciifolding} filter) would
 * merge those words in BM25. Changing the analyzer needs a new collection, because Milvus cannot
 * alter it in place.
 *
 * <p>Indexes: HNSW with the COSINE metric on dense vectors, SPARSE_INVERTED_INDEX with the BM25
 * metric on BM25 outputs, and INVERTED scalar indexes on the filter columns of posts.
 */
public final class CollectionSchemas {

    /** Default name of the posts collection. */
    public static final String DEFAULT_POSTS_COLLECTION = "posts_hybrid";
    /** Default name of the users collection. */
    public static final String DEFAULT_USERS_COLLECTION = "users";

    /** Analyzer of every BM25 input field; see the class comment for the choice. */
    static final Map<String, Object> TEXT_ANALYZER =
            Map.of("tokenizer", "standard", "filter", List.of("lowercase"));

    /** HNSW graph degree and build-time candidate list: common starting values, not tuned. */
    private static final Map<String, Object> HNSW_PARAMS = Map.of("M", 16, "efConstruction", 200);

    /** BM25 term-frequency saturation (k1) and length normalisation (b): the usual defaults. */
    private static final Map<String, Object> BM25_PARAMS =
            Map.of("inverted_index_algo", "DAAT_MAXSCORE", "bm25_k1", 1.2, "bm25_b", 0.75);

    private CollectionSchemas() {}

    /** Name of the BM25 function that fills {@code outputField}. */
    public static String bm25FunctionName(String outputField) {
        return outputField + "_bm25";
    }

    /** Definition of the posts collection with dense vectors of {@code dimension} floats. */
    public static CollectionDefinition posts(int dimension) {
        requirePositiveDimension(dimension);
        CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();

        schema.addField(primaryKey(PostFields.ID));
        schema.addField(denseVector(PostFields.DENSE_VECTOR, dimension));
        schema.addField(analyzedText(PostFields.TITLE, PostFields.TITLE_MAX_BYTES));
        schema.addField(analyzedText(PostFields.DESCRIPTION, PostFields.DESCRIPTION_MAX_BYTES));
        schema.addField(analyzedText(PostFields.ADDRESS_TEXT, PostFields.ADDRESS_MAX_BYTES));
        schema.addField(sparseVector(PostFields.SPARSE_TITLE));
        schema.addField(sparseVector(PostFields.SPARSE_DESCRIPTION));
        schema.addField(sparseVector(PostFields.SPARSE_ADDRESS));
        schema.addField(nullableScalar(PostFields.PRICE, DataType.Int64));
        schema.addField(nullableScalar(PostFields.AREA, DataType.Double));
        schema.addField(nullableVarchar(PostFields.CITY, PostFields.PLACE_MAX_BYTES));
        schema.addField(nullableVarchar(PostFields.DISTRICT, PostFields.PLACE_MAX_BYTES));
        schema.addField(nullableVarchar(PostFields.WARD, PostFields.PLACE_MAX_BYTES));
        schema.addField(nullableVarchar(PostFields.STATUS, PostFields.STATUS_MAX_BYTES));
        schema.addField(nullableVarchar(PostFields.CATEGORY, PostFields.CATEGORY_MAX_BYTES));
        schema.addField(nullableScalar(PostFields.USER_ID, DataType.Int64));
        schema.addField(nullableScalar(PostFields.CREATED_AT, DataType.Int64));
        schema.addField(nullableScalar(PostFields.UPDATED_AT, DataType.Int64));
        addBookkeepingFields(schema);

        schema.addFunction(bm25(PostFields.TITLE, PostFields.SPARSE_TITLE));
        schema.addFunction(bm25(PostFields.DESCRIPTION, PostFields.SPARSE_DESCRIPTION));
        schema.addFunction(bm25(PostFields.ADDRESS_TEXT, PostFields.SPARSE_ADDRESS));

        List<IndexParam> indexes = new ArrayList<>();
        indexes.add(hnswCosine(PostFields.DENSE_VECTOR));
        indexes.add(bm25Index(PostFields.SPARSE_TITLE));
        indexes.add(bm25Index(PostFields.SPARSE_DESCRIPTION));
        indexes.add(bm25Index(PostFields.SPARSE_ADDRESS));
        for (String filterField :
                List.of(
                        PostFields.CITY,
                        PostFields.DISTRICT,
                        PostFields.STATUS,
                        PostFields.CATEGORY,
                        PostFields.PRICE)) {
            indexes.add(inverted(filterField));
        }
        return new CollectionDefinition(schema, indexes);
    }

    /** Definition of the users collection with embeddings of {@code dimension} floats. */
    public static CollectionDefinition users(int dimension) {
        requirePositiveDimension(dimension);
        CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();

        schema.addField(primaryKey(UserFields.ID));
        schema.addField(denseVector(UserFields.USER_EMBEDDING, dimension));
        schema.addField(nullableVarchar(UserFields.BIO, UserFields.BIO_MAX_BYTES));
        schema.addField(
                nullableVarchar(UserFields.PREFERRED_CATEGORY, UserFields.CATEGORY_MAX_BYTES));
        schema.addField(nullableVarchar(UserFields.PREFERRED_CITY, UserFields.PLACE_MAX_BYTES));
        schema.addField(
                nullableVarchar(UserFields.PREFERRED_DISTRICT, UserFields.PLACE_MAX_BYTES));
        schema.addField(nullableVarchar(UserFields.PREFERRED_WARD, UserFields.PLACE_MAX_BYTES));
        schema.addField(nullableScalar(UserFields.BUDGET_MIN, DataType.Int64));
        schema.addField(nullableScalar(UserFields.BUDGET_MAX, DataType.Int64));
        schema.addField(nullableScalar(UserFields.AREA_MIN, DataType.Double));
        schema.addField(nullableScalar(UserFields.CREATED_AT, DataType.Int64));
        schema.addField(nullableScalar(UserFields.UPDATED_AT, DataType.Int64));
        addBookkeepingFields(schema);

        return new CollectionDefinition(schema, List.of(hnswCosine(UserFields.USER_EMBEDDING)));
    }

    private static void addBookkeepingFields(CollectionSchema schema) {
        schema.addField(scalar(BookkeepingFields.SOURCE_VERSION, DataType.Int64));
        schema.addField(varchar(BookkeepingFields.TEXT_HASH, BookkeepingFields.TEXT_HASH_MAX_BYTES));
        schema.addField(
                varchar(
                        BookkeepingFields.EMBEDDING_MODEL,
                        BookkeepingFields.EMBEDDING_MODEL_MAX_BYTES));
        schema.addField(scalar(BookkeepingFields.EMBEDDING_DIMENSION, DataType.Int32));
    }

    private static AddFieldReq primaryKey(String name) {
        return AddFieldReq.builder()
                .fieldName(name)
                .dataType(DataType.Int64)
                .isPrimaryKey(true)
                .autoID(false)
                .build();
    }

    private static AddFieldReq denseVector(String name, int dimension) {
        return AddFieldReq.builder()
                .fieldName(name)
                .dataType(DataType.FloatVector)
                .dimension(dimension)
                .build();
    }

    private static AddFieldReq sparseVector(String name) {
        return AddFieldReq.builder().fieldName(name).dataType(DataType.SparseFloatVector).build();
    }

    /**
     * A BM25 input. It is not nullable: the row mapper writes an empty string for a missing text,
     * which gives an empty sparse vector.
     */
    private static AddFieldReq analyzedText(String name, int maxBytes) {
        return AddFieldReq.builder()
                .fieldName(name)
                .dataType(DataType.VarChar)
                .maxLength(maxBytes)
                .enableAnalyzer(true)
                .analyzerParams(TEXT_ANALYZER)
                // TEXT_MATCH filters ("title contains these syllables") without a BM25 search.
                .enableMatch(true)
                .build();
    }

    private static AddFieldReq varchar(String name, int maxBytes) {
        return AddFieldReq.builder()
                .fieldName(name)
                .dataType(DataType.VarChar)
                .maxLength(maxBytes)
                .build();
    }

    private static AddFieldReq nullableVarchar(String name, int maxBytes) {
        return AddFieldReq.builder()
                .fieldName(name)
                .dataType(DataType.VarChar)
                .maxLength(maxBytes)
                .isNullable(true)
                .build();
    }

    private static AddFieldReq scalar(String name, DataType type) {
        return AddFieldReq.builder().fieldName(name).dataType(type).build();
    }

    private static AddFieldReq nullableScalar(String name, DataType type) {
        return AddFieldReq.builder().fieldName(name).dataType(type).isNullable(true).build();
    }

    private static CreateCollectionReq.Function bm25(String inputField, String outputField) {
        return CreateCollectionReq.Function.builder()
                .name(bm25FunctionName(outputField))
                .functionType(FunctionType.BM25)
                .inputFieldNames(List.of(inputField))
                .outputFieldNames(List.of(outputField))
                .build();
    }

    private static IndexParam hnswCosine(String field) {
        return IndexParam.builder()
                .fieldName(field)
                .indexName(field)
                .indexType(IndexParam.IndexType.HNSW)
                .metricType(IndexParam.MetricType.COSINE)
                .extraParams(HNSW_PARAMS)
                .build();
    }

    private static IndexParam bm25Index(String field) {
        return IndexParam.builder()
                .fieldName(field)
                .indexName(field)
                .indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX)
                .metricType(IndexParam.MetricType.BM25)
                .extraParams(BM25_PARAMS)
                .build();
    }

    private static IndexParam inverted(String field) {
        return IndexParam.builder()
                .fieldName(field)
                .indexName(field)
                .indexType(IndexParam.IndexType.INVERTED)
                .build();
    }

    private static void requirePositiveDimension(int dimension) {
        if (dimension <= 0) {
            throw new IllegalArgumentException(
                    "vector dimension must be positive but is " + dimension);
        }
    }
}
