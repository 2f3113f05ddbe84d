package dev.vectorsync.job.demo;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads listings from a JSON Lines file, or the small sample bundled with the job. */
public final class Listings {

    /** The shared real-data file, relative to the repository root. */
    public static final Path SHARED_FILE = Path.of("..", "shared", "data", "listings-vi.jsonl");

    private static final String SAMPLE_RESOURCE = "/demo/sample-listings.jsonl";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Listings() {}

    /** Finds the shared listings file from {@code start} or one of its parents; null when absent. */
    public static Path findSharedFile(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SHARED_FILE).normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public static List<Listing> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads the twelve hand-written listings bundled in the jar, for machines without the shared file. */
    public static List<Listing> sample() {
        try (InputStream in = Listings.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SAMPLE_RESOURCE + " is missing from the jar");
            }
            return read(in, SAMPLE_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Listing> read(InputStream in, String name) throws IOException {
        List<Listing> listings = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                listings.add(Listing.fromJson(MAPPER.readTree(line)));
            } catch (IOException e) {
                throw new IOException("line " + lineNumber + " of " + name + " is not valid JSON", e);
            }
        }
        return listings;
    }
}
