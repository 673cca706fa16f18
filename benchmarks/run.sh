#!/usr/bin/env bash
# Runs every benchmark of issue 8 end to end and writes results/latest.md (about 10 minutes on 2 cores):
# core JMH with the gc profiler, heap per stored key, HTTP overhead with wrk, and the 3-member cluster bench.
# Usage: benchmarks/run.sh   (from anywhere; needs JDK 17+, Maven, python3; installs wrk if missing)
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

echo "== core JMH (gc profiler)"
java -jar "$jar" 'VerifyBenchmark|StoreSizeBenchmark' -prof gc -rf json -rff "$raw/jmh.json" > "$raw/jmh.txt" 2>&1
grep -E '^(Verify|StoreSize)' "$raw/jmh.txt" | grep -v 'gc.count\|gc.time\|alloc.rate ' || true

echo "== heap per stored key (1M keys)"
java -Xms3g -Xmx3g -cp "$jar" dev.apikey.benchmarks.HeapPerKey 1000000 | tee "$raw/heap.txt"

echo "== HTTP overhead (wrk)"
# 2 cores: the servers get CPU 1, wrk gets CPU 0, so neither starves the other.
ncpu=$(nproc)
srv_cpu=$(( ncpu > 1 ? 1 : 0 ))
WRK_THREADS=1; WRK_CONNS=16; WRK_WARM=20s; WRK_DUR=10s; WRK_ROUNDS=3
echo "wrk -t$WRK_THREADS -c$WRK_CONNS, warm-up $WRK_WARM per server, $WRK_ROUNDS alternating rounds of $WRK_DUR" > "$raw/wrk-settings.txt"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
port=18181
declare -A ports
for adapter in servlet jersey; do
  for variant in without with; do
    ports[$adapter-$variant]=$port
    taskset -c $srv_cpu java -Xms256m -Xmx512m -cp "$cp" dev.apikey.benchmarks.HttpBenchServer $adapter $variant $port "$raw/key-$adapter-$variant.txt" > "$raw/server-$adapter-$variant.log" 2>&1 &
    pids+=($!)
    port=$((port + 1))
  done
done
for adapter in servlet jersey; do
  for variant in without with; do
    for i in $(seq 1 120); do grep -q '^ready' "$raw/server-$adapter-$variant.log" && break; sleep 0.5; done
    grep -q '^ready' "$raw/server-$adapter-$variant.log" || { echo "server $adapter $variant did not start"; cat "$raw/server-$adapter-$variant.log"; exit 1; }
  done
done
run_wrk() { # adapter variant duration outfile
  local key; key=$(cat "$raw/key-$1-$2.txt")
  taskset -c 0 wrk -t$WRK_THREADS -c$WRK_CONNS -d$3 --latency -H "X-API-Key: $key" "http://127.0.0.1:${ports[$1-$2]}/bench/hello" > "$4"
}
for adapter in servlet jersey; do
  for variant in without with; do run_wrk $adapter $variant $WRK_WARM /dev/null; done
  for r in $(seq 1 $WRK_ROUNDS); do
    for variant in without with; do
      run_wrk $adapter $variant $WRK_DUR "$raw/wrk-$adapter-$variant-$r.txt"
      echo "$adapter $variant round $r: $(grep -E 'Requests/sec' "$raw/wrk-$adapter-$variant-$r.txt") p99 $(grep -E '^ +99%' "$raw/wrk-$adapter-$variant-$r.txt" | awk '{print $2}')"
      if grep -q 'Non-2xx' "$raw/wrk-$adapter-$variant-$r.txt"; then echo "non-2xx answers: the key was refused"; exit 1; fi
    done
  done
done
cleanup; pids=()

echo "== cluster (3 embedded members, loopback)"
java -Xmx2g -cp "$cp" dev.apikey.benchmarks.ClusterBench 1000 2>/dev/null | tee "$raw/cluster.txt"

python3 "$here/report.py" "$raw" "$out/latest.md"
echo "== wrote $out/latest.md"
