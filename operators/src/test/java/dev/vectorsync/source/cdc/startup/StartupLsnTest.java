package dev.vectorsync.source.cdc.startup;

import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartupLsnTest {

    @Test
    void sqlServerLsnSetsBothPositions() {
        Offset offset = StartupLsn.sqlServer("0000002A:00000F10:0003");

        assertThat(offset.getOffset())
                .containsOnlyKeys("commit_lsn", "change_lsn")
                .containsEntry("commit_lsn", "0000002a:00000f10:0003")
                .containsEntry("change_lsn", "0000002a:00000f10:0003");
    }

    @Test
    void sqlServerBinaryFormEqualsColonForm() {
        assertThat(StartupLsn.sqlServer(" 0x0000002A00000F100003 "))
                .isEqualTo(StartupLsn.sqlServer("0000002a:00000f10:0003"));
    }

    @Test
    void sqlServerLsnsCompareInLogOrder() {
        Offset earlier = StartupLsn.sqlServer("0000002a:00000f10:0003");
        Offset later = StartupLsn.sqlServer("0000002a:00000f18:0001");

        assertThat(later.isAfter(earlier)).isTrue();
        assertThat(earlier.isAfter(later)).isFalse();
    }

    @Test
    void sqlServerRejectsOtherForms() {
        for (String text : new String[] {"", "2a:f10:3", "0000002a:00000f10", "0x2A00000F100003",
                "0/16B3748", "0000002g:00000f10:0003"}) {
            assertThatThrownBy(() -> StartupLsn.sqlServer(text))
                    .as("'%s'", text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid SQL Server LSN '" + text + "'")
                    .hasMessageContaining("0000002a:00000f10:0003");
        }
        assertThatThrownBy(() -> StartupLsn.sqlServer(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'null'");
    }

    @Test
    void postgresLsnIsDecimalLong() {
        assertThat(StartupLsn.postgres("0/16B3748").getOffset())
                .containsOnlyKeys("lsn", "ts_usec")
                .containsEntry("lsn", String.valueOf(0x16B3748L))
                .containsEntry("ts_usec", "0");
        assertThat(StartupLsn.postgres("1/0").getOffset()).containsEntry("lsn", "4294967296");
    }

    @Test
    void postgresRejectsOtherForms() {
        for (String text : new String[] {"", "16B3748", "0/123456789", "0:16B3748",
                "0000002a:00000f10:0003", "0/0"}) {
            assertThatThrownBy(() -> StartupLsn.postgres(text))
                    .as("'%s'", text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid Postgres LSN '" + text + "'")
                    .hasMessageContaining("0/16B3748");
        }
    }
}
