#!/usr/bin/env bash
# Runs every benchmark of issue 8 end to end and writes results/latest.md (about 25 minutes on 2 cores):
# core JMH with the gc profiler, heap per stored key, HTTP overhead with wrk, and the 3-member cluster bench.
# Usage: benchmarks/run.sh [core] [http] [cluster]   (from anywhere; needs JDK 17+, Maven, python3; installs wrk
# if missing). With no argument every part runs; with some, only those, and the report reuses the raw outputs
# of the other parts from the last run that made them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/results"
raw="$out/raw"
mkdir -p "$raw"
cd "$root"

if ! command -v wrk >/dev/null; then
  echo "installing wrk"
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi

echo "== build (-Pbenchmarks)"
mvn -B -q package -Pbenchmarks -pl benchmarks -am -DskipTests
jar="$here/target/benchmarks.jar"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"

parts=" ${*:-core http cluster} "
if [[ "$parts" == *" core "* ]]; then
echo "== core JMH (gc profiler)"
java -jar "$jar" 'VerifyBenchmark|StoreSizeBenchmark' -prof gc -rf json -rff "$raw/jmh.json" > "$raw/jmh.txt" 2>&1
grep -E '^(Verify|StoreSize)' "$raw/jmh.txt" | grep -v 'gc.count\|gc.time\|alloc.rate ' || true
echo "== store size again, heap in transparent huge pages"
java -jar "$jar" 'StoreSizeBenchmark' -jvmArgsAppend -XX:+UseTransparentHugePages -rf json -rff "$raw/jmh-thp.json" > "$raw/jmh-thp.txt" 2>&1
grep -E '^StoreSize' "$raw/jmh-thp.txt" || true

echo "== heap per stored key (1M keys)"
java -Xms3g -Xmx3g -cp "$jar" dev.apikey.benchmarks.HeapPerKey 1000000 | tee "$raw/heap.txt"

fi

if [[ "$parts" == *" http "* ]]; then
echo "== HTTP overhead (wrk)"
# 2 cores: the servers get CPU 1, wrk gets CPU 0, so neither starves the other. One adapter at a time: only its
# two servers (with and without the filter) are alive. Each is first warmed until its JIT has settled: the servers
# print their compilations (-XX:+PrintCompilation) and warming goes on in 10 s runs until one run sees at most 20
# (a Jersey server here needs 70-80 s; after a fixed 20 s or 45 s warm-up the variant with the filter was still
# compiling and lost up to a third of its throughput to that). The machine's own speed drifts by a quarter over
# tens of seconds, so the comparison is made in many short pairs: each round runs both variants back to back
# (which goes first alternates). And two JVMs of the very same server, warmed alike, differ by up to a tenth in
# throughput (the JIT's choices differ from run to run): so the pair of servers is started HTTP_FORKS times
# afresh, like JMH's forks, and the report takes the median over all rounds of all forks of the with/without
# ratio, and shows each fork's median.
ncpu=$(nproc)
srv_cpu=$(( ncpu > 1 ? 1 : 0 ))
HTTP_FORKS=3; WRK_THREADS=1; WRK_CONNS=16; WRK_DUR=3s; WRK_ROUNDS=6; WARM_MIN=40; WARM_MAX=100; WARM_QUIET=20
echo "wrk -t$WRK_THREADS -c$WRK_CONNS; $HTTP_FORKS forks (a fresh pair of server JVMs each), each server warmed in 10 s runs until its JIT compiled at most $WARM_QUIET methods in one (${WARM_MIN}-${WARM_MAX} s), then $WRK_ROUNDS rounds of $WRK_DUR per variant back to back" > "$raw/wrk-settings.txt"
rm -f "$raw"/wrk-*-*-*.txt "$raw"/warm-*.txt
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
declare -A ports
run_wrk() { # adapter variant duration outfile
  local key; key=$(cat "$raw/key-$1-$2.txt")
  taskset -c 0 wrk -t$WRK_THREADS -c$WRK_CONNS -d$3 --latency -H "X-API-Key: $key" "http://127.0.0.1:${ports[$1-$2]}/bench/hello" > "$4"
}
warm() { # adapter variant fork: 10 s runs until the server's JIT is quiet
  local log="$raw/server-$1-$2.log" t=0 before after
  while :; do
    before=$(wc -l < "$log")
    run_wrk $1 $2 10s "$raw/warm.tmp"
    after=$(wc -l < "$log")
    t=$((t + 10))
    echo "$t s: $(awk '/Requests\/sec/ {print $2}' "$raw/warm.tmp") req/s, $((after - before)) compilations" >> "$raw/warm-$1-$2-$3.txt"
    if [ $t -ge $WARM_MAX ] || { [ $t -ge $WARM_MIN ] && [ $((after - before)) -le $WARM_QUIET ]; }; then break; fi
  done
  rm -f "$raw/warm.tmp"
  echo "$1 $2 fork $3 warmed for ${t}s ($(tail -1 "$raw/warm-$1-$2-$3.txt"))"
}
port=18181
for adapter in servlet jersey; do
  for fork in $(seq 1 $HTTP_FORKS); do
    for variant in without with; do
      ports[$adapter-$variant]=$port
      taskset -c $srv_cpu java -Xms256m -Xmx512m -XX:+PrintCompilation -cp "$cp" dev.apikey.benchmarks.HttpBenchServer $adapter $variant $port "$raw/key-$adapter-$variant.txt" > "$raw/server-$adapter-$variant.log" 2>&1 &
      pids+=($!)
      port=$((port + 1))
    done
    for variant in without with; do
      for i in $(seq 1 120); do grep -q '^ready' "$raw/server-$adapter-$variant.log" && break; sleep 0.5; done
      grep -q '^ready' "$raw/server-$adapter-$variant.log" || { echo "server $adapter $variant did not start"; cat "$raw/server-$adapter-$variant.log"; exit 1; }
    done
    for variant in without with; do warm $adapter $variant $fork; done
    for r in $(seq 1 $WRK_ROUNDS); do
      if [ $((r % 2)) -eq 1 ]; then order="without with"; else order="with without"; fi
      for variant in $order; do
        f="$raw/wrk-$adapter-$variant-$fork-$r.txt"
        run_wrk $adapter $variant $WRK_DUR "$f"
        echo "$adapter $variant fork $fork round $r: $(grep -E 'Requests/sec' "$f") p99 $(grep -E '^ +99%' "$f" | awk '{print $2}')"
        if grep -q 'Non-2xx' "$f"; then echo "non-2xx answers: the key was refused"; exit 1; fi
      done
    done
    cleanup; pids=()
    sleep 1
  done
done

fi

if [[ "$parts" == *" cluster "* ]]; then
echo "== cluster (3 embedded members, loopback)"
java -Xmx2g -cp "$cp" dev.apikey.benchmarks.ClusterBench 1000 2>/dev/null | tee "$raw/cluster.txt"
fi

python3 "$here/report.py" "$raw" "$out/latest.md"
echo "== wrote $out/latest.md"
