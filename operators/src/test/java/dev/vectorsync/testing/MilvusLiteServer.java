package dev.vectorsync.testing;

import dev.vectorsync.milvus.MilvusConnectionConfig;

import io.milvus.v2.client.MilvusClientV2;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * JUnit 5 extension that runs a Milvus Lite server (a Milvus-protocol gRPC server) on a free
 * loopback port for the tests of one class.
 *
 * <pre>{@code
 * @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();
 * ...
 * MilvusClientV2 client = MILVUS.createClient(); // close it at the end of the test
 * }</pre>
 *
 * <p>The {@code milvus-lite} executable is taken from the environment variable {@code
 * MILVUS_LITE_BIN}, else from {@code .venv/bin/milvus-lite} in the repository root (the folder
 * whose {@code pom.xml} lists the {@code operators} module, searched upwards from the working
 * directory), else from {@code PATH}. The server writes to a fresh temporary folder, which {@link
 * #stop()} and {@link #start()} keep, so a test can stop and restart the same server.
 */
public final class MilvusLiteServer implements BeforeAllCallback, AfterAllCallback {

    private static final String INSTALL_HINT =
            "Install it in the repository root with:"
                    + " python3 -m venv .venv && .venv/bin/pip install milvus-lite pymilvus"
                    + " (or set MILVUS_LITE_BIN to the milvus-lite executable)";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private Path executable;
    private Path dataDirectory;
    private Path logFile;
    private int port;
    private Process process;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        executable = findExecutable();
        dataDirectory = Files.createTempDirectory("milvus-lite-");
        logFile = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
        port = findFreePort();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stop();
        deleteRecursively(dataDirectory);
        Files.deleteIfExists(logFile);
    }

    /** Address for {@code MilvusClientV2}, for example {@code http://127.0.0.1:40123}. */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    /** A connection config for this server with short timeouts and few retries. */
    public MilvusConnectionConfig.Builder connectionConfig() {
        return MilvusConnectionConfig.builder()
                .uri(uri())
                .connectTimeout(Duration.ofSeconds(5))
                .rpcTimeout(Duration.ofSeconds(10))
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(200))
                .retryDeadline(Duration.ofSeconds(10));
    }

    /** Opens a client to this server; the caller closes it. */
    public MilvusClientV2 createClient() {
        return connectionConfig().build().createClient();
    }

    /** Starts the server (again) on the same port and data folder and waits until it serves. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command =
                List.of(
                        executable.toString(),
                        "server",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--data-dir",
                        dataDirectory.toString());
        process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
        awaitServing();
    }

    /** Stops the server and waits for it to exit; the data folder stays for {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void awaitServing() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        RuntimeException lastFailure = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "milvus-lite exited with code " + process.exitValue() + "; log:\n" + logTail());
            }
            try {
                MilvusClientV2 client = createClient();
                try {
                    client.listCollections();
                    return;
                } finally {
                    client.close();
                }
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            Thread.sleep(200);
        }
        stop();
        throw new IllegalStateException(
                "milvus-lite did not serve on " + uri() + " within " + START_TIMEOUT + "; log:\n"
                        + logTail(),
                lastFailure);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static int findFreePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path findExecutable() {
        String fromEnvironment = System.getenv("MILVUS_LITE_BIN");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            Path path = Path.of(fromEnvironment);
            if (Files.isExecutable(path)) {
                return path;
            }
            throw new IllegalStateException(
                    "MILVUS_LITE_BIN is " + fromEnvironment + ", which is not an executable file. "
                            + INSTALL_HINT);
        }

        Path repositoryRoot = findRepositoryRoot();
        if (repositoryRoot != null) {
            Path inVenv = repositoryRoot.resolve(".venv/bin/milvus-lite");
            if (Files.isExecutable(inVenv)) {
                return inVenv;
            }
        }

        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String directory : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "milvus-lite");
            if (!directory.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "milvus-lite was not found in MILVUS_LITE_BIN, "
                        + (repositoryRoot == null ? "the repository's .venv" : repositoryRoot.resolve(".venv/bin"))
                        + " or PATH. "
                        + INSTALL_HINT);
    }

    /** Returns the nearest folder upwards whose pom.xml lists the operators module, or null. */
    private static Path findRepositoryRoot() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null) {
            Path pom = directory.resolve("pom.xml");
            if (Files.isRegularFile(pom) && listsOperatorsModule(pom)) {
                return directory;
            }
            directory = directory.getParent();
        }
        return null;
    }

    private static boolean listsOperatorsModule(Path pom) {
        try {
            return Files.readString(pom, StandardCharsets.UTF_8).contains("<module>operators</module>");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom, e);
        }
    }
}
