package dev.vectorsync.source.jdbc;

import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.source.cdc.SourceTable;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.connector.jdbc.split.JdbcNumericBetweenParametersProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Builds the bounded FLIP-27 {@link JdbcBackfillSource} that reads one table for the backfill, split
 * by key range: {@code [min, max]} of the key column is cut into ranges of {@code splitRows} keys,
 * and each range is one split that any reader may take, one after the other. The key range is read
 * once, when the job is built.
 *
 * <p>Rows written after the range was read but with a key above {@code max} are not read; the
 * streaming job started after the backfill picks them up.
 */
public final class JdbcBackfillSourceFactory {

    private final String url;
    private final String username;
    private final String password;

    /** Creates a factory; the password is only passed to the driver and never logged. */
    public JdbcBackfillSourceFactory(String url, String username, String password) {
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /** Opens a connection with the configured URL and credentials. */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(url, properties);
    }

    /**
     * Creates the source for {@code table}.
     *
     * @param versionColumn column that orders writes to a row, or null
     * @param splitRows keys per split
     */
    public JdbcBackfillSource<ChangeEvent> create(
            SourceTable table, String versionColumn, String serverTimeZone, long splitRows)
            throws SQLException {
        long[] range = keyRange(table);
        JdbcNumericBetweenParametersProvider splits =
                new JdbcNumericBetweenParametersProvider(range[0], range[1]).ofBatchSize(splitRows);
        String driverName = DriverManager.getDriver(url).getClass().getName();
        JdbcRowExtractor extractor = new JdbcRowExtractor(table, versionColumn, serverTimeZone);

        JdbcSource<ChangeEvent> source =
                JdbcSource.<ChangeEvent>builder()
                        .setDBUrl(url)
                        .setDriverName(driverName)
                        .setUsername(username)
                        .setPassword(password)
                        .setSql(BackfillQueries.split(table, versionColumn))
                        .setJdbcParameterValuesProvider(splits)
                        .setResultExtractor(extractor)
                        .setTypeInformation(TypeInformation.of(ChangeEvent.class))
                        .build();
        return new JdbcBackfillSource<>(source, connectionOptions(driverName), extractor);
    }

    /** Connection options of the split readers; a null user or password is left out. */
    private JdbcConnectionOptions connectionOptions(String driverName) {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName(driverName)
                .withUsername(username)
                .withPassword(password)
                .build();
    }

    /** {min, max} of the key; {0, 0} for an empty table, a range that matches no positive key. */
    private long[] keyRange(SourceTable table) throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(BackfillQueries.keyRange(table))) {
            rows.next();
            long min = rows.getLong(1);
            if (rows.wasNull()) {
                return new long[] {0, 0};
            }
            return new long[] {min, rows.getLong(2)};
        }
    }
}
