package dev.vectorsync.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Flink session cluster on loopback, run with the repository's own scripts ({@code bin/cluster},
 * {@code bin/flink}, {@code bin/vector-sync}) as a user runs them, in a temporary folder of its own.
 *
 * <p>The configuration is {@code flink-conf/config.yaml} with the lines for ports, directories
 * and heartbeats replaced, so that the tests exercise the checked-in file. {@link #close()} stops
 * every process it started, with SIGKILL for any that does not stop; a JVM shutdown hook does the
 * same when the test JVM exits early.
 */
final class LocalSessionCluster implements AutoCloseable {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);

    private final Path root;
    private final Path home;
    private final Path confDir;
    private final Path savepointDir;
    private final Path jobJar;
    private final int restPort;
    private final Thread shutdownHook = new Thread(this::killAll, "stop-local-session-cluster");

    private LocalSessionCluster(Path root, Path workDir, Path flinkLib, Path jobJar) throws IOException {
        this.root = root;
        this.jobJar = jobJar;
        this.home = workDir.resolve("flink");
        this.confDir = workDir.resolve("conf");
        this.savepointDir = workDir.resolve("savepoints");
        Files.createDirectories(home);
        Files.createDirectories(confDir);
        Files.createDirectories(savepointDir);
        Files.createSymbolicLink(home.resolve("lib"), flinkLib);
        this.restPort = freePort();
        writeConfiguration();
    }

    /** Prepares (but does not start) a cluster in a fresh folder below {@code workDirParent}. */
    static LocalSessionCluster create(Path root, Path workDirParent, Path flinkLib, Path jobJar) throws IOException {
        Files.createDirectories(workDirParent);
        Path workDir = Files.createTempDirectory(workDirParent, "cluster-");
        LocalSessionCluster cluster = new LocalSessionCluster(root, workDir, flinkLib, jobJar);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        return cluster;
    }

    /** Copies flink-conf and replaces the lines that must differ per test run. */
    private void writeConfiguration() throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("rest.port", Integer.toString(restPort));
        overrides.put("jobmanager.rpc.port", Integer.toString(freePort()));
        overrides.put("blob.server.port", Integer.toString(freePort()));
        overrides.put("execution.checkpointing.dir", savepointDir.resolve("checkpoints").toUri().toString());
        overrides.put("execution.checkpointing.savepoint-dir", savepointDir.toUri().toString());
        // Shorter than the defaults (10 s / 50 s), so a killed TaskManager is noticed in seconds.
        overrides.put("heartbeat.interval", "2000");
        overrides.put("heartbeat.timeout", "10000");
        overrides.put("restart-strategy.exponential-delay.initial-backoff", "500 ms");
        overrides.put("restart-strategy.exponential-delay.max-backoff", "5 s");
        // Two JVMs on a shared 2-core machine: smaller than the production sizes.
        overrides.put("taskmanager.memory.process.size", "2048m");
        overrides.put("taskmanager.memory.jvm-overhead.min", "512m");
        overrides.put("jobmanager.memory.process.size", "768m");

        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("flink-conf/config.yaml"), StandardCharsets.UTF_8)) {
            String key = line.contains(":") && !line.startsWith("#") ? line.substring(0, line.indexOf(':')).trim() : null;
            if (key != null && overrides.containsKey(key)) {
                continue;
            }
            lines.add(line);
        }
        overrides.forEach((key, value) -> lines.add(key + ": " + value));
        Files.write(confDir.resolve("config.yaml"), lines, StandardCharsets.UTF_8);
        for (String file : List.of("log4j.properties", "log4j-cli.properties")) {
            Files.copy(root.resolve("flink-conf").resolve(file), confDir.resolve(file));
        }
    }

    /** Runs {@code bin/<script> args...} from the repository root and returns its exit code and output. */
    ScriptResult run(String script, String... args) throws IOException, InterruptedException {
        return run(Map.of(), script, args);
    }

    /** Runs {@code bin/<script> args...} with extra environment variables, for example secrets. */
    ScriptResult run(Map<String, String> extraEnvironment, String script, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin").resolve(script).toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile(home, script + "-", ".out");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("FLINK_HOME", home.toString());
        environment.put("FLINK_CONF_DIR", confDir.toString());
        environment.put("VECTOR_SYNC_JAR", jobJar.toString());
        environment.put("VECTOR_SYNC_SAVEPOINT_DIR", savepointDir.toString());
        environment.putAll(extraEnvironment);
        Process process = builder.start();
        if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("bin/" + script + " " + String.join(" ", args) + " did not finish within "
                    + SCRIPT_TIMEOUT + "; output:\n" + Files.readString(output));
        }
        return new ScriptResult(command, process.exitValue(), Files.readString(output));
    }

    /** Runs a script and fails the test, with its output, unless it exits with 0. */
    ScriptResult runOrFail(String script, String... args) throws IOException, InterruptedException {
        ScriptResult result = run(script, args);
        if (result.exitCode() != 0) {
            throw new AssertionError(result.describe());
        }
        return result;
    }

    Path logDir() {
        return home.resolve("log");
    }

    String taskManagerLog(int index) throws IOException {
        return Files.readString(logDir().resolve("taskmanager-" + index + ".log"));
    }

    String jobManagerLog() throws IOException {
        return Files.readString(logDir().resolve("jobmanager.log"));
    }

    /** Returns the pid that bin/cluster recorded for {@code name} (jobmanager, taskmanager-1, ...). */
    long pid(String name) throws IOException {
        return Long.parseLong(Files.readString(home.resolve("pids").resolve(name + ".pid")).trim());
    }

    /** GET on the REST API; returns the body. */
    String rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " returned " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() throws Exception {
        try {
            run("cluster", "stop");
        } finally {
            killAll();
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
    }

    /** Kills every process whose pid file is still in the pid folder. */
    private void killAll() {
        Path pids = home.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return;
        }
        try (Stream<Path> files = Files.list(pids)) {
            for (Path file : files.toList()) {
                long pid = Long.parseLong(Files.readString(file).trim());
                ProcessHandle.of(pid).ifPresent(process -> {
                    process.destroyForcibly();
                    process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pid files in " + pids, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Exit code and combined output of one script run. */
    record ScriptResult(List<String> command, int exitCode, String output) {

        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + "; output:\n" + output;
        }
    }
}
