package dev.vectorsync.source.cdc;

/** Database whose change log a CDC source reads; decides how a change position becomes a version. */
public enum ChangeLog {
    /** SQL Server CDC change tables: {@code commit_lsn}, {@code change_lsn}, {@code event_serial_no}. */
    SQLSERVER,
    /** Postgres logical decoding (pgoutput): {@code lsn}. */
    POSTGRES
}
