#!/usr/bin/env bash
# Runs every benchmark of issues 8, 27 and 28 end to end and writes results/latest.md (about 40 minutes on 2 cores):
# core JMH with the gc profiler, heap per stored key, HTTP overhead with wrk, the 3-member cluster bench, and the
# JDBC rows on PostgreSQL.
# Usage: [THP=1] benchmarks/run.sh [core] [http] [cluster] [jdbc]   (from anywhere; needs JDK 17+, Maven, python3;
# installs wrk if missing). With no argument every part runs; with some, only those, and the report reuses the raw
# outputs of the other parts from the last run that made them. The jdbc part finds PostgreSQL as apikey-jdbc's
# tests do (APIKEY_JDBC_URL, APIKEY_JDBC_USER, APIKEY_JDBC_PASSWORD); without APIKEY_JDBC_URL it first sources
# .ci/postgres.sh, which starts the local server and creates its role and database (APIKEY_JDBC_USER, APIKEY_JDBC_DB
# and APIKEY_JDBC_PASSWORD_FILE choose them). With no server reachable, the JDBC rows say why and the rest runs.
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

# Checked before the build and the first benchmarks, not minutes into the run.
VERIFY_PAIRS=${VERIFY_PAIRS:-4}
if ! [[ "$VERIFY_PAIRS" =~ ^[1-9][0-9]*$ ]]; then
  echo "VERIFY_PAIRS must be a whole number of at least 1, got '$VERIFY_PAIRS'" >&2
  exit 2
fi
JDBC_PAIRS=${JDBC_PAIRS:-3}
if ! [[ "$JDBC_PAIRS" =~ ^[1-9][0-9]*$ ]]; then
  echo "JDBC_PAIRS must be a whole number of at least 1, got '$JDBC_PAIRS'" >&2
  exit 2
fi
# The HTTP targets compare ours with the floor control, so both get the same number of forks by default.
HTTP_FORKS=${HTTP_FORKS:-3}; FLOOR_FORKS=${FLOOR_FORKS:-$HTTP_FORKS}
if ! [[ "$HTTP_FORKS$FLOOR_FORKS" =~ ^[0-9]+$ ]]; then
  echo "HTTP_FORKS and FLOOR_FORKS must be whole numbers, got '$HTTP_FORKS' and '$FLOOR_FORKS'" >&2
  exit 2
fi
echo "== build (-Pbenchmarks)"
mvn -B -q package -Pbenchmarks -pl benchmarks -am -DskipTests
jar="$here/target/benchmarks.jar"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"

parts=" ${*:-core http cluster jdbc} "
if [[ "$parts" == *" core "* ]]; then
echo "== core JMH (gc profiler)"
java -jar "$jar" 'VerifyBenchmark.(checksumFloor|clockFloor|rejectMalformed|rejectUnknown)$|StoreSizeBenchmark' -prof gc -rf json -rff "$raw/jmh.json" > "$raw/jmh.txt" 2>&1
grep -E '^(Verify|StoreSize)' "$raw/jmh.txt" | grep -v 'gc.count\|gc.time\|alloc.rate ' || true
# The valid-verify target is a ratio of two benchmarks, and one fork of each, a minute apart, gave anything from
# 2.5x to 2.9x on one busy host for the same code (2026-12-04): each fork's JIT and the host's minute move it. So the
# two run in VERIFY_PAIRS pairs of forks back to back (which goes first alternates), and the report takes the median
# of the pairs' ratios and shows their range.
echo "== valid verify vs bare SHA-256: $VERIFY_PAIRS pairs of forks"
rm -f "$raw"/jmh-pair-*
for i in $(seq 1 "$VERIFY_PAIRS"); do
  if [ $((i % 2)) = 1 ]; then order="bareSha256 verifyValid"; else order="verifyValid bareSha256"; fi
  for b in $order; do
    java -jar "$jar" "VerifyBenchmark.$b\$" -prof gc -rf json -rff "$raw/jmh-pair-$i-$b.json" > "$raw/jmh-pair-$i-$b.txt" 2>&1
    grep -E "^VerifyBenchmark.$b " "$raw/jmh-pair-$i-$b.txt" | sed "s/^/pair $i: /" || true
  done
done
# The store-size pass with the heap in transparent huge pages shows how much of the 1M-key cost is page walks
# (a diagnostic row, no target of its own); it takes about 1.5 minutes, so it runs only with THP=1, and a core run
# without it drops the last one's rows rather than report them beside figures from another run.
if [ -n "${THP:-}" ]; then
echo "== store size again, heap in transparent huge pages"
java -jar "$jar" 'StoreSizeBenchmark' -jvmArgsAppend -XX:+UseTransparentHugePages -rf json -rff "$raw/jmh-thp.json" > "$raw/jmh-thp.txt" 2>&1
grep -E '^StoreSize' "$raw/jmh-thp.txt" || true
else
rm -f "$raw/jmh-thp.json" "$raw/jmh-thp.txt"
fi

echo "== heap per stored key (1M keys)"
java -Xms3g -Xmx3g -cp "$jar" dev.apikey.benchmarks.HeapPerKey 1000000 | tee "$raw/heap.txt"

fi

if [[ "$parts" == *" http "* ]]; then
echo "== HTTP overhead (wrk)"
# 2 cores: the server gets CPU 1, wrk gets CPU 0, so neither starves the other. Two JVMs of the very same server,
# warmed alike, differ by up to a tenth in throughput (the JIT's choices differ from run to run), and the machine's
# own speed drifts by a quarter over tens of seconds. So the app without the filter and the app with it are served
# side by side by ONE server JVM (HttpBenchServer ADAPTER shared: each app under the context path of its name), and
# both share that JVM's luck; only those two apps are driven (with several filters driven in one server, each one's
# compiled code is shaped by the others' traffic: see NOTES.md). The comparison is made in many short pairs: each
# round runs both apps back to back (which goes first alternates). The server is started HTTP_FORKS times afresh,
# like JMH's forks; the report takes the median over all rounds of all forks of the with/without ratio, and shows
# each fork's median. The same is done, in FLOOR_FORKS forks (as many as HTTP_FORKS unless given), for the floor
# (benchmarks Floor.java: the contract's minimum, one digest and one map look-up, the two RateLimit headers and the
# principal): the overhead no filter doing the job can go below, and what the HTTP targets judge ours against. Each server is first warmed in alternating 10 s runs of its two
# apps until its JIT has settled: the server prints its compilations (-XX:+PrintCompilation), and warming goes on
# until two runs in a row see at most WARM_QUIET each (a Jersey server needs 70-80 s of load; after a fixed 20 s
# or 45 s warm-up the app with the filter was still compiling and lost up to a third of its throughput to that).
ncpu=$(nproc)
srv_cpu=$(( ncpu > 1 ? 1 : 0 ))
WRK_THREADS=1; WRK_CONNS=16; WRK_DUR=3s; WRK_ROUNDS=${WRK_ROUNDS:-6}
WARM_MIN=${WARM_MIN:-60}; WARM_MAX=${WARM_MAX:-160}; WARM_QUIET=20
echo "wrk -t$WRK_THREADS -c$WRK_CONNS; one server JVM per fork serving the app without and the app with the filter side by side; $HTTP_FORKS forks (the floor control: $FLOOR_FORKS), each server warmed in alternating 10 s runs of its two apps until its JIT compiled at most $WARM_QUIET methods in each of two runs in a row (${WARM_MIN}-${WARM_MAX} s in all), then $WRK_ROUNDS rounds of $WRK_DUR per app back to back" > "$raw/wrk-settings.txt"
rm -f "$raw"/wrk-*-*-*.txt "$raw"/warm-*.txt "$raw"/key-*.txt "$raw"/server-*.log
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT
port=18181
run_wrk() { # app duration outfile
  taskset -c 0 wrk -t$WRK_THREADS -c$WRK_CONNS -d$2 --latency -H "X-API-Key: $key" "http://127.0.0.1:$port/$1/bench/hello" > "$3"
}
for adapter in servlet jersey; do
  for variant in with floor; do
    forks=$HTTP_FORKS; [ $variant = floor ] && forks=$FLOOR_FORKS
    # The baseline's files are named after the variant they are paired with (without_floor for the floor's).
    base=without; [ $variant = floor ] && base=without_floor
    for fork in $(seq 1 $forks); do
      log="$raw/server-$adapter-$variant-$fork.log"
      taskset -c $srv_cpu java -Xms256m -Xmx512m -XX:+PrintCompilation -cp "$cp" dev.apikey.benchmarks.HttpBenchServer $adapter shared $port "$raw/key-$adapter.txt" > "$log" 2>&1 &
      pid=$!
      for i in $(seq 1 120); do grep -q '^ready' "$log" && break; sleep 0.5; done
      grep -q '^ready' "$log" || { echo "server $adapter shared did not start"; cat "$log"; exit 1; }
      key=$(cat "$raw/key-$adapter.txt")
      t=0; quiet=0
      while :; do
        for app in without $variant; do
          before=$(wc -l < "$log")
          run_wrk $app 10s "$raw/warm.tmp"
          after=$(wc -l < "$log")
          t=$((t + 10))
          echo "$t s: $app $(awk '/Requests\/sec/ {print $2}' "$raw/warm.tmp") req/s, $((after - before)) compilations" >> "$raw/warm-$adapter-$variant-$fork.txt"
          if [ $((after - before)) -le $WARM_QUIET ]; then quiet=$((quiet + 1)); else quiet=0; fi
        done
        if [ $t -ge $WARM_MAX ] || { [ $t -ge $WARM_MIN ] && [ $quiet -ge 2 ]; }; then break; fi
      done
      rm -f "$raw/warm.tmp"
      echo "$adapter shared ($variant) fork $fork warmed for ${t}s ($(tail -1 "$raw/warm-$adapter-$variant-$fork.txt"))"
      for r in $(seq 1 $WRK_ROUNDS); do
        if [ $((r % 2)) -eq 1 ]; then order="without $variant"; else order="$variant without"; fi
        for app in $order; do
          name=$app; [ $app = without ] && name=$base
          f="$raw/wrk-$adapter-$name-$fork-$r.txt"
          run_wrk $app $WRK_DUR "$f"
          echo "$adapter $name fork $fork round $r: $(grep -E 'Requests/sec' "$f") p99 $(grep -E '^ +99%' "$f" | awk '{print $2}')"
          if grep -q 'Non-2xx' "$f"; then echo "non-2xx answers: the key was refused"; exit 1; fi
        done
      done
      cleanup; wait "$pid" 2>/dev/null || true; pid=
      port=$((port + 1))
      sleep 1
    done
  done
done

fi

if [[ "$parts" == *" cluster "* ]]; then
echo "== cluster (3 embedded members, loopback)"
java -Xmx2g -cp "$cp" dev.apikey.benchmarks.ClusterBench 1000 2>/dev/null | tee "$raw/cluster.txt"
fi

if [[ "$parts" == *" jdbc "* ]]; then
echo "== JDBC (PostgreSQL)"
rm -f "$raw"/jdbc-* "$raw/jdbc.txt"
# The same server as apikey-jdbc's tests. postgres.sh exits its shell when it cannot start a server (no sudo, no
# package), so it is tried in a subshell first and sourced (for its exports) only if that worked.
if [ -z "${APIKEY_JDBC_URL:-}" ]; then
  if ( . "$root/.ci/postgres.sh" ) > "$raw/jdbc-postgres.log" 2>&1; then
    . "$root/.ci/postgres.sh" > /dev/null
  fi
fi
check=$(java -cp "$cp" dev.apikey.benchmarks.JdbcBench check 2>/dev/null || echo "skipped: JdbcBench check failed")
if [[ "$check" == skipped:* ]]; then
  echo "$check" | tee "$raw/jdbc-skipped.txt"
else
  # The cache-hit target is a ratio of two verifies of a few hundred ns, so it is measured as valid verify is: in
  # JDBC_PAIRS pairs of forks back to back (which goes first alternates); the report takes the median of the pairs'
  # ratios. Both forks of a pair set up both stores (see JdbcCacheBenchmark).
  echo "== cached JdbcKeyStore verify vs InMemoryKeyStore verify: $JDBC_PAIRS pairs of forks"
  # A failure here (the server going away mid-run) skips the JDBC rows with the reason, not the report.
  jdbc_failed() { echo "skipped: $1 failed, see benchmarks/results/raw/$2" | tee "$raw/jdbc-skipped.txt"; }
  for i in $(seq 1 "$JDBC_PAIRS"); do
    if [ $((i % 2)) = 1 ]; then order="verifyInMemory verifyCachedJdbc"; else order="verifyCachedJdbc verifyInMemory"; fi
    for b in $order; do
      if ! java -jar "$jar" "JdbcCacheBenchmark.$b\$" -foe true -prof gc -rf json -rff "$raw/jdbc-pair-$i-$b.json" > "$raw/jdbc-pair-$i-$b.txt" 2>&1; then
        jdbc_failed "JdbcCacheBenchmark.$b" "jdbc-pair-$i-$b.txt"; break 2
      fi
      grep -E "^JdbcCacheBenchmark.$b " "$raw/jdbc-pair-$i-$b.txt" | sed "s/^/pair $i: /" || true
    done
  done
  if [ ! -e "$raw/jdbc-skipped.txt" ]; then
    echo "== cache miss vs bare SELECT, revocation through NOTIFY, admin writes through the MapStore"
    java -Xmx2g -cp "$cp" dev.apikey.benchmarks.JdbcBench 2> "$raw/jdbc.log" | tee "$raw/jdbc.txt" || jdbc_failed JdbcBench jdbc.log
  fi
fi
fi

python3 "$here/report.py" "$raw" "$out/latest.md"
echo "== wrote $out/latest.md"
