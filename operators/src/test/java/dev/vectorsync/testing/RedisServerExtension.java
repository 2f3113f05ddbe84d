package dev.vectorsync.testing;

import dev.vectorsync.redis.RedisConnectionConfig;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.io.File;
import java.io.IOException;
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
 * Starts a throw-away {@code redis-server} on a free loopback port for one test class, without
 * persistence, and stops it after the class.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
 *
 * try (Jedis jedis = REDIS.openConnection()) { jedis.xadd(...); }
 * }</pre>
 *
 * <p>{@link #restart()} stops the server and starts a new one on the same port, so clients see a
 * server that went away and came back with no data. The {@code redis-server} binary must be on the
 * {@code PATH}.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private Path directory;
    private int port;
    private Process process;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("redis-test-");
        port = findFreePort();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            stop();
        } finally {
            deleteDirectory();
        }
    }

    public String getHost() {
        return HOST;
    }

    public int getPort() {
        return port;
    }

    /** Returns a connection config for this server with short timeouts. */
    public RedisConnectionConfig connectionConfig() {
        return RedisConnectionConfig.builder()
                .setHost(HOST)
                .setPort(port)
                .setConnectTimeout(Duration.ofSeconds(1))
                .setSocketTimeout(Duration.ofSeconds(2))
                .build();
    }

    /** Opens a new connection; the caller closes it. */
    public Jedis openConnection() {
        return connectionConfig().openConnection();
    }

    /** Stops the server and starts an empty one on the same port. */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    private void start() throws IOException, InterruptedException {
        Path log = directory.resolve("redis.log");
        List<String> command =
                List.of(
                        "redis-server",
                        "--bind", HOST,
                        "--port", Integer.toString(port),
                        "--save", "",
                        "--appendonly", "no",
                        "--dir", directory.toString());
        try {
            process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start redis-server: install Redis so that redis-server is on the PATH"
                            + " (Debian: apt-get install redis-server).",
                    e);
        }
        awaitPing(log);
    }

    private void awaitPing(Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "redis-server on port " + port + " exited with code " + process.exitValue()
                                + " during startup. Its output:\n" + readLog(log));
            }
            if (answersPing()) {
                return;
            }
            Thread.sleep(50);
        }
        stop();
        throw new IllegalStateException(
                "redis-server on port " + port + " did not answer PING within " + STARTUP_TIMEOUT
                        + ". Its output:\n" + readLog(log));
    }

    private boolean answersPing() {
        try (Jedis jedis = openConnection()) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    private void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        process = null;
    }

    private static int findFreePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String readLog(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }

    private void deleteDirectory() throws IOException {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
