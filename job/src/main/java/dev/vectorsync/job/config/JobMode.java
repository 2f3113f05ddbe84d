package dev.vectorsync.job.config;

import java.util.List;
import java.util.Locale;

/** Run mode of the job: an unbounded stream of changes, or a bounded backfill of existing rows. */
public enum JobMode {
    STREAM,
    BACKFILL;

    static JobMode parse(String value) {
        if (value == null) {
            return STREAM;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    List.of("--mode must be stream or backfill, was '" + value + "'"));
        }
    }
}
