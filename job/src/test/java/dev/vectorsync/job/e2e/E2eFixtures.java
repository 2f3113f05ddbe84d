package dev.vectorsync.job.e2e;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.job.demo.Listings;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Set-up shared by the end-to-end tests. */
final class E2eFixtures {

    private E2eFixtures() {}

    /** Creates the in-process Flink cluster of the end-to-end tests: one TaskManager, two slots. */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }

    /**
     * Reads the real listings from {@code ../shared/data/listings-vi.jsonl} above the working
     * directory, and skips the calling test when the file is missing.
     *
     * @param testName how the skip message names the test, for example "the failover test"
     */
    static List<Listing> sharedListings(String testName) throws IOException {
        Path file = Listings.findSharedFile(Path.of(""));
        assumeThat(file)
                .as("listings-vi.jsonl was not found in ../shared/data above the working directory;"
                        + " " + testName + " needs the real listings and is skipped")
                .isNotNull();
        return Listings.read(file);
    }
}
