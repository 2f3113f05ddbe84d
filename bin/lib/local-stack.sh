# Shared by bin/demo and bin/benchmark; sourced, never run. Starts a throwaway Redis server and
# Milvus Lite on free loopback ports, builds the job module when its sources changed, and stops
# both servers when the calling script exits.
#
# After `local_stack_start NAME`: run_dir (logs and data of this run), redis_port, milvus_port.
# After `local_stack_build STAMP CLASSPATH_FILE [MAVEN_ARGS...]`: CLASSPATH_FILE lists the job's
# runtime and test classpath.

local_stack_fail() {
    echo "$local_stack_name: $*" >&2
    exit 1
}

local_stack_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

local_stack_stop() {
    [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true
    [ -n "${milvus_pid:-}" ] && kill "$milvus_pid" 2>/dev/null || true
}

local_stack_start() {
    local_stack_name="$1"
    command -v redis-server >/dev/null 2>&1 \
        || local_stack_fail "redis-server is not installed; run: apt-get install redis-server"
    if [ ! -x .venv/bin/milvus-lite ]; then
        echo "$local_stack_name: creating .venv with Milvus Lite (once)"
        python3 -m venv .venv
        .venv/bin/pip install -q --disable-pip-version-check -r tools/requirements-test.txt
    fi

    run_dir="run/$local_stack_name-$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$run_dir/milvus"
    redis_port=$(local_stack_free_port)
    milvus_port=$(local_stack_free_port)
    trap local_stack_stop EXIT

    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
        --dir "$run_dir" --logfile "$PWD/$run_dir/redis.log" &
    redis_pid=$!
    .venv/bin/milvus-lite server --host 127.0.0.1 --port "$milvus_port" --data-dir "$run_dir/milvus" \
        >"$run_dir/milvus.log" 2>&1 &
    milvus_pid=$!

    for _ in $(seq 1 100); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $milvus_port), 1)" 2>/dev/null \
            && redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
            break
        fi
        sleep 0.2
    done
    echo "$local_stack_name: Redis on 127.0.0.1:$redis_port, Milvus Lite on 127.0.0.1:$milvus_port, logs in $run_dir"
}

local_stack_build() {
    local stamp="$1" classpath_file="$2"
    shift 2
    # Build only when a source or pom changed since the last build of this kind (the first build
    # downloads the dependencies, which takes a few minutes).
    if [ ! -f "$stamp" ] || [ ! -f "$classpath_file" ] || [ -n "$(find pom.xml operators job -newer "$stamp" \
            \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print -quit)" ]; then
        echo "$local_stack_name: building (log in $run_dir/build.log)"
        if ! mvn -B "$@" -pl job -am install -DskipTests >"$run_dir/build.log" 2>&1 \
            || ! mvn -B "$@" -pl job dependency:build-classpath -Dmdep.includeScope=test \
                -Dmdep.outputFile="$PWD/$classpath_file" >>"$run_dir/build.log" 2>&1; then
            local_stack_fail "the build failed; see $run_dir/build.log"
        fi
        touch "$stamp"
    fi
}
