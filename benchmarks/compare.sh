#!/usr/bin/env bash
# Compares HttpBenchServer variants side by side, for taking a difference apart (run.sh gives the targets' figures).
# Usage: benchmarks/compare.sh FORKS ROUNDS "name|adapter|variant|jvm options[|classpath file]" ...   (the first is the baseline)
# A fifth field names a file holding another classpath for that variant's library jars (like target/classpath.txt),
# for an A/B of a library change: copy the jars of one build aside, write their paths into a file, rebuild.
# e.g.   benchmarks/compare.sh 2 6 "without|servlet|without|" "with|servlet|with|" \
#            "spin1500|servlet|noop|-Dbench.spinNanos=1500" "no-headers|servlet|no-headers|"
# Each fork starts every variant's server afresh (CPU 1; wrk -t1 -c16 on CPU 0), warms each with WARM_RUNS runs of
# WARM_SECS s (default 5 x 10 s), then runs ROUNDS rounds of 3 s per variant, all variants back to back, order
# reversed every other round. Per variant: median over all rounds of the ratio to the baseline of the same round
# (each fork's median in brackets) for throughput, p99 and server CPU per request (from /proc/PID/stat).
# SHARED=1 starts one server per fork instead, HttpBenchServer ADAPTER shared (with the first variant's JVM options
# and classpath), and drives each variant at /VARIANT/bench/hello of it: the variants then run the same JVM's compiled
# code, and a fork's JIT luck moves them all alike (servlet: without, with, floor, noop, no-headers; jersey: without,
# with, floor; the adapter is the first variant's). Drive the baseline and ONE variant per run: with several filters
# driven in one server, each one's compiled code is shaped by the others' traffic (the floor measured 0.89x beside ours
# and 0.97x alone; see NOTES.md).
# Needs a build with -Pbenchmarks first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
forks=$1; rounds=$2; shift 2
out=$(mktemp -d); rows="$out/rounds.txt"; : > "$rows"
WARM_RUNS=${WARM_RUNS:-5}; WARM_SECS=${WARM_SECS:-10}
srv_cpu=$(( $(nproc) > 1 ? 1 : 0 ))
SHARED=${SHARED:-}
declare -A port pid path
trap 'kill "${pid[@]}" 2>/dev/null || true' EXIT
run_wrk() { # name duration
  taskset -c 0 wrk -t1 -c16 -d$2 --latency -H "X-API-Key: $(cat "$out/key-$1.txt")" "http://127.0.0.1:${port[$1]}${path[$1]}/bench/hello"
}
for fork in $(seq 1 "$forks"); do
  names=(); p=19001
  for spec in "$@"; do
    IFS='|' read -r name adapter variant opts cpfile <<< "$spec"
    vcp="$cp"; [ -n "${cpfile:-}" ] && vcp="$here/target/classes:$(cat "$cpfile")"
    if [ -n "$SHARED" ] && [ ${#names[@]} -gt 0 ]; then
      # Served by the first variant's server.
      first=${names[0]}; pid[$name]=${pid[$first]}; port[$name]=${port[$first]}; path[$name]=/$variant; names+=("$name")
      cp "$out/key-$first.txt" "$out/key-$name.txt"
      continue
    fi
    [ -n "$SHARED" ] && { path[$name]=/$variant; variant=shared; } || path[$name]=
    # shellcheck disable=SC2086
    taskset -c $srv_cpu java -Xms256m -Xmx512m $opts -cp "$vcp" dev.apikey.benchmarks.HttpBenchServer "$adapter" "$variant" $p "$out/key-$name.txt" > "$out/server-$name.log" 2>&1 &
    pid[$name]=$!; port[$name]=$p; names+=("$name"); p=$((p + 1))
    # The key file exists once the server is ready; the other variants of a shared server copy it then.
    for i in $(seq 1 120); do grep -q '^ready' "$out/server-$name.log" && break; sleep 0.5; done
  done
  for n in "${names[@]}"; do
    [ -f "$out/server-$n.log" ] || continue
    grep -q '^ready' "$out/server-$n.log" || { echo "server $n did not start"; cat "$out/server-$n.log"; exit 1; }
  done
  for n in "${names[@]}"; do for i in $(seq 1 "$WARM_RUNS"); do run_wrk "$n" "${WARM_SECS}s" > /dev/null; done; done
  for r in $(seq 1 "$rounds"); do
    order=("${names[@]}")
    if [ $((r % 2)) -eq 0 ]; then mapfile -t order < <(printf '%s\n' "${names[@]}" | tac); fi
    for n in "${order[@]}"; do
      c0=$(awk '{print $14 + $15}' "/proc/${pid[$n]}/stat")
      run_wrk "$n" 3s > "$out/wrk.txt"
      c1=$(awk '{print $14 + $15}' "/proc/${pid[$n]}/stat")
      grep -q 'Non-2xx' "$out/wrk.txt" && { echo "non-2xx answers from $n"; exit 1; }
      echo "$fork $r $n $(awk '/Requests\/sec/ {print $2}' "$out/wrk.txt") $(awk '/^ +99%/ {print $2}' "$out/wrk.txt") $(awk '/requests in/ {print $1}' "$out/wrk.txt") $((c1 - c0)) $(getconf CLK_TCK)" >> "$rows"
    done
  done
  kill "${pid[@]}" 2>/dev/null || true; wait 2>/dev/null || true; pid=()
  echo "fork $fork done"
done
python3 - "$rows" <<'PY'
import collections, statistics as st, sys
def ms(x):
    for unit, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if x.endswith(unit):
            return float(x[:-len(unit)]) * f
by, names = collections.defaultdict(dict), []
for line in open(sys.argv[1]):
    fork, r, n, rps, p99, reqs, ticks, hz = line.split()
    by[(fork, r)][n] = (float(rps), ms(p99), int(ticks) / int(hz) / int(reqs) * 1e6)
    if n not in names:
        names.append(n)
base, forks = names[0], sorted({k[0] for k in by})
for n in names:
    cols = []
    for i, what in ((0, "throughput"), (1, "p99"), (2, "cpu/request")):
        ratio = lambda f=None: st.median(v[n][i] / v[base][i] for k, v in by.items() if f is None or k[0] == f)
        cols.append(f"{what} {ratio():.3f}x ({', '.join(f'{ratio(f):.2f}' for f in forks)})")
    print(f"{n:12s} " + "  ".join(cols))
PY
