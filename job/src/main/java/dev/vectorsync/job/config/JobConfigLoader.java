package dev.vectorsync.job.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the job configuration: the optional YAML file named by {@code --config}, then every
 * {@code --key value} (or {@code --key=value}) on the command line, which wins over the file.
 *
 * <p>The file may nest keys ({@code redis: {host: ...}}) or write them dotted ({@code redis.host:
 * ...}); YAML lists become Flink list values. Keys of Flink itself ({@code execution.*},
 * {@code state.*}, {@code parallelism.default}, ...) are passed to the execution environment.
 * Any other unknown key is an error, so that a misspelt key never falls back to a default unseen.
 */
public final class JobConfigLoader {

    /** Command-line arguments that are not configuration keys. */
    public static final String CONFIG_ARGUMENT = "config";

    public static final String MODE_ARGUMENT = "mode";

    private static final List<String> FLINK_KEY_PREFIXES =
            List.of(
                    "execution.",
                    "pipeline.",
                    "state.",
                    "restart-strategy.",
                    "parallelism.",
                    "taskmanager.",
                    "jobmanager.",
                    "rest.",
                    "metrics.",
                    "table.",
                    "classloader.",
                    "heartbeat.",
                    "akka.",
                    "pekko.");

    private JobConfigLoader() {}

    /**
     * Loads and validates the configuration for {@code args}.
     *
     * @throws InvalidConfigurationException naming every invalid or unknown key
     */
    public static JobSettings load(String[] args) {
        Map<String, String> arguments = parseArguments(args);

        Map<String, String> values = new LinkedHashMap<>();
        String file = arguments.remove(CONFIG_ARGUMENT);
        if (file != null) {
            values.putAll(readYaml(Path.of(file)));
        }
        String mode = arguments.remove(MODE_ARGUMENT);
        values.putAll(arguments);

        List<String> problems = new ArrayList<>();
        Set<String> unknown = unknownKeys(values.keySet(), problems);
        values.keySet().removeAll(unknown);
        JobMode jobMode = null;
        try {
            jobMode = JobMode.parse(mode);
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
        }
        problems.addAll(
                JobSettings.problems(
                        Configuration.fromMap(values), jobMode == null ? JobMode.STREAM : jobMode));
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return JobSettings.validate(Configuration.fromMap(values), jobMode);
    }

    /** Returns true when {@code args} request the usage text instead of a run. */
    public static boolean isHelpRequest(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Usage text: the arguments and every option with its default and description. */
    public static String usage() {
        StringBuilder text = new StringBuilder();
        text.append("Arguments: [--config FILE] [--mode stream|backfill] [--<key> <value> ...]\n")
                .append("Command-line values win over the file. Options:\n");
        for (ConfigOption<?> option : VectorSyncOptions.all()) {
            text.append("  --")
                    .append(option.key())
                    .append(" (default: ")
                    .append(option.hasDefaultValue() ? JobSettings.format(option.defaultValue()) : "unset")
                    .append(")\n      ")
                    .append(descriptionText(option))
                    .append('\n');
        }
        text.append("Flink settings (execution.*, state.*, restart-strategy.*, ...) are accepted too.\n");
        return text.toString();
    }

    static Map<String, String> parseArguments(String[] args) {
        Map<String, String> arguments = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidConfigurationException(
                        List.of(
                                "unexpected argument '" + arg + "': arguments are --config FILE,"
                                        + " --mode stream|backfill and --<key> <value> overrides"));
            }
            String key = arg.substring(2);
            String value;
            int equals = key.indexOf('=');
            if (equals >= 0) {
                value = key.substring(equals + 1);
                key = key.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new InvalidConfigurationException(
                        List.of("argument --" + key + " has no value"));
            }
            arguments.put(key, value);
        }
        return arguments;
    }

    static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidConfigurationException(
                    List.of(
                            "configuration file " + file.toAbsolutePath() + " does not exist; relative"
                                    + " paths are resolved from " + Path.of("").toAbsolutePath()));
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    List.of("cannot read configuration file " + file.toAbsolutePath() + ": " + e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return values;
        }
        if (!root.isObject()) {
            throw new InvalidConfigurationException(
                    List.of("configuration file " + file + " must contain a mapping of keys to values"));
        }
        flatten("", root, values);
        return values;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && !isKnownKey(key)) {
                flatten(key, value, out);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                out.put(key, String.join(";", items));
            } else if (!value.isNull()) {
                out.put(key, value.asText());
            }
        }
    }

    /** Returns the plain text of an option's description. */
    static String descriptionText(ConfigOption<?> option) {
        return new HtmlFormatter()
                .format(option.description())
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    private static Set<String> unknownKeys(Set<String> keys, List<String> problems) {
        Set<String> known = knownKeys();
        Set<String> unknown = new TreeSet<>();
        for (String key : keys) {
            if (known.contains(key) || isFlinkKey(key)) {
                continue;
            }
            unknown.add(key);
            String suggestion = closest(key, known);
            problems.add(
                    "unknown configuration key '" + key + "'"
                            + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
                            + " The reference file job/config/vector-sync.yaml lists every key.");
        }
        return unknown;
    }

    private static boolean isKnownKey(String key) {
        return knownKeys().contains(key);
    }

    private static boolean isFlinkKey(String key) {
        for (String prefix : FLINK_KEY_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> knownKeys() {
        Set<String> keys = new TreeSet<>();
        for (ConfigOption<?> option : VectorSyncOptions.all()) {
            keys.add(option.key());
        }
        return keys;
    }

    /** Returns the known key within edit distance 3 of {@code key}, or null. */
    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 4;
        for (String candidate : known) {
            int distance = editDistance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
