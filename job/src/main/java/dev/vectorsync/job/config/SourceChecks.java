package dev.vectorsync.job.config;

import dev.vectorsync.source.cdc.startup.StartupLsn;

import org.apache.flink.configuration.Configuration;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/** Checks of the {@code source.*} and {@code backfill.*} options; part of {@link JobSettings#validate}. */
final class SourceChecks {

    private SourceChecks() {}

    static void check(Configuration config, List<String> problems) {
        SourceType type = SourceType.parse(config.get(SOURCE_TYPE));
        if (type == null) {
            problems.add(SOURCE_TYPE.key() + " must be redis, sqlserver-cdc or postgres-cdc, was '"
                    + config.get(SOURCE_TYPE) + "'");
            return;
        }
        if (type.isDatabase()) {
            checkDatabase(config, type, problems);
        }
        if (config.get(CDC_STARTUP_MODE) == CdcStartupMode.COMMITTED_OFFSET && type != SourceType.POSTGRES_CDC) {
            problems.add(CDC_STARTUP_MODE.key() + " COMMITTED_OFFSET works only with " + SOURCE_TYPE.key()
                    + " postgres-cdc; use INITIAL or LATEST for " + type.key());
        }
        checkStartupLsn(config, type, problems);
        if (config.get(CDC_SPLIT_SIZE) <= 0) {
            problems.add(CDC_SPLIT_SIZE.key() + " must be positive, was " + config.get(CDC_SPLIT_SIZE));
        }
        if (config.get(BACKFILL_SPLIT_ROWS) <= 0) {
            problems.add(BACKFILL_SPLIT_ROWS.key() + " must be positive, was " + config.get(BACKFILL_SPLIT_ROWS));
        }
        if (config.get(BACKFILL_PROGRESS_INTERVAL).isNegative() || config.get(BACKFILL_PROGRESS_INTERVAL).isZero()) {
            problems.add(BACKFILL_PROGRESS_INTERVAL.key() + " must be a positive duration such as '10 s', was "
                    + config.get(BACKFILL_PROGRESS_INTERVAL));
        }
        try {
            ZoneId.of(config.get(CDC_SERVER_TIME_ZONE));
        } catch (DateTimeException e) {
            problems.add(CDC_SERVER_TIME_ZONE.key() + " must be a time zone id such as UTC or"
                    + " Asia/Ho_Chi_Minh, was '" + config.get(CDC_SERVER_TIME_ZONE) + "'");
        }
        checkTable(config.get(CDC_POSTS_TABLE), CDC_POSTS_TABLE.key(), problems);
        checkTable(config.get(CDC_USERS_TABLE), CDC_USERS_TABLE.key(), problems);
        checkMapping(config.get(CDC_POSTS_COLUMNS), ColumnMappings.POST_DEFAULTS.keySet(), CDC_POSTS_COLUMNS.key(), problems);
        checkMapping(config.get(CDC_USERS_COLUMNS), ColumnMappings.USER_DEFAULTS.keySet(), CDC_USERS_COLUMNS.key(), problems);
    }

    /** Checks what the backfill needs; called only for {@code --mode backfill}. */
    static void checkBackfill(Configuration config, List<String> problems) {
        SourceType type = SourceType.parse(config.get(SOURCE_TYPE));
        if (config.get(BACKFILL_JDBC_URL) == null && (type == null || !type.isDatabase())) {
            problems.add("--mode backfill reads the database over JDBC: set " + BACKFILL_JDBC_URL.key()
                    + ", or set " + SOURCE_TYPE.key() + " to sqlserver-cdc or postgres-cdc with the"
                    + " source.cdc.* connection options");
        }
    }

    /** Checks that {@code source.cdc.startup-lsn} is set exactly with mode LSN, in the source's form. */
    private static void checkStartupLsn(Configuration config, SourceType type, List<String> problems) {
        boolean lsnMode = config.get(CDC_STARTUP_MODE) == CdcStartupMode.LSN;
        String lsn = config.get(CDC_STARTUP_LSN);
        if (!lsnMode) {
            if (lsn != null) {
                problems.add(CDC_STARTUP_LSN.key() + " is set to '" + lsn + "' but " + CDC_STARTUP_MODE.key()
                        + " is " + config.get(CDC_STARTUP_MODE) + "; set " + CDC_STARTUP_MODE.key()
                        + " LSN to start there, or remove " + CDC_STARTUP_LSN.key());
            }
            return;
        }
        if (!type.isDatabase()) {
            problems.add(CDC_STARTUP_MODE.key() + " LSN works only with " + SOURCE_TYPE.key()
                    + " sqlserver-cdc or postgres-cdc, was " + type.key());
            return;
        }
        String forms = type == SourceType.SQLSERVER_CDC ? StartupLsn.SQLSERVER_FORMS : StartupLsn.POSTGRES_FORMS;
        if (lsn == null) {
            problems.add(CDC_STARTUP_MODE.key() + " LSN needs " + CDC_STARTUP_LSN.key() + ", the LSN to start"
                    + " after, for example " + forms);
            return;
        }
        try {
            if (type == SourceType.SQLSERVER_CDC) {
                StartupLsn.sqlServer(lsn);
            } else {
                StartupLsn.postgres(lsn);
            }
        } catch (IllegalArgumentException e) {
            problems.add(CDC_STARTUP_LSN.key() + " is an " + e.getMessage());
        }
    }

    private static void checkDatabase(Configuration config, SourceType type, List<String> problems) {
        if (config.get(CDC_DATABASE) == null) {
            problems.add(CDC_DATABASE.key() + " must be set for " + SOURCE_TYPE.key() + " " + type.key());
        }
        if (config.get(CDC_USERNAME) == null) {
            problems.add(CDC_USERNAME.key() + " must be set for " + SOURCE_TYPE.key() + " " + type.key()
                    + "; the password comes from the variable that " + CDC_PASSWORD_ENV.key() + " names");
        }
        Integer port = config.get(CDC_PORT);
        if (port != null && (port <= 0 || port > 65535)) {
            problems.add(CDC_PORT.key() + " must be between 1 and 65535, was " + port);
        }
        if (config.get(CDC_POSTS_TABLE).equalsIgnoreCase(config.get(CDC_USERS_TABLE))) {
            problems.add(CDC_POSTS_TABLE.key() + " and " + CDC_USERS_TABLE.key()
                    + " must name different tables, both are '" + config.get(CDC_POSTS_TABLE) + "'");
        }
    }

    private static void checkTable(String table, String key, List<String> problems) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*")) {
            problems.add(key + " must be schema.table with plain names, for example dbo.posts, was '" + table + "'");
        }
    }

    private static void checkMapping(Map<String, String> overrides, Set<String> fields, String key, List<String> problems) {
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            if (!fields.contains(entry.getKey())) {
                problems.add(key + " names the unknown field '" + entry.getKey() + "'; fields are " + fields);
            } else if (!entry.getValue().matches("[A-Za-z_][A-Za-z0-9_$]*")) {
                problems.add(key + " maps " + entry.getKey() + " to '" + entry.getValue()
                        + "', which is not a plain column name");
            }
        }
    }
}
