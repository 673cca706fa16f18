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
# env: WARM (s, default 80), SECS (s, default 30; 8 with SHARED), OUT (default /tmp/insitu), ADAPTER (servlet or jersey, default servlet),
#   INTERVAL (the profiler's sampling interval, e.g. 1ms; default 10ms: the filter then gets only ~250 samples in 40 s)
# SHARED=1: one server, HttpBenchServer ADAPTER shared, serves the variants side by side (each spec's variant names its
#   path, /VARIANT/bench/hello; the first spec's JVM options and classpath are the server's). It is warmed for WARM s in
#   alternating 10 s runs of the variants, then profiled in ROUNDS (default 4) rounds of one SECS s window per variant
#   (default 8 s), the order reversed every other round, the profiler started and stopped around each window. The
#   variants then share the JVM's compiled code, and a busy host's slow minutes fall on all of them: compare
#   e.g. "without|without|" "with|with|" and read `insitu-diff.py --own servlet/ApiKeyFilter.doFilter with`.
#   Writes prof-NAME-R.txt, cpu-NAME-R.txt and switches-NAME-R.txt (the server threads' context switches before and after,
#   and the requests) per window and pooled prof-NAME.txt and cpu-NAME.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
: "${LIB:?set LIB to libasyncProfiler.so}"
WARM=${WARM:-80}; OUT=${OUT:-/tmp/insitu}; ADAPTER=${ADAPTER:-servlet}
mkdir -p "$OUT"
port=19101
if [ -n "${SHARED:-}" ]; then
  SECS=${SECS:-8}; ROUNDS=${ROUNDS:-4}
  names=(); paths=()
  for spec in "$@"; do IFS='|' read -r name variant opts cpfile <<< "$spec"; names+=("$name"); paths+=("$variant"); done
  IFS='|' read -r _ _ opts cpfile <<< "$1"
  vcp="$cp"; [ -n "${cpfile:-}" ] && vcp="$here/target/classes:$(cat "$cpfile")"
  # shellcheck disable=SC2086
  taskset -c 1 java -Xms256m -Xmx512m $opts -cp "$vcp" dev.apikey.benchmarks.HttpBenchServer "$ADAPTER" shared $port "$OUT/key-shared.txt" > "$OUT/server-shared.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for i in $(seq 1 120); do grep -q '^ready' "$OUT/server-shared.log" && break; sleep 0.5; done
  grep -q '^ready' "$OUT/server-shared.log" || { echo "the shared server did not start"; cat "$OUT/server-shared.log"; exit 1; }
  # The server's threads' context switches (voluntary and not), summed over its threads.
  switches() { cat /proc/$pid/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
  drive() { taskset -c 0 wrk -t1 -c16 -d"$2" -H "X-API-Key: $(cat "$OUT/key-shared.txt")" "http://127.0.0.1:$port/$1/bench/hello"; }
  end=$((SECONDS + WARM))
  while [ $SECONDS -lt $end ]; do for p in "${paths[@]}"; do drive "$p" 10s > /dev/null; done; done
  for n in "${names[@]}"; do rm -f "$OUT/prof-$n-"*.txt "$OUT/cpu-$n-"*.txt; done
  for r in $(seq 1 "$ROUNDS"); do
    idx=($(seq 0 $((${#names[@]} - 1)))); [ $((r % 2)) -eq 0 ] && idx=($(seq $((${#names[@]} - 1)) -1 0))
    for i in "${idx[@]}"; do
      n=${names[$i]}
      jcmd $pid JVMTI.agent_load "$LIB" "\"start,event=itimer,${INTERVAL:+interval=$INTERVAL,}threads\"" > /dev/null
      c0=$(awk '{print $14 + $15}' /proc/$pid/stat); s0=$(switches)
      drive "${paths[$i]}" "${SECS}s" > "$OUT/wrk-$n-$r.txt"
      c1=$(awk '{print $14 + $15}' /proc/$pid/stat); s1=$(switches)
      jcmd $pid JVMTI.agent_load "$LIB" "\"stop,collapsed,file=$OUT/prof-$n-$r.txt\"" > /dev/null
      reqs=$(awk '/requests in/ {print $1}' "$OUT/wrk-$n-$r.txt")
      echo "$c1 $c0 $reqs" > "$OUT/ticks-$n-$r.txt"
      echo "$s1 $s0 $reqs" > "$OUT/switches-$n-$r.txt"
      python3 -c "print(($c1 - $c0) / $(getconf CLK_TCK) / $reqs * 1e6)" > "$OUT/cpu-$n-$r.txt"
      echo "$n round $r: $(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$n-$r.txt") req/s, $(cut -c1-5 "$OUT/cpu-$n-$r.txt") us of server CPU per request, $(python3 -c "print(f'{($s1 - $s0) / $reqs:.2f}')") context switches per request"
    done
  done
  # Pooled: every window's samples, and the CPU time of all windows over their requests.
  for n in "${names[@]}"; do
    cat "$OUT/prof-$n-"[0-9]*.txt > "$OUT/prof-$n.txt"
    cat "$OUT/ticks-$n-"[0-9]*.txt | python3 -c "import sys
t = [l.split() for l in sys.stdin]
print(sum(int(a) - int(b) for a, b, _ in t) / $(getconf CLK_TCK) / sum(int(r) for _, _, r in t) * 1e6)" > "$OUT/cpu-$n.txt"
  done
  exit 0
fi
SECS=${SECS:-30}
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
