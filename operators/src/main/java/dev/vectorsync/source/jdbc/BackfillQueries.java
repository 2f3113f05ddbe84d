package dev.vectorsync.source.jdbc;

import dev.vectorsync.source.cdc.SourceTable;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The SQL of the backfill, written in the common subset of T-SQL, PostgreSQL and H2 (in
 * MSSQLServer mode): unquoted {@code schema.table} and column names, {@code MIN}/{@code MAX} and
 * {@code BETWEEN ? AND ?}. Nothing here needs a dialect.
 */
public final class BackfillQueries {

    private BackfillQueries() {}

    /** Columns the split query selects, in order: the key, each mapped column once, the version column. */
    public static List<String> selectedColumns(SourceTable table, String versionColumn) {
        Set<String> columns = new LinkedHashSet<>();
        columns.add(table.idColumn());
        columns.addAll(table.columnByField().values());
        if (versionColumn != null) {
            columns.add(versionColumn);
        }
        return new ArrayList<>(columns);
    }

    /** Returns the query of the lowest and highest key: {@code SELECT MIN(id), MAX(id) FROM schema.table}. */
    public static String keyRange(SourceTable table) {
        return "SELECT MIN(" + table.idColumn() + "), MAX(" + table.idColumn() + ") FROM "
                + table.qualifiedName();
    }

    /** Returns the query of one split: the selected columns of the rows whose key lies in {@code [?, ?]}. */
    public static String split(SourceTable table, String versionColumn) {
        return "SELECT " + String.join(", ", selectedColumns(table, versionColumn)) + " FROM "
                + table.qualifiedName() + " WHERE " + table.idColumn() + " BETWEEN ? AND ?";
    }
}
