package dev.vectorsync.source.jdbc;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.JdbcSourceSplitReader;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.RecordAndOffset;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.extractor.ResultExtractor;
import org.apache.flink.connector.jdbc.core.datastream.source.split.JdbcSourceSplit;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replays, on one thread and in a fixed order, what the split fetchers of a source reader do when
 * the reader goes on to its next split. The fetcher that read split 1 goes idle and is shut down,
 * and it closes its split reader only after the next fetcher's split reader has started split 2.
 */
class JdbcBackfillSourceTest {

    private static final String QUERY = "SELECT id FROM rows_by_id WHERE id BETWEEN ? AND ? ORDER BY id";

    /** The split readers only keep the context; any call on it fails the test. */
    private static final SourceReaderContext UNUSED_CONTEXT =
            (SourceReaderContext)
                    Proxy.newProxyInstance(
                            JdbcBackfillSourceTest.class.getClassLoader(),
                            new Class<?>[] {SourceReaderContext.class},
                            (proxy, method, args) -> {
                                throw new UnsupportedOperationException(method.getName());
                            });

    private String url;
    private Connection keepAlive;

    @BeforeEach
    void createTable() throws Exception {
        url = "jdbc:h2:mem:backfill_" + UUID.randomUUID().toString().replace("-", "");
        keepAlive = DriverManager.getConnection(url, "sa", "");
        try (Statement statement = keepAlive.createStatement()) {
            statement.execute("CREATE TABLE rows_by_id (id BIGINT PRIMARY KEY)");
            statement.execute("INSERT INTO rows_by_id SELECT x FROM SYSTEM_RANGE(1, 6)");
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        keepAlive.close();
    }

    @Test
    void sharedProviderLosesNextSplitsConnection() throws Exception {
        JdbcSource<Long> connectorSource = jdbcSource();
        SimpleJdbcConnectionProvider shared = new SimpleJdbcConnectionProvider(connectionOptions());
        JdbcSourceSplitReader<Long> first = splitReader(connectorSource, shared);
        JdbcSourceSplitReader<Long> second = splitReader(connectorSource, shared);

        assertThat(readSplit(first, split("1", 1, 3))).containsExactly(1L, 2L, 3L);
        second.handleSplitsChanges(new SplitsAddition<>(List.of(split("2", 4, 6))));
        assertThat(records(second.fetch())).containsExactly(4L);
        first.close();

        assertThatThrownBy(second::fetch)
                .as("the connector's own wiring: one provider for all split readers of a reader")
                .rootCause()
                .hasMessageContaining("closed");
    }

    @Test
    void nextSplitKeepsItsConnection() throws Exception {
        JdbcBackfillSource<Long> source =
                new JdbcBackfillSource<>(jdbcSource(), connectionOptions(), new IdExtractor());
        JdbcSourceSplitReader<Long> first = source.createSplitReader(UNUSED_CONTEXT);
        JdbcSourceSplitReader<Long> second = source.createSplitReader(UNUSED_CONTEXT);

        assertThat(readSplit(first, split("1", 1, 3))).containsExactly(1L, 2L, 3L);
        second.handleSplitsChanges(new SplitsAddition<>(List.of(split("2", 4, 6))));
        assertThat(records(second.fetch())).containsExactly(4L);
        first.close();

        List<Long> rest = new ArrayList<>();
        for (int fetch = 0; fetch < 3; fetch++) {
            rest.addAll(records(second.fetch()));
        }
        assertThat(rest).containsExactly(5L, 6L);
        second.close();
    }

    /** Builds a source like the backfill's, with fetches of one row, so a split takes several. */
    private JdbcSource<Long> jdbcSource() {
        return JdbcSource.<Long>builder()
                .setDBUrl(url)
                .setDriverName(org.h2.Driver.class.getName())
                .setUsername("sa")
                .setPassword("")
                .setSql(QUERY)
                .setSplitReaderFetchBatchSize(1)
                .setResultExtractor(new IdExtractor())
                .setTypeInformation(Types.LONG)
                .build();
    }

    private JdbcConnectionOptions connectionOptions() {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName(org.h2.Driver.class.getName())
                .withUsername("sa")
                .withPassword("")
                .build();
    }

    private static JdbcSourceSplitReader<Long> splitReader(
            JdbcSource<Long> source, SimpleJdbcConnectionProvider provider) {
        return new JdbcSourceSplitReader<>(
                UNUSED_CONTEXT,
                source.getConfiguration(),
                Types.LONG,
                provider,
                DeliveryGuarantee.NONE,
                new IdExtractor());
    }

    private static JdbcSourceSplit split(String id, long fromKey, long toKey) {
        return new JdbcSourceSplit(id, QUERY, new Serializable[] {fromKey, toKey}, null);
    }

    /** Reads one split to its end, as a fetcher does before it goes idle. */
    private static List<Long> readSplit(JdbcSourceSplitReader<Long> reader, JdbcSourceSplit split)
            throws Exception {
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
        List<Long> ids = new ArrayList<>();
        while (true) {
            RecordsWithSplitIds<RecordAndOffset<Long>> batch = reader.fetch();
            ids.addAll(records(batch));
            if (!batch.finishedSplits().isEmpty()) {
                return ids;
            }
        }
    }

    private static List<Long> records(RecordsWithSplitIds<RecordAndOffset<Long>> batch) {
        List<Long> ids = new ArrayList<>();
        while (batch.nextSplit() != null) {
            RecordAndOffset<Long> record;
            while ((record = batch.nextRecordFromSplit()) != null) {
                ids.add(record.getRecord());
            }
        }
        return ids;
    }

    private static final class IdExtractor implements ResultExtractor<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long extract(ResultSet resultSet) throws SQLException {
            return resultSet.getLong(1);
        }
    }
}
