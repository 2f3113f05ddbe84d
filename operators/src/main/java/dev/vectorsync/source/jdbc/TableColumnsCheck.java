package dev.vectorsync.source.jdbc;

import dev.vectorsync.source.cdc.SourceTable;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks over JDBC, before a job starts, that every captured table exists and has the key column
 * and each mapped column. Extra columns are fine: a column added later is ignored by the job.
 * Names are compared case-insensitively, as SQL Server, PostgreSQL (unquoted) and H2 treat them.
 */
public final class TableColumnsCheck {

    private TableColumnsCheck() {}

    /**
     * Checks every table in {@code tables}.
     *
     * @throws IllegalStateException naming each table or column that is missing, and the option to fix
     * @throws SQLException when the database cannot be read
     */
    public static void check(Connection connection, Collection<SourceTable> tables, String mappingOptionPrefix)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        for (SourceTable table : tables) {
            Set<String> present = columnsOf(connection.getMetaData(), table);
            if (present.isEmpty()) {
                problems.add("table " + table.qualifiedName() + " was not found or has no columns"
                        + " visible to this user; check the table option and the user's SELECT right");
                continue;
            }
            List<String> expected = new ArrayList<>();
            expected.add(table.idColumn());
            expected.addAll(table.columnByField().values());
            for (String column : expected) {
                if (!present.contains(column.toLowerCase(Locale.ROOT))) {
                    problems.add("table " + table.qualifiedName() + " has no column '" + column
                            + "'; map the field to an existing column with the "
                            + mappingOptionPrefix + "* options, or add the column");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Source tables do not match the column mapping: "
                    + String.join("; ", problems));
        }
    }

    private static Set<String> columnsOf(DatabaseMetaData metaData, SourceTable table) throws SQLException {
        Set<String> columns = new TreeSet<>();
        for (String schema : variants(table.schema())) {
            for (String name : variants(table.table())) {
                try (ResultSet rows = metaData.getColumns(null, schema, name, "%")) {
                    while (rows.next()) {
                        columns.add(rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
                if (!columns.isEmpty()) {
                    return columns;
                }
            }
        }
        return columns;
    }

    private static Set<String> variants(String name) {
        Set<String> variants = new java.util.LinkedHashSet<>();
        variants.add(name);
        variants.add(name.toLowerCase(Locale.ROOT));
        variants.add(name.toUpperCase(Locale.ROOT));
        return variants;
    }
}
