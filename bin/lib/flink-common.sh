# Shared by bin/cluster, bin/flink and bin/vector-sync; sourced, never run.
#
# Environment (all optional):
#   FLINK_HOME      local Flink "distribution" with lib/ (default: run/flink, built by bin/flink-dist)
#   FLINK_CONF_DIR  folder with config.yaml and the log4j files (default: flink-conf)
#   FLINK_LOG_DIR   where processes write logs (default: $FLINK_HOME/log)
#   FLINK_PID_DIR   where bin/cluster keeps process ids (default: $FLINK_HOME/pids)
#   FLINK_PLUGINS_DIR  Flink plugins, one folder each (default: $FLINK_HOME/plugins)
#   JAVA_HOME       Java 17; java on the PATH otherwise

VECTOR_SYNC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FLINK_HOME="${FLINK_HOME:-$VECTOR_SYNC_ROOT/run/flink}"
FLINK_CONF_DIR="${FLINK_CONF_DIR:-$VECTOR_SYNC_ROOT/flink-conf}"
FLINK_LOG_DIR="${FLINK_LOG_DIR:-$FLINK_HOME/log}"
FLINK_PID_DIR="${FLINK_PID_DIR:-$FLINK_HOME/pids}"
# Flink loads plugins (the GPU driver of external-resource.gpu, for example) from here.
FLINK_PLUGINS_DIR="${FLINK_PLUGINS_DIR:-$FLINK_HOME/plugins}"
export FLINK_HOME FLINK_CONF_DIR FLINK_LOG_DIR FLINK_PID_DIR FLINK_PLUGINS_DIR

fail() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

find_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        JAVA="$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        JAVA="$(command -v java)"
    else
        fail "java was not found; install Java 17 or set JAVA_HOME"
    fi
    local version
    version="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
        fail "$JAVA is Java $version; Flink 1.20 with vector-sync needs Java 17 (set JAVA_HOME)"
    fi
}

# Checks the configuration folder and lib/, writes the effective configuration to
# $FLINK_HOME/conf and sets FLINK_CLASSPATH, FLINK_EFFECTIVE_CONF_DIR and FLINK_FLAT_CONFIG.
prepare_flink() {
    find_java
    [ -f "$FLINK_CONF_DIR/config.yaml" ] \
        || fail "no config.yaml in $FLINK_CONF_DIR; set FLINK_CONF_DIR to a folder with config.yaml"
    FLINK_CONF_DIR="$(cd "$FLINK_CONF_DIR" && pwd)"
    if ! compgen -G "$FLINK_HOME/lib/flink-runtime-*.jar" >/dev/null; then
        fail "no Flink runtime in $FLINK_HOME/lib; run bin/flink-dist to assemble it"
    fi
    FLINK_CLASSPATH="$(find "$FLINK_HOME/lib/" -maxdepth 1 -name '*.jar' | sort | paste -sd: -)"
    mkdir -p "$FLINK_LOG_DIR" "$FLINK_PID_DIR" "$FLINK_PLUGINS_DIR"
    write_effective_conf
}

# Flattens config.yaml with Flink's own parser and adds the default checkpoint and savepoint
# directories, which Flink accepts only as absolute URIs, when the file sets none.
write_effective_conf() {
    FLINK_FLAT_CONFIG="$(bash_java_utils UPDATE_AND_GET_FLINK_CONFIGURATION \
        --configDir "$FLINK_CONF_DIR" -flatten)"
    if [ -z "$(config_value execution.checkpointing.dir)" ]; then
        FLINK_FLAT_CONFIG+=$'\n'"execution.checkpointing.dir: file://$VECTOR_SYNC_ROOT/savepoints/checkpoints"
    fi
    if [ -z "$(config_value execution.checkpointing.savepoint-dir)" ]; then
        FLINK_FLAT_CONFIG+=$'\n'"execution.checkpointing.savepoint-dir: file://$VECTOR_SYNC_ROOT/savepoints"
    fi

    FLINK_EFFECTIVE_CONF_DIR="$FLINK_HOME/conf"
    local staging="$FLINK_HOME/conf.$$"
    rm -rf "$staging"
    mkdir -p "$staging"
    cp "$FLINK_CONF_DIR"/*.properties "$staging/" 2>/dev/null || true
    echo "$FLINK_FLAT_CONFIG" >"$staging/config.yaml"
    rm -rf "$FLINK_EFFECTIVE_CONF_DIR"
    mv "$staging" "$FLINK_EFFECTIVE_CONF_DIR"
}

# Prints the value of one key of the flattened configuration, or nothing when it is unset.
config_value() {
    echo "$FLINK_FLAT_CONFIG" | sed -n "s/^${1//./\\.}: //p" | tail -n 1
}

# Runs Flink's BashJavaUtils and prints only its results, one per line.
bash_java_utils() {
    local output
    if ! output="$("$JAVA" -Dlog4j2.level=WARN -cp "$FLINK_CLASSPATH" \
            org.apache.flink.runtime.util.bash.BashJavaUtils "$@" 2>&1)"; then
        echo "$output" >&2
        fail "Flink could not read the configuration in $FLINK_CONF_DIR (output above)"
    fi
    echo "$output" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

# Prints the JVM options for one kind of process (jobmanager, taskmanager or client):
# env.java.default-opts.all, env.java.opts.all and env.java.opts.<kind>.
java_options() {
    local key
    for key in env.java.default-opts.all env.java.opts.all "env.java.opts.$1"; do
        config_value "$key"
    done | paste -sd' ' -
}
