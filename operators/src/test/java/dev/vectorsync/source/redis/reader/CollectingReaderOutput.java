package dev.vectorsync.source.redis.reader;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;

import java.util.ArrayList;
import java.util.List;

/** Reader output that keeps every emitted record in a list. */
final class CollectingReaderOutput<T> implements ReaderOutput<T> {

    private final List<T> records = new ArrayList<>();

    List<T> records() {
        return records;
    }

    @Override
    public void collect(T record) {
        records.add(record);
    }

    @Override
    public void collect(T record, long timestamp) {
        records.add(record);
    }

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}

    @Override
    public SourceOutput<T> createOutputForSplit(String splitId) {
        return this;
    }

    @Override
    public void releaseOutputForSplit(String splitId) {}
}
