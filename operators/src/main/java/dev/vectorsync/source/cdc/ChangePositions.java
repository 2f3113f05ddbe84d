package dev.vectorsync.source.cdc;

import dev.vectorsync.event.ChangeVersion;

import java.math.BigInteger;

/**
 * Maps change-log positions onto {@link ChangeVersion}s, so that latest-write-wins orders the
 * writes to one row exactly as the database made them.
 *
 * <p><b>Snapshot rows</b> (Debezium operation {@code r}) get version (0, 0, 0): they order before
 * every streamed change, and a second read of the same snapshot row is a duplicate.
 *
 * <p><b>SQL Server</b>: a change is ordered by ({@code commit_lsn}, {@code change_lsn}, {@code
 * event_serial_no}). An LSN is 80 bits, written {@code xxxxxxxx:xxxxxxxx:xxxx} (hex: virtual log
 * file, log block, slot). The three values are laid out as one 189-bit number, commit LSN (80
 * bits) then change LSN (80 bits) then the serial number (29 bits, capped), and cut into three
 * 63-bit parts: {@code version} is the top 63 bits of the commit LSN, {@code positionHigh} its
 * last 17 bits and the top 46 bits of the change LSN, {@code positionLow} the last 34 bits of the
 * change LSN and the serial number. Every part is non-negative, so the signed comparison of
 * {@link ChangeVersion} orders them as the LSNs. Debezium numbers events within one change LSN from
 * 1, so the 29-bit cap (536,870,911) is never reached in practice.
 *
 * <p><b>Postgres</b>: a change is ordered by its WAL position {@code source.lsn} (64 bits, below
 * 2^63 in any real server): version ({@code lsn}, 0, 0). Row locks make two changes to one row
 * commit in LSN order.
 */
public final class ChangePositions {

    /** Version of snapshot rows: before every streamed change. */
    public static final ChangeVersion SNAPSHOT = new ChangeVersion(0, 0, 0);

    static final int LSN_BITS = 80;
    static final int SERIAL_BITS = 29;
    private static final BigInteger PART_MASK = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
    private static final long MAX_SERIAL = (1L << SERIAL_BITS) - 1;

    private ChangePositions() {}

    /** Version (0, 0, 0) for a snapshot row. */
    public static ChangeVersion snapshot() {
        return new ChangeVersion(SNAPSHOT.version, SNAPSHOT.positionHigh, SNAPSHOT.positionLow);
    }

    /**
     * Version of a SQL Server change.
     *
     * @param commitLsn {@code source.commit_lsn}, {@code xxxxxxxx:xxxxxxxx:xxxx}
     * @param changeLsn {@code source.change_lsn}, same form
     * @param eventSerialNo {@code source.event_serial_no}; null reads as 0
     * @throws IllegalArgumentException when an LSN is not in that form
     */
    public static ChangeVersion sqlServer(String commitLsn, String changeLsn, Long eventSerialNo) {
        long serial = eventSerialNo == null ? 0 : Math.max(0, Math.min(eventSerialNo, MAX_SERIAL));
        BigInteger packed =
                parseLsn(commitLsn, "commit_lsn")
                        .shiftLeft(LSN_BITS + SERIAL_BITS)
                        .or(parseLsn(changeLsn, "change_lsn").shiftLeft(SERIAL_BITS))
                        .or(BigInteger.valueOf(serial));
        return new ChangeVersion(
                packed.shiftRight(126).longValueExact(),
                packed.shiftRight(63).and(PART_MASK).longValueExact(),
                packed.and(PART_MASK).longValueExact());
    }

    /** Version of a Postgres change at WAL position {@code lsn}. */
    public static ChangeVersion postgres(long lsn) {
        if (lsn <= 0) {
            throw new IllegalArgumentException("Postgres lsn must be positive, was " + lsn);
        }
        return new ChangeVersion(lsn, 0, 0);
    }

    /** Parses an 80-bit SQL Server LSN written as {@code xxxxxxxx:xxxxxxxx:xxxx} (hex). */
    static BigInteger parseLsn(String lsn, String name) {
        String[] parts = lsn == null ? new String[0] : lsn.split(":");
        if (parts.length != 3 || parts[0].length() != 8 || parts[1].length() != 8 || parts[2].length() != 4) {
            throw new IllegalArgumentException(
                    name + " must be an LSN such as 0000002b:000001a8:0003, was '" + lsn + "'");
        }
        try {
            return new BigInteger(parts[0] + parts[1] + parts[2], 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be an LSN of hex digits such as 0000002b:000001a8:0003, was '" + lsn + "'", e);
        }
    }
}
