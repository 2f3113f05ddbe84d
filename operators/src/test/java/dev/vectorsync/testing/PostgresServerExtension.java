package dev.vectorsync.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a throw-away PostgreSQL server for one test class: {@code initdb} into a temporary
 * directory, then {@code postgres} with {@code wal_level=logical}, listening only on 127.0.0.1 at
 * a free port, with its unix socket in the same directory. The superuser is {@code postgres} with
 * the password {@link #SUPERUSER_PASSWORD}; TCP connections use SCRAM passwords. The server and its
 * directory are removed after the class.
 *
 * <p>The binaries are looked up on the PATH, then under {@code /usr/lib/postgresql/<version>/bin}
 * (Debian's layout). PostgreSQL refuses to run as root, so when the tests run as root the server
 * runs as the {@code postgres} user through {@code runuser}.
 */
public final class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "postgres-test";

    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private Path directory;
    private Path binaries;
    private int port;
    private Process process;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        binaries = findBinaries();
        directory = Files.createTempDirectory("postgres-test-");
        port = findFreePort();
        initdb();
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

    /** JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** Opens a superuser connection to {@code database}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, SUPERUSER_PASSWORD);
    }

    /** Runs {@code sql} (one or more statements) as the superuser in {@code database}. */
    public void execute(String database, String sql) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void initdb() throws IOException, InterruptedException {
        Path data = directory.resolve("data");
        Path passwordFile = directory.resolve("superuser-password");
        Files.writeString(passwordFile, SUPERUSER_PASSWORD + "\n", StandardCharsets.UTF_8);
        giveToServerUser();
        List<String> command = asServerUser(List.of(
                binaries.resolve("initdb").toString(),
                "-D", data.toString(),
                "-U", SUPERUSER,
                "--pwfile=" + passwordFile,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E", "UTF8",
                "--locale=C.UTF-8"));
        Path log = directory.resolve("initdb.log");
        Process initdb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!initdb.waitFor(2, TimeUnit.MINUTES) || initdb.exitValue() != 0) {
            throw new IllegalStateException("initdb failed. Its output:\n" + Files.readString(log));
        }
    }

    private void start() throws IOException, InterruptedException {
        Path log = directory.resolve("postgres.log");
        List<String> command = asServerUser(List.of(
                binaries.resolve("postgres").toString(),
                "-D", directory.resolve("data").toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=" + HOST,
                "-c", "unix_socket_directories=" + directory,
                "-c", "wal_level=logical",
                "-c", "max_replication_slots=8",
                "-c", "max_wal_senders=8",
                "-c", "fsync=off",
                "-c", "full_page_writes=off"));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitConnection(log);
    }

    private void awaitConnection(Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("postgres on port " + port + " exited with code "
                        + process.exitValue() + " during startup. Its output:\n" + Files.readString(log));
            }
            try (Connection connection = connect("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        stop();
        throw new IllegalStateException("postgres on port " + port + " did not accept connections within "
                + STARTUP_TIMEOUT + " (" + last + "). Its output:\n" + Files.readString(log));
    }

    private void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        // SIGINT is PostgreSQL's "fast" shutdown, which also ends open replication connections. It
        // goes to the postmaster named in postmaster.pid, not to runuser, which may not forward it.
        try {
            String postmaster = Files.readAllLines(directory.resolve("data").resolve("postmaster.pid")).get(0).trim();
            new ProcessBuilder("kill", "-INT", postmaster).start().waitFor();
        } catch (IOException | IndexOutOfBoundsException e) {
            process.destroy();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", SUPERUSER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private void giveToServerUser() throws IOException, InterruptedException {
        if (!isRoot()) {
            return;
        }
        Process chown = new ProcessBuilder("chown", "-R", SUPERUSER + ":", directory.toString())
                .inheritIO()
                .start();
        if (chown.waitFor() != 0) {
            throw new IllegalStateException("chown of " + directory + " to user " + SUPERUSER
                    + " failed; PostgreSQL needs a non-root user named postgres when the tests run as root");
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path findBinaries() throws IOException {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path initdb = Path.of(entry, "initdb");
            if (Files.isExecutable(initdb)) {
                return initdb.toRealPath().getParent();
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions.map(version -> version.resolve("bin"))
                        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                        .max(Comparator.naturalOrder())
                        .orElse(null);
                if (newest != null) {
                    return newest;
                }
            }
        }
        throw new IllegalStateException("initdb was not found on the PATH or under /usr/lib/postgresql/*/bin;"
                + " install PostgreSQL (Debian: apt-get install postgresql)");
    }

    private static int findFreePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private void deleteDirectory() throws IOException {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
