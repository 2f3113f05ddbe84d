package dev.vectorsync.milvus;

/**
 * Field names and VARCHAR limits of the posts collection ({@code posts_hybrid} by default).
 *
 * <p>Milvus counts a VARCHAR's {@code max_length} in UTF-8 bytes, so every limit here is in bytes;
 * Vietnamese letters take two or three bytes each.
 */
public final class PostFields {

    public static final String ID = "id";
    public static final String DENSE_VECTOR = "dense_vector";
    public static final String TITLE = "title";
    public static final String DESCRIPTION = "description";
    public static final String ADDRESS_TEXT = "address_text";
    public static final String SPARSE_TITLE = "sparse_title";
    public static final String SPARSE_DESCRIPTION = "sparse_description";
    public static final String SPARSE_ADDRESS = "sparse_address";
    public static final String PRICE = "price";
    public static final String AREA = "area";
    public static final String CITY = "city";
    public static final String DISTRICT = "district";
    public static final String WARD = "ward";
    public static final String STATUS = "status";
    public static final String CATEGORY = "category";
    public static final String USER_ID = "user_id";
    public static final String CREATED_AT = "created_at";
    public static final String UPDATED_AT = "updated_at";

    public static final int TITLE_MAX_BYTES = 1024;
    public static final int DESCRIPTION_MAX_BYTES = 16384;
    public static final int ADDRESS_MAX_BYTES = 1024;
    public static final int PLACE_MAX_BYTES = 256;
    public static final int STATUS_MAX_BYTES = 64;
    public static final int CATEGORY_MAX_BYTES = 128;

    private PostFields() {}
}
