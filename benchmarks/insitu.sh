#!/usr/bin/env bash
# CPU profile of HttpBenchServer variants (servlet, or jersey with ADAPTER=jersey) inside the loaded server: each variant's server is started on
# CPU 1 and driven by wrk -t1 -c16 on CPU 0; after the warm-up async-profiler is attached with jcmd
# (JVMTI.agent_load, so the warm-up's JIT work is not in the profile), samples for SECS seconds, and is stopped.
# Writes collapsed stacks to $OUT/prof-NAME.txt and the server's CPU time per request to $OUT/cpu-NAME.txt;
# insitu-diff.py compares two variants per request. Needs a build with -Pbenchmarks and async-profiler's libasyncProfiler.so
# (the jar tools.profiler:async-profiler on Maven Central carries linux-x64/libasyncProfiler.so).
# Usage: LIB=/path/libasyncProfiler.so benchmarks/insitu.sh "name|variant|jvm options[|classpath file]" ...
#   (the optional fourth field names a file holding another classpath for the library jars, as in compare.sh)
#   e.g. benchmarks/insitu.sh "without|without|" "with|with|" && python3 benchmarks/insitu-diff.py without with
# env: WARM (s, default 80), SECS (s, default 30), OUT (default /tmp/insitu), ADAPTER (servlet or jersey, default servlet),
#   INTERVAL (the profiler's sampling interval, e.g. 1ms; default 10ms: the filter then gets only ~250 samples in 40 s)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
: "${LIB:?set LIB to libasyncProfiler.so}"
WARM=${WARM:-80}; SECS=${SECS:-30}; OUT=${OUT:-/tmp/insitu}; ADAPTER=${ADAPTER:-servlet}
mkdir -p "$OUT"
port=19101
for spec in "$@"; do
  IFS='|' read -r name variant opts cpfile <<< "$spec"
  vcp="$cp"; [ -n "${cpfile:-}" ] && vcp="$here/target/classes:$(cat "$cpfile")"
  # shellcheck disable=SC2086
  taskset -c 1 java -Xms256m -Xmx512m $opts -cp "$vcp" dev.apikey.benchmarks.HttpBenchServer "$ADAPTER" "$variant" $port "$OUT/key-$name.txt" > "$OUT/server-$name.log" 2>&1 &
  pid=$!
  for i in $(seq 1 120); do grep -q '^ready' "$OUT/server-$name.log" && break; sleep 0.5; done
  grep -q '^ready' "$OUT/server-$name.log" || { echo "server $name did not start"; cat "$OUT/server-$name.log"; kill $pid; exit 1; }
  url="http://127.0.0.1:$port/bench/hello"
  taskset -c 0 wrk -t1 -c16 -d${WARM}s -H "X-API-Key: $(cat "$OUT/key-$name.txt")" "$url" > /dev/null
  # The agent's options go quoted: jcmd would otherwise split them.
  jcmd $pid JVMTI.agent_load "$LIB" "\"start,event=itimer,${INTERVAL:+interval=$INTERVAL,}threads\"" > /dev/null
  c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  taskset -c 0 wrk -t1 -c16 -d${SECS}s -H "X-API-Key: $(cat "$OUT/key-$name.txt")" "$url" > "$OUT/wrk-$name.txt"
  c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  jcmd $pid JVMTI.agent_load "$LIB" "\"stop,collapsed,file=$OUT/prof-$name.txt\"" > /dev/null
  reqs=$(awk '/requests in/ {print $1}' "$OUT/wrk-$name.txt")
  python3 -c "print(($c1 - $c0) / $(getconf CLK_TCK) / $reqs * 1e6)" > "$OUT/cpu-$name.txt"
  echo "$name: $(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$name.txt") req/s, $(cut -c1-5 "$OUT/cpu-$name.txt") us of server CPU per request"
  kill $pid; wait $pid 2>/dev/null || true
  port=$((port + 1))
done
