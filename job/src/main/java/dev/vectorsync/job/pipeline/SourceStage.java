package dev.vectorsync.job.pipeline;

import dev.vectorsync.deadletter.DeadLetter;
import dev.vectorsync.event.ChangeEvent;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Output of a source stage, the input of the shared downstream pipeline: the valid change events,
 * in any order because latest write wins orders them per row, and the dead letters of inputs that
 * could not become events.
 */
record SourceStage(DataStream<ChangeEvent> events, DataStream<DeadLetter> deadLetters) {}
