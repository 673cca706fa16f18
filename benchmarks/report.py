#!/usr/bin/env python3
"""Turns the raw outputs of run.sh into results/latest.md: figure, value, baseline, ratio, target, met."""
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import datetime, timezone

raw, out = sys.argv[1], sys.argv[2]
rows = []


def row(figure, value, unit, baseline=None, bunit=None, ratio=None, target="", met=None):
    v = f"{value:.1f} {unit}" if isinstance(value, float) else f"{value} {unit}"
    b = "—" if baseline is None else (f"{baseline:.1f} {bunit or unit}" if isinstance(baseline, float) else f"{baseline} {bunit or unit}")
    r = "—" if ratio is None else f"{ratio:.2f}×"
    m = "—" if met is None else ("met" if met else "**not met**")
    rows.append(f"| {figure} | {v} | {b} | {r} | {target} | {m} |")


# ---- JMH
def jmh_results(path):
    """(benchmark class.method, keys param) -> (score, 99.9% error, allocation per op or None, fastest iteration) of a
    JMH JSON file."""
    out = {}
    for r in json.load(open(path)):
        name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
        pm = r["primaryMetric"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {})
        fastest = min(x for fork in pm.get("rawData", [[pm["score"]]]) for x in fork)
        out[(name, r.get("params", {}).get("keys", ""))] = (pm["score"], pm["scoreError"], alloc.get("score"), fastest)
    return out


jmh = jmh_results(os.path.join(raw, "jmh.json"))
# Valid verify and bare SHA-256 in pairs of forks (run.sh VERIFY_PAIRS); a raw directory from before the pairs has
# both in jmh.json, which then counts as one pair.
pairs = {}
for path in glob.glob(os.path.join(raw, "jmh-pair-*-*.json")):
    i = int(re.search(r"jmh-pair-(\d+)-", path).group(1))
    pairs.setdefault(i, {}).update(jmh_results(path))
pairs = [p for _, p in sorted(pairs.items())
         if ("VerifyBenchmark.bareSha256", "1000") in p and ("VerifyBenchmark.verifyValid", "1000") in p]
pairs_note = (f" (valid verify and bare SHA-256: {len(pairs)} pair{'s' if len(pairs) > 1 else ''} of forks, each pair back to back, "
              "which goes first alternating)") if pairs else ""
if not pairs:
    pairs = [jmh]
pair_ratios = [p[("VerifyBenchmark.verifyValid", "1000")][0] / p[("VerifyBenchmark.bareSha256", "1000")][0] for p in pairs]
# The same from each fork's fastest iteration (a second of calls). Interference from the host only ever adds time,
# and on a busy host it can fall on either side of a ratio: on 2026-12-04 the bare SHA-256's forks ran at 65-100 ns
# per iteration while the verify forks held steady, and the ratio of the means said 2.33x where the fastest seconds
# said 2.61x. A ratio target counts as met only when both say so.
fast_ratios = [p[("VerifyBenchmark.verifyValid", "1000")][3] / p[("VerifyBenchmark.bareSha256", "1000")][3] for p in pairs]


def paired(name):
    """The median over the pairs of a paired benchmark's score and allocation, and the largest error of one fork."""
    runs = [p[(name, "1000")] for p in pairs]
    allocs = [r[2] for r in runs if r[2] is not None]
    return (statistics.median(r[0] for r in runs), max(r[1] for r in runs), statistics.median(allocs) if allocs else None,
            min(r[3] for r in runs))


jmh[("VerifyBenchmark.bareSha256", "1000")] = paired("VerifyBenchmark.bareSha256")
jmh[("VerifyBenchmark.verifyValid", "1000")] = paired("VerifyBenchmark.verifyValid")


def j(name, keys="1000"):
    return jmh[(name, keys)]


thp = {}
thp_path = os.path.join(raw, "jmh-thp.json")
if os.path.exists(thp_path):
    for r in json.load(open(thp_path)):
        pm = r["primaryMetric"]
        thp[(r["benchmark"].split(".")[-1], r.get("params", {}).get("keys", ""))] = (pm["score"], pm["scoreError"], None)


sha = j("VerifyBenchmark.bareSha256")
valid = j("VerifyBenchmark.verifyValid")
mal = j("VerifyBenchmark.rejectMalformed")
unk = j("VerifyBenchmark.rejectUnknown")
s1k = j("StoreSizeBenchmark.verifyValid", "1000")
s1m = j("StoreSizeBenchmark.verifyValid", "1000000")
fmt = lambda m: f"{m[0]:.0f} ± {m[1]:.0f}"
rows.append("| **Core (JMH, ns/op ± 99.9% error)** | | | | | |")
# The ratio is the median of the pairs' ratios (each pair: one fork of each, back to back), not the ratio of medians.
vr = statistics.median(pair_ratios)
vf = statistics.median(fast_ratios)
spread = f" ({len(pairs)} pairs of forks: {min(pair_ratios):.2f}-{max(pair_ratios):.2f})" if len(pairs) > 1 else ""
spread += f"; fastest iterations {vf:.2f}×"
rows.append(f"| valid verify (scope check + local rate limit) vs bare SHA-256 of the key{' (medians over the pairs; ± the largest error of one fork)' if len(pairs) > 1 else ''} | {fmt(valid)} ns | {fmt(sha)} ns | {vr:.2f}×{spread} | ≤ 2.5× (both) | {'met' if max(vr, vf) <= 2.5 else '**not met**'} |")
rows.append(f"| malformed key rejection | {fmt(mal)} ns | — | — | ≤ 100 ns | {'met' if mal[0] <= 100 else '**not met**'} |")
rows.append(f"| unknown key rejection vs bare SHA-256 | {fmt(unk)} ns | {fmt(sha)} ns | {unk[0]/sha[0]:.2f}× | (no target) | — |")
if ("VerifyBenchmark.checksumFloor", "1000") in jmh:
    crc = j("VerifyBenchmark.checksumFloor")
    clk = j("VerifyBenchmark.clockFloor")
    floor = sha[0] + crc[0] + clk[0]
    rows.append(f"| floor parts of a valid verify: CRC32 of the key text / one clock read (JDK) | {crc[0]:.0f} / {clk[0]:.0f} ns | {fmt(sha)} ns | {floor/sha[0]:.2f}× (SHA + CRC + clock) | (no target) | — |")
sr, sf = s1m[0] / s1k[0], s1m[3] / s1k[3]
rows.append(f"| verify, 1M-key store vs 1k-key store (1000 keys in rotation), 4 KiB pages | {fmt(s1m)} ns | {fmt(s1k)} ns | {sr:.2f}×; fastest iterations {sf:.2f}× | ≤ 1.2× (both) | {'met' if max(sr, sf) <= 1.2 else '**not met**'} |")
if thp:
    t1k, t1m = thp[("verifyValid", "1000")], thp[("verifyValid", "1000000")]
    rows.append(f"| the same with the heap in transparent huge pages (`-XX:+UseTransparentHugePages`) | {fmt(t1m)} ns | {fmt(t1k)} ns | {t1m[0]/t1k[0]:.2f}× | ≤ 1.2× | {'met' if t1m[0]/t1k[0] <= 1.2 else '**not met**'} |")
if ("StoreSizeBenchmark.bareLookup", "1000") in jmh:
    # The floor of the store-size ratio: what one hash-map look-up and one read of the record found cost more
    # among a million keys, set against the 20% of a 1k-key verify that the target allows for it.
    b1k, b1m = j("StoreSizeBenchmark.bareLookup", "1000"), j("StoreSizeBenchmark.bareLookup", "1000000")
    cells = [f"{fmt(b1m)} / {fmt(b1k)} ns: +{b1m[0] - b1k[0]:.0f} ns = {(b1m[0] - b1k[0]) / s1k[0] * 100:.0f}% of a 1k verify"]
    if ("bareLookup", "1000") in thp:
        tb1k, tb1m = thp[("bareLookup", "1000")], thp[("bareLookup", "1000000")]
        cells.append(f"huge pages {fmt(tb1m)} / {fmt(tb1k)} ns: +{tb1m[0] - tb1k[0]:.0f} ns = {(tb1m[0] - tb1k[0]) / t1k[0] * 100:.0f}%")
    rows.append(f"| floor of the store-size ratio: one look-up in the store's hash map and one read of the record, 1M vs 1k keys (same rotation; each look-up waits for the one before) | {'; '.join(cells)} | — | — | (no target; the 1.2× target leaves 20%) | — |")
rows.append(f"| allocation per valid verify | {valid[2]:.0f} B/op | {sha[2]:.0f} B/op (bare SHA-256) | — | (no target since issue 27) | — |")
rows.append(f"| allocation per malformed / unknown rejection | {mal[2]:.0f} / {unk[2]:.0f} B/op | — | — | (no target) | — |")
heap = float(re.search(r"heapPerKey ([0-9.]+)", open(os.path.join(raw, "heap.txt")).read()).group(1))
rows.append(f"| retained heap per stored key, 1M keys in InMemoryKeyStore | {heap:.0f} B | — | — | ≤ 400 B | {'met' if heap <= 400 else '**not met**'} |")

# ---- wrk
def wrk(path):
    t = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", t).group(1))
    m = re.search(r"^\s+99%\s+([0-9.]+)(us|ms|s)\s*$", t, re.M)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    return rps, p99

settings = open(os.path.join(raw, "wrk-settings.txt")).read().strip()
rows.append(f"| **HTTP overhead, Jetty 12 on 127.0.0.1, {settings}; value and baseline are medians over all rounds, the ratio is the median of the per-round ratios of all forks (each fork's median in brackets)** | | | | | |")


def pairs_of(adapter, variant, base):
    """Per (fork, round): the variant's and its baseline's (req/s, p99 ms), from the same server and round."""
    runs = sorted({tuple(int(x) for x in re.search(r"-(\d+)-(\d+)\.txt$", p).groups())
                   for p in glob.glob(os.path.join(raw, f"wrk-{adapter}-{variant}-*-*.txt"))})
    return {run: (wrk(os.path.join(raw, f"wrk-{adapter}-{variant}-{run[0]}-{run[1]}.txt")),
                  wrk(os.path.join(raw, f"wrk-{adapter}-{base}-{run[0]}-{run[1]}.txt"))) for run in runs}


def compared(pairs):
    """Medians of both sides, the median per-round ratio and each fork's, for throughput (0) and p99 (1)."""
    forks = sorted({run[0] for run in pairs})
    def ratios(i, of):
        return [p[0][i] / p[1][i] for run, p in pairs.items() if of is None or run[0] == of]
    out = []
    for i in (0, 1):
        per_fork = ", ".join(f"{statistics.median(ratios(i, f)):.2f}" for f in forks)
        out.append((statistics.median(p[0][i] for p in pairs.values()), statistics.median(p[1][i] for p in pairs.values()),
                    statistics.median(ratios(i, None)), per_fork))
    return out


for adapter, label in (("servlet", "servlet + ApiKeyFilter (web.xml)"), ("jersey", "Jersey resource + ApiKeyFeature")):
    ours = pairs_of(adapter, "with", "without")
    floor = pairs_of(adapter, "floor", "without_floor")
    if ours:
        (w_rps, o_rps, tr, tf), (w_p99, o_p99, lr, lf) = compared(ours)
        rows.append(f"| {label} vs without: throughput; p99 | {w_rps:.0f} req/s; {w_p99:.2f} ms | {o_rps:.0f} req/s; {o_p99:.2f} ms | {tr:.2f}× ({tf}); {lr:.2f}× ({lf}) | (judged against the floor, below) | — |")
    if floor:
        (fw_rps, fo_rps, ftr, ftf), (fw_p99, fo_p99, flr, flf) = compared(floor)
        rows.append(f"| control, {adapter}: the floor filter (benchmarks `Floor.java`: the contract's minimum) vs without: throughput; p99 | {fw_rps:.0f} req/s; {fw_p99:.2f} ms | {fo_rps:.0f} req/s; {fo_p99:.2f} ms | {ftr:.2f}× ({ftf}); {flr:.2f}× ({flf}) | (control) | — |")
    if not ours or not floor:
        rows.append(f"| {label}: throughput and p99 against the floor's | not measured in this run | | | ≥ 0.97×, ≤ 1.05× | **not measured** |")
        continue
    # Issue 27's targets: ours' ratio to its baseline against the floor's ratio to its own, both from this run.
    rows.append(f"| {label}: throughput ratio against the floor's | {tr:.2f}× | {ftr:.2f}× | {tr / ftr:.2f}× | ≥ 0.97× | {'met' if tr / ftr >= 0.97 else '**not met**'} |")
    rows.append(f"| {label}: p99 ratio against the floor's | {lr:.2f}× | {flr:.2f}× | {lr / flr:.2f}× | ≤ 1.05× | {'met' if lr / flr <= 1.05 else '**not met**'} |")

# ---- cluster
def kv(path):
    """name -> value of a file of `name value` lines (ClusterBench, JdbcBench)."""
    out = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            try:
                out[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return out


c = kv(os.path.join(raw, "cluster.txt"))
rows.append("| **Cluster: 3 embedded Hazelcast members, one JVM, loopback** | | | | | |")
rows.append(f"| revocation propagation p50 / p99 over {int(c['revocation.count'])} revocations | {c['revocation.p50.ms']:.1f} / {c['revocation.p99.ms']:.1f} ms | — | — | p99 ≤ 50 ms | {'met' if c['revocation.p99.ms'] <= 50 else '**not met**'} |")
rows.append(f"| exact mode p50 (p99) vs bare EntryProcessor round trip | {c['exact.p50.us']:.0f} ({c['exact.p99.us']:.0f}) µs | {c['bare.p50.us']:.0f} ({c['bare.p99.us']:.0f}) µs | {c['exact.p50.us']/c['bare.p50.us']:.2f}× | ≤ 1.2× | {'met' if c['exact.p50.us']/c['bare.p50.us'] <= 1.2 else '**not met**'} |")
rows.append(f"| lease mode throughput vs exact mode (4 threads) | {c['lease.ops']:.0f} ops/s | {c['exact.ops']:.0f} ops/s | {c['lease.ops']/c['exact.ops']:.1f}× | ≥ 20× | {'met' if c['lease.ops']/c['exact.ops'] >= 20 else '**not met**'} |")
rows.append(f"| lease mode over-admission, 100/1s from 3 members for 2 s | {c['lease.over.pct']:.1f} % ({int(c['lease.admitted'])} admitted) | {int(c['lease.allowed'])} (exact bound) | — | ≤ 2 % | {'met' if c['lease.over.pct'] <= 2 else '**not met**'} |")
rows.append(f"| lease mode p50 (p99) | {c['lease.p50.us']:.1f} ({c['lease.p99.us']:.0f}) µs | — | — | (no target) | — |")
rows.append(f"| exact mode throughput; over-admission | {c['exact.ops']:.0f} ops/s; {c['exact.over.pct']:.1f} % ({int(c['exact.admitted'])} admitted) | {c['bare.ops']:.0f} ops/s (bare EP) | {c['exact.ops']/c['bare.ops']:.2f}× | (no target) | — |")
rows.append(f"| Bucket4j HazelcastProxyManager (entry processor): p50 (p99); throughput; over-admission | {c['bucket4j.p50.us']:.0f} ({c['bucket4j.p99.us']:.0f}) µs; {c['bucket4j.ops']:.0f} ops/s; {c['bucket4j.over.pct']:.1f} % ({int(c['bucket4j.admitted'])} admitted) | {c['bare.p50.us']:.0f} µs; {c['bare.ops']:.0f} ops/s (bare EP) | {c['bucket4j.p50.us']/c['bare.p50.us']:.2f}× (p50) | (comparison) | — |")


# ---- JDBC (run.sh jdbc): PostgreSQL on this host, or rows that say why not
jdbc_figures = [
    ("valid verify, JdbcKeyStore behind its per-node cache (a hit) vs InMemoryKeyStore", "≤ 1.1× (both)"),
    ("valid verify on a cache miss vs a bare `SELECT` of the row by primary key, same HikariCP pool: p50; p99", "(no target)"),
    ("revocation between two nodes through NOTIFY (two caching JdbcKeyStores, a pool each): from node A's revoke returning to node B refusing, p50 / p99", "p99 ≤ 100 ms"),
    ("admin write on 3 Hazelcast members, registry backed by JdbcKeyStore (MapStore, write-through) vs the same cluster without: issue, p50 (p99)", "(measured)"),
    ("the same: revoke, p50 (p99)", "(measured)"),
]
rows.append("| **JDBC: PostgreSQL (`run.sh jdbc`; the server apikey-jdbc's tests use)** | | | | | |")
jdbc_skipped = os.path.join(raw, "jdbc-skipped.txt")
jdbc_txt = os.path.join(raw, "jdbc.txt")
jdbc_pairs = {}
for path in glob.glob(os.path.join(raw, "jdbc-pair-*-*.json")):
    i = int(re.search(r"jdbc-pair-(\d+)-", path).group(1))
    jdbc_pairs.setdefault(i, {}).update(jmh_results(path))
hit_name, base_name = ("JdbcCacheBenchmark.verifyCachedJdbc", ""), ("JdbcCacheBenchmark.verifyInMemory", "")
jdbc_pairs = [p for _, p in sorted(jdbc_pairs.items()) if hit_name in p and base_name in p]
if os.path.exists(jdbc_skipped) or not os.path.exists(jdbc_txt) or not jdbc_pairs:
    # One row for all of them: what they are, and why none was measured.
    why = open(jdbc_skipped).read().strip() if os.path.exists(jdbc_skipped) else "not measured in this run"
    rows.append(f"| the JDBC rows: verify on a cache hit vs InMemoryKeyStore, on a miss vs a bare `SELECT`, revocation through NOTIFY, admin writes through the MapStore | {why} | | | ≤ 1.1×; p99 ≤ 100 ms | **not measured** |")
else:
    hit_ratios = [p[hit_name][0] / p[base_name][0] for p in jdbc_pairs]
    hit_fast = [p[hit_name][3] / p[base_name][3] for p in jdbc_pairs]
    hit = (statistics.median(p[hit_name][0] for p in jdbc_pairs), max(p[hit_name][1] for p in jdbc_pairs))
    mem = (statistics.median(p[base_name][0] for p in jdbc_pairs), max(p[base_name][1] for p in jdbc_pairs))
    hr, hf = statistics.median(hit_ratios), statistics.median(hit_fast)
    n = len(jdbc_pairs)
    spread = f" ({n} pairs of forks: {min(hit_ratios):.2f}-{max(hit_ratios):.2f})" if n > 1 else ""
    figure, target = jdbc_figures[0]
    rows.append(f"| {figure} (medians over {n} pair{'s' if n > 1 else ''} of forks, each pair back to back, which goes first alternating; ± the largest error of one fork) | {fmt(hit)} ns | {fmt(mem)} ns | {hr:.2f}×{spread}; fastest iterations {hf:.2f}× | {target} | {'met' if max(hr, hf) <= 1.1 else '**not met**'} |")
    d = kv(jdbc_txt)
    us = lambda x: f"{x:.0f} µs" if x >= 100 else f"{x:.1f} µs"
    figure, target = jdbc_figures[1]
    rows.append(f"| {figure} | {us(d['miss.p50.us'])}; {us(d['miss.p99.us'])} | {us(d['select.p50.us'])}; {us(d['select.p99.us'])} | {d['miss.p50.us'] / d['select.p50.us']:.2f}×; {d['miss.p99.us'] / d['select.p99.us']:.2f}× | {target} | — |")
    figure, target = jdbc_figures[2]
    p99 = d["notify.p99.us"] / 1000
    rows.append(f"| {figure}, over {int(d['notify.count'])} revocations | {d['notify.p50.us'] / 1000:.1f} / {p99:.1f} ms | — | — | {target} | {'met' if p99 <= 100 else '**not met**'} |")
    for (figure, target), op in zip(jdbc_figures[3:], ("issue", "revoke")):
        w, o = f"write.{op}.store", f"write.{op}.plain"
        rows.append(f"| {figure} | {d[w + '.p50.us'] / 1000:.1f} ({d[w + '.p99.us'] / 1000:.1f}) ms | {d[o + '.p50.us'] / 1000:.1f} ({d[o + '.p99.us'] / 1000:.1f}) ms | {d[w + '.p50.us'] / d[o + '.p50.us']:.2f}× (p50); {d[w + '.p99.us'] / d[o + '.p99.us']:.2f}× (p99) | {target} | — |")

cpu = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
jdk = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"]
with open(out, "w") as f:
    f.write("# Benchmark results\n\n")
    f.write(f"Run {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} with `benchmarks/run.sh`.")
    # run.sh with some parts only reuses the other parts' raw outputs: say when each part was measured.
    def finished(pattern):
        files = glob.glob(os.path.join(raw, pattern))
        return datetime.fromtimestamp(max(map(os.path.getmtime, files)), timezone.utc).strftime('%Y-%m-%d %H:%M UTC') if files else None
    when = {part: w for part, w in (("core", finished("heap.txt")), ("HTTP", finished("wrk-*-*-*.txt")),
                                    ("cluster", finished("cluster.txt")), ("JDBC", finished("jdbc*.txt"))) if w}
    # Always said: a part rerun alone within the same hour (run.sh core, say) is otherwise indistinguishable.
    f.write(" Each part finished: " + ", ".join(f"{p} {w}" for p, w in when.items()) + ".")
    f.write("\n\n")
    f.write(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; JDK: {jdk[1] if len(jdk) > 1 else jdk[0]}; "
            f"load average at the end: {' '.join(load)} (the machine is shared, so every target is a ratio against a "
            "baseline measured in the same run).\n\n")
    f.write("| figure | value | baseline (same run) | ratio | target | met |\n|---|---|---|---|---|---|\n")
    f.write("\n".join(rows) + "\n\n")
    f.write(f"JMH: 1 fork per benchmark{pairs_note}, 5×2 s warm-up, 8×1 s measurement (store size: 5×2 s, 8×2 s, 3 GB heap, System.gc() after the setup), `-prof gc`; "
            "a ratio target marked (both) is met only if the ratio of the means and the ratio of the fastest iterations (each fork's least disturbed second) both meet it; "
            "auditing off (`AuditSink.NONE`), failure throttle off. Raw outputs are written to `benchmarks/results/raw/`.\n")
