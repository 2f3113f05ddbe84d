package dev.vectorsync.source.cdc.startup;

import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.cdc.connectors.sqlserver.source.offset.LsnFactory;

import io.debezium.connector.sqlserver.Lsn;
import io.debezium.connector.sqlserver.SourceInfo;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a log sequence number, in the form that the database prints it, into the offset at which
 * a Flink CDC 3.5.0 stream split starts. The offsets are those that the connectors store in
 * checkpoints, so a stream started from one resumes as a restored stream would.
 */
public final class StartupLsn {

    /** Accepted SQL Server forms, for error messages and help text. */
    public static final String SQLSERVER_FORMS =
            "0000002a:00000f10:0003, or 0x0000002A00000F100003 as sys.fn_cdc_get_max_lsn() prints it";

    /** Accepted Postgres form, for error messages and help text. */
    public static final String POSTGRES_FORMS = "0/16B3748, as pg_current_wal_lsn() prints it";

    private static final Pattern SQLSERVER_COLONS =
            Pattern.compile("([0-9a-f]{8}):([0-9a-f]{8}):([0-9a-f]{4})");
    private static final Pattern SQLSERVER_BINARY = Pattern.compile("0x([0-9a-f]{20})");
    private static final Pattern POSTGRES = Pattern.compile("([0-9a-f]{1,8})/([0-9a-f]{1,8})");

    private StartupLsn() {}

    /**
     * Returns the SQL Server offset after which changes are read: the transaction that committed
     * at {@code text} and every earlier one count as read, so the stream starts with the first
     * change of a later commit LSN.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Offset sqlServer(String text) {
        String hex = sqlServerHex(text);
        String lsn = Lsn.valueOf(hex).toString();

        // Debezium skips changes whose (commit LSN, change LSN) is below this position on start.
        // Every change LSN inside a transaction is below its commit LSN, so setting both to the
        // given LSN skips that whole transaction.
        return new LsnFactory()
                .newOffset(Map.of(SourceInfo.COMMIT_LSN_KEY, lsn, SourceInfo.CHANGE_LSN_KEY, lsn));
    }

    /**
     * Returns the Postgres offset from which changes are read: transactions that committed at or
     * after {@code text}.
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    public static Offset postgres(String text) {
        Matcher matcher = matcher(POSTGRES, text);
        if (matcher == null) {
            throw invalid("Postgres", text, POSTGRES_FORMS);
        }
        long lsn =
                (Long.parseLong(matcher.group(1), 16) << 32) | Long.parseLong(matcher.group(2), 16);
        if (lsn == 0) {
            throw new IllegalArgumentException(
                    "invalid Postgres LSN '" + text + "': 0/0 is not a WAL position; expected "
                            + POSTGRES_FORMS);
        }

        // The connector stores the LSN as a decimal long. Debezium 1.9 cannot load an offset
        // without the commit time of the last transaction (ts_usec). None is known here, so it
        // gets 0, which later Debezium versions assume when the key is missing.
        return new PostgresOffsetFactory()
                .newOffset(
                        Map.of(
                                io.debezium.connector.postgresql.SourceInfo.LSN_KEY,
                                Long.toString(lsn),
                                io.debezium.connector.postgresql.SourceInfo.TIMESTAMP_USEC_KEY,
                                "0"));
    }

    /** Returns the 20 hex digits of a SQL Server LSN in either accepted form. */
    private static String sqlServerHex(String text) {
        Matcher colons = matcher(SQLSERVER_COLONS, text);
        if (colons != null) {
            return colons.group(1) + colons.group(2) + colons.group(3);
        }
        Matcher binary = matcher(SQLSERVER_BINARY, text);
        if (binary != null) {
            return binary.group(1);
        }
        throw invalid("SQL Server", text, SQLSERVER_FORMS);
    }

    /** Returns a matcher that matched the whole trimmed, lower-cased text, or null. */
    private static Matcher matcher(Pattern pattern, String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = pattern.matcher(text.trim().toLowerCase(Locale.ROOT));
        return matcher.matches() ? matcher : null;
    }

    private static IllegalArgumentException invalid(String database, String text, String forms) {
        return new IllegalArgumentException(
                "invalid " + database + " LSN '" + text + "': expected " + forms);
    }
}
