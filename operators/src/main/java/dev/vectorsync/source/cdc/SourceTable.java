package dev.vectorsync.source.cdc;

import dev.vectorsync.decode.RowRecordMapper;
import dev.vectorsync.event.EntityType;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A captured table and how its columns map onto the logical fields of {@link RowRecordMapper}:
 * which entity its rows are, its qualified name ({@code schema.table}), its key column and one
 * column per field. A field mapped to no column reads as null.
 */
public final class SourceTable implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EntityType entityType;
    private final String qualifiedName;
    private final String idColumn;
    private final Map<String, String> columnByField;

    /**
     * @param qualifiedName {@code schema.table}, for example {@code dbo.posts}
     * @param columnByField logical field name (see {@link RowRecordMapper#POST_FIELDS}) to column
     */
    public SourceTable(
            EntityType entityType,
            String qualifiedName,
            String idColumn,
            Map<String, String> columnByField) {
        if (qualifiedName == null || qualifiedName.split("\\.").length != 2) {
            throw new IllegalArgumentException(
                    "table name must be schema.table, for example dbo.posts, was '" + qualifiedName + "'");
        }
        if (idColumn == null || idColumn.isBlank()) {
            throw new IllegalArgumentException("idColumn of " + qualifiedName + " must be set");
        }
        this.entityType = entityType;
        this.qualifiedName = qualifiedName;
        this.idColumn = idColumn;
        this.columnByField = Collections.unmodifiableMap(new LinkedHashMap<>(columnByField));
    }

    public EntityType entityType() {
        return entityType;
    }

    public String qualifiedName() {
        return qualifiedName;
    }

    public String schema() {
        return qualifiedName.split("\\.")[0];
    }

    public String table() {
        return qualifiedName.split("\\.")[1];
    }

    public String idColumn() {
        return idColumn;
    }

    public Map<String, String> columnByField() {
        return columnByField;
    }

    /** Returns whether a change record's {@code schema} and {@code table} name this table (case-insensitive). */
    public boolean matches(String schemaName, String tableName) {
        return schema().toLowerCase(Locale.ROOT).equals(lower(schemaName))
                && table().toLowerCase(Locale.ROOT).equals(lower(tableName));
    }

    private static String lower(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return entityType + " table " + qualifiedName + " (id " + idColumn + ", " + columnByField + ")";
    }
}
