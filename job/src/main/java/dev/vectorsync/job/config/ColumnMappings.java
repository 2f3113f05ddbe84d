package dev.vectorsync.job.config;

import dev.vectorsync.decode.RowRecordMapper;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Default columns of the post and user fields, matching the tables that {@code
 * compose/sqlserver/init.sql} creates, and their merge with the {@code source.cdc.*-columns}
 * overrides.
 */
public final class ColumnMappings {

    /** Post field (see {@link RowRecordMapper#POST_FIELDS}) to its default column. */
    public static final Map<String, String> POST_DEFAULTS = defaults(
            "title", "title", "description", "description", "address", "address", "ward", "ward",
            "district", "district", "city", "city", "status", "status", "category", "category",
            "price", "price", "area", "area", "userId", "user_id", "createdAt", "created_at",
            "updatedAt", "updated_at");

    /** User field (see {@link RowRecordMapper#USER_FIELDS}) to its default column. */
    public static final Map<String, String> USER_DEFAULTS = defaults(
            "bio", "bio", "preferredCategory", "preferred_category", "preferredCity", "preferred_city",
            "preferredDistrict", "preferred_district", "preferredWard", "preferred_ward",
            "budgetMin", "budget_min", "budgetMax", "budget_max", "areaMin", "area_min",
            "createdAt", "created_at", "updatedAt", "updated_at");

    private ColumnMappings() {}

    /** Returns the defaults with {@code overrides} applied. */
    public static Map<String, String> merge(Map<String, String> defaults, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(overrides);
        return merged;
    }

    private static Map<String, String> defaults(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
