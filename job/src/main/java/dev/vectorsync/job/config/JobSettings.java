package dev.vectorsync.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.vectorsync.job.config.VectorSyncOptions.*;

/**
 * Validated job configuration. Every value has been parsed and checked once at start, so the
 * pipeline reads it with {@link #get(ConfigOption)} and never meets a parse error later.
 */
public final class JobSettings {

    private final Configuration configuration;
    private final JobMode mode;

    private JobSettings(Configuration configuration, JobMode mode) {
        this.configuration = configuration;
        this.mode = mode;
    }

    /**
     * Checks every value of {@code configuration}.
     *
     * @throws InvalidConfigurationException listing each invalid value with its key
     */
    public static JobSettings validate(Configuration configuration, JobMode mode) {
        List<String> problems = problems(configuration, mode);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new JobSettings(configuration, mode);
    }

    /**
     * Lists every invalid value of {@code configuration}: values that do not parse, then the
     * range and cross-field checks of the values that do.
     */
    static List<String> problems(Configuration configuration, JobMode mode) {
        List<String> problems = new ArrayList<>();
        for (ConfigOption<?> option : VectorSyncOptions.all()) {
            try {
                configuration.get(option);
            } catch (IllegalArgumentException e) {
                problems.add(parseProblem(option, configuration.toMap().get(option.key()), e));
            }
        }
        checkValues(configuration, problems);
        if (mode == JobMode.BACKFILL) {
            try {
                SourceChecks.checkBackfill(configuration, problems);
            } catch (IllegalArgumentException e) {
                // A value this check reads does not parse; that is already listed.
            }
        }
        return problems;
    }

    /** Formats a value the way a user writes it in the file: "5 min" rather than "PT5M". */
    static String format(Object value) {
        if (value instanceof Duration) {
            return TimeUtils.formatWithHighestUnit((Duration) value);
        }
        return String.valueOf(value);
    }

    private static String parseProblem(ConfigOption<?> option, String value, IllegalArgumentException error) {
        String prefix = option.key() + " has an invalid value '" + value + "': ";
        Object example = option.hasDefaultValue() ? option.defaultValue() : null;
        if (example instanceof Duration) {
            return prefix + "expected a duration with a unit, such as '200 ms', '5 s' or '7 d'";
        }
        if (example instanceof Enum) {
            return prefix + "expected one of "
                    + java.util.Arrays.toString(((Enum<?>) example).getDeclaringClass().getEnumConstants());
        }
        if (example instanceof Integer || example instanceof Long) {
            return prefix + "expected a whole number";
        }
        if (example instanceof Boolean) {
            return prefix + "expected true or false";
        }
        return prefix + rootMessage(error);
    }

    public <T> T get(ConfigOption<T> option) {
        return configuration.get(option);
    }

    public JobMode mode() {
        return mode;
    }

    /** Returns every key that is not a vector-sync option: Flink settings for the execution environment. */
    public Configuration flinkConfiguration() {
        Set<String> ours = new HashSet<>();
        for (ConfigOption<?> option : VectorSyncOptions.all()) {
            ours.add(option.key());
        }
        Configuration flink = new Configuration();
        for (Map.Entry<String, String> entry : configuration.toMap().entrySet()) {
            if (!ours.contains(entry.getKey())) {
                flink.setString(entry.getKey(), entry.getValue());
            }
        }
        return flink;
    }

    /** Reads a secret from the environment variable that {@code nameOption} names; null when unset. */
    public String secretFromEnvironment(ConfigOption<String> nameOption, Map<String, String> environment) {
        String value = environment.get(get(nameOption));
        return value == null || value.isEmpty() ? null : value;
    }

    /** Returns the parsed value of {@code source.type}. */
    public SourceType sourceType() {
        return SourceType.parse(get(SOURCE_TYPE));
    }

    private static void checkValues(Configuration config, List<String> problems) {
        List<Check> checks =
                List.of(
                        JobSettings::checkSource,
                        JobSettings::checkNumbers,
                        JobSettings::checkDurations,
                        JobSettings::checkEmbedding,
                        JobSettings::checkStreams,
                        JobSettings::checkGuardOutlivesEmbedding,
                        JobSettings::checkMilvus);
        for (Check check : checks) {
            try {
                check.run(config, problems);
            } catch (IllegalArgumentException e) {
                // A value this check reads does not parse; that is already listed.
            }
        }
    }

    /** One group of value checks. */
    private interface Check {
        void run(Configuration config, List<String> problems);
    }

    private static void checkSource(Configuration config, List<String> problems) {
        SourceChecks.check(config, problems);
    }

    private static void checkNumbers(Configuration config, List<String> problems) {
        positive(config, REDIS_PORT, problems);
        if (config.get(REDIS_PORT) > 65535) {
            problems.add(REDIS_PORT.key() + " must be at most 65535, was " + config.get(REDIS_PORT));
        }
        notNegative(config, REDIS_DATABASE, problems);
        positive(config, FETCH_SIZE, problems);
        positive(config, MAX_PAYLOAD_BYTES, problems);
        positive(config, SINK_MAX_BUFFERED, problems);
        notNegative(config, SINK_MAX_RETRIES, problems);
        if (config.get(PUBLISHABLE_STATUSES).stream().allMatch(String::isBlank)) {
            problems.add(PUBLISHABLE_STATUSES.key() + " must name at least one status, for example approved");
        }
    }

    private static void checkDurations(Configuration config, List<String> problems) {
        for (ConfigOption<Duration> option :
                List.of(REDIS_TIMEOUT, BLOCK_TIME, RECONNECT_TIMEOUT, TOMBSTONE_TTL,
                        STALE_GUARD_TTL, EMBEDDING_TIMEOUT, SINK_MAX_DELAY, SINK_RETRY_BACKOFF)) {
            positiveDuration(config, option, problems);
        }
        if (config.get(BATCH_WAIT).isNegative()) {
            problems.add(BATCH_WAIT.key() + " must not be negative, was " + config.get(BATCH_WAIT));
        }
    }

    private static void checkEmbedding(Configuration config, List<String> problems) {
        positive(config, BATCH_SIZE, problems);
        positive(config, EMBEDDING_MAX_ATTEMPTS, problems);
        positive(config, EMBEDDING_CAPACITY, problems);
        notNegative(config, INTRA_OP_THREADS, problems);
        notNegative(config, RECENT_VECTORS, problems);
        notNegative(config, DEVICE_ID, problems);

        int maxLength = config.get(MAX_SEQUENCE_LENGTH);
        if (maxLength < 8 || maxLength > 8192) {
            problems.add(MAX_SEQUENCE_LENGTH.key() + " must be between 8 and 8192 tokens, was " + maxLength);
        }
        Integer dimension = config.get(DIMENSION);
        if (dimension != null && dimension <= 0) {
            problems.add(DIMENSION.key() + " must be positive, was " + dimension + "; unset it for the model's width");
        }
        String device = config.get(DEVICE).toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.equals("cuda")) {
            problems.add(DEVICE.key() + " must be cpu or cuda, was '" + config.get(DEVICE) + "'");
        }
    }

    private static void checkMilvus(Configuration config, List<String> problems) {
        String uri = config.get(MILVUS_URI);
        if (!uri.startsWith("http://") && !uri.startsWith("https://") && !uri.startsWith("tcp://")) {
            problems.add(MILVUS_URI.key() + " must start with http://, https:// or tcp://, was '" + uri + "'");
        }
        if (config.get(POSTS_COLLECTION).equals(config.get(USERS_COLLECTION))) {
            problems.add(
                    POSTS_COLLECTION.key() + " and " + USERS_COLLECTION.key()
                            + " must name different collections, both are '"
                            + config.get(POSTS_COLLECTION) + "'");
        }
    }

    private static void checkStreams(Configuration config, List<String> problems) {
        String posts = config.get(POST_STREAM);
        String users = config.get(USER_STREAM);
        String deadLetters = config.get(DEAD_LETTER_STREAM);
        if (posts.equals(users)) {
            problems.add(
                    POST_STREAM.key() + " and " + USER_STREAM.key()
                            + " must name different streams, both are '" + posts + "'");
        }
        if (deadLetters.equals(posts) || deadLetters.equals(users)) {
            problems.add(
                    DEAD_LETTER_STREAM.key() + " must differ from the source streams, it is '"
                            + deadLetters + "'");
        }
    }

    private static void checkGuardOutlivesEmbedding(Configuration config, List<String> problems) {
        Duration inFlight = config.get(EMBEDDING_TIMEOUT).multipliedBy(config.get(EMBEDDING_MAX_ATTEMPTS));
        if (config.get(STALE_GUARD_TTL).compareTo(inFlight) <= 0) {
            problems.add(
                    STALE_GUARD_TTL.key() + " (" + format(config.get(STALE_GUARD_TTL))
                            + ") must be longer than " + EMBEDDING_TIMEOUT.key() + " times "
                            + EMBEDDING_MAX_ATTEMPTS.key() + " (" + format(inFlight)
                            + "), or a late result could overwrite a newer one");
        }
    }

    private static void positive(Configuration config, ConfigOption<Integer> option, List<String> problems) {
        if (config.get(option) <= 0) {
            problems.add(option.key() + " must be positive, was " + config.get(option));
        }
    }

    private static void notNegative(Configuration config, ConfigOption<Integer> option, List<String> problems) {
        if (config.get(option) < 0) {
            problems.add(option.key() + " must not be negative, was " + config.get(option));
        }
    }

    private static void positiveDuration(Configuration config, ConfigOption<Duration> option, List<String> problems) {
        Duration value = config.get(option);
        if (value.isNegative() || value.isZero()) {
            problems.add(option.key() + " must be a positive duration such as '200 ms', was " + format(value));
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Override
    public String toString() {
        // Options hold no secrets, only the names of the variables that do.
        return "JobSettings{mode=" + mode + ", " + configuration.toMap() + "}";
    }
}
