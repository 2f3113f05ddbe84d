package dev.vectorsync.milvus;

/** Field names and VARCHAR limits (UTF-8 bytes) of the users collection. */
public final class UserFields {

    public static final String ID = "id";
    public static final String USER_EMBEDDING = "user_embedding";
    public static final String BIO = "bio";
    public static final String PREFERRED_CATEGORY = "preferred_category";
    public static final String PREFERRED_CITY = "preferred_city";
    public static final String PREFERRED_DISTRICT = "preferred_district";
    public static final String PREFERRED_WARD = "preferred_ward";
    public static final String BUDGET_MIN = "budget_min";
    public static final String BUDGET_MAX = "budget_max";
    public static final String AREA_MIN = "area_min";
    public static final String CREATED_AT = "created_at";
    public static final String UPDATED_AT = "updated_at";

    public static final int BIO_MAX_BYTES = 4096;
    public static final int PLACE_MAX_BYTES = 256;
    public static final int CATEGORY_MAX_BYTES = 128;

    private UserFields() {}
}
