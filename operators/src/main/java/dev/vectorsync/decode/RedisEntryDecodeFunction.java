package dev.vectorsync.decode;

import dev.vectorsync.deadletter.DeadLetter;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.source.redis.RedisStreamEntry;


import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Decodes Redis stream entries into change events. An entry that breaks the event contract goes
 * to the {@link #DEAD_LETTERS} side output with the reason; the job never fails on bad input.
 *
 * <p>Each entry carries the payload in its {@code job} field. The stream an entry comes from
 * decides whether it describes a post or a user.
 */
public class RedisEntryDecodeFunction extends ProcessFunction<RedisStreamEntry, ChangeEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RedisEntryDecodeFunction.class);

    /** Field of a stream entry that contains the job payload. */
    public static final String PAYLOAD_FIELD = DeadLetter.JOB_FIELD;

    public static final String STAGE = "decode";

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("decode-dead-letters", TypeInformation.of(DeadLetter.class));

    private final Map<String, EntityType> entityTypeByStream;
    private final ChangeEventDecoder decoder;

    private transient Counter invalidEntries;
    private transient Counter decodedEntries;
    private transient long lastWarnMillis;
    private transient long suppressedWarnings;

    public RedisEntryDecodeFunction(Map<String, EntityType> entityTypeByStream, ChangeEventDecoder decoder) {
        if (entityTypeByStream.isEmpty()) {
            throw new IllegalArgumentException("entityTypeByStream must map at least one stream");
        }
        this.entityTypeByStream = new HashMap<>(entityTypeByStream);
        this.decoder = decoder;
    }

    @Override
    public void open(OpenContext openContext) {
        invalidEntries = getRuntimeContext().getMetricGroup().counter("invalidEntries");
        decodedEntries = getRuntimeContext().getMetricGroup().counter("decodedEntries");
    }

    @Override
    public void processElement(RedisStreamEntry entry, Context context, Collector<ChangeEvent> out) {
        String payload = entry.fields == null ? null : entry.fields.get(PAYLOAD_FIELD);
        try {
            EntityType entityType = entityTypeByStream.get(entry.stream);
            if (entityType == null) {
                throw new InvalidEventException(
                        "stream " + entry.stream + " is not configured as a post or user stream");
            }
            ChangeVersion entryVersion = entryVersion(entry.entryId);
            out.collect(decoder.decode(entityType, entry.stream, entry.entryId, payload, entryVersion));
            decodedEntries.inc();
        } catch (InvalidEventException e) {
            invalidEntries.inc();
            warnRateLimited(entry, e.getMessage());
            context.output(
                    DEAD_LETTERS,
                    DeadLetter.fromStreamEntry(entry, e.getMessage(), STAGE, System.currentTimeMillis()));
        }
    }

    /** The entry id {@code <ms>-<seq>} as the version (ms, ms, seq) used when a payload has none. */
    static ChangeVersion entryVersion(String entryId) throws InvalidEventException {
        int dash = entryId == null ? -1 : entryId.indexOf('-');
        try {
            long millis = Long.parseLong(entryId.substring(0, dash));
            long sequence = Long.parseUnsignedLong(entryId.substring(dash + 1));
            return new ChangeVersion(millis, millis, sequence);
        } catch (RuntimeException e) {
            throw new InvalidEventException("entry id '" + entryId + "' is not <milliseconds>-<sequence>");
        }
    }

    /** Logs at most one WARN per second and counts the rest, so a flood of bad entries stays readable. */
    private void warnRateLimited(RedisStreamEntry entry, String reason) {
        long now = System.currentTimeMillis();
        if (now - lastWarnMillis < 1000) {
            suppressedWarnings++;
            return;
        }
        LOG.warn(
                "Dead-lettered entry {} of stream {}: {} ({} similar warnings suppressed in the last"
                        + " second)",
                entry.entryId,
                entry.stream,
                reason,
                suppressedWarnings);
        lastWarnMillis = now;
        suppressedWarnings = 0;
    }
}
