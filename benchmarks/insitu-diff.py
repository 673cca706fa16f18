"""Compares two in-situ profiles of insitu.sh per request: the server's CPU per request by thread group, and the
frames whose inclusive and self time per request differ most. A frame's time per request is its share of the
variant's samples times the variant's measured CPU time per request (itimer samples one kernel tick of CPU time
each). Usage: python3 insitu-diff.py BASE OTHER [ROWS] (names given to insitu.sh; env OUT as there).

python3 insitu-diff.py --rest FRAME BASE OTHER: for insitu.sh SHARED=1 output, OTHER against BASE: the throughput ratio
(all windows' wrk totals), the server CPU per request of both, and how much of the difference is in FRAME's own frames
and how much in the rest of the request (and of that, in the kernel's writev).

python3 insitu-diff.py --own FRAME NAME...: the share of each variant's server CPU spent in FRAME's own frames, that
is under FRAME but not in the filter chain below it (FRAME: a substring of the filter's doFilter frame, e.g.
servlet/ApiKeyFilter.doFilter), per profiled window (insitu.sh SHARED=1 profiles several) and pooled. A share
is steadier than a time: a busy host slows the filter and the rest of the request alike, and moves the time by
more than a code change does."""
import collections
import glob
import os
import re
import sys

# Frames of the chain below a servlet filter: what the filter calls on, not what it does itself.
CHAIN = ("ServletHandler$Chain.doFilter", "ServletHandler$ChainEnd.doFilter", "FilterChain", "BenchServlet")

OUT = os.environ.get("OUT", "/tmp/insitu")


def load(name):
    cpu = float(open(f"{OUT}/cpu-{name}.txt").read())
    own, incl, groups, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for line in open(f"{OUT}/prof-{name}.txt"):
        stack, _, n = line.rstrip().rpartition(" ")
        n = int(n)
        frames = stack.split(";")
        total += n
        thread = frames[0]
        groups["gc" if re.search(r"GC|G1", thread) else "jit" if "Compiler" in thread
               else "jetty pool" if "qtp" in thread else "other"] += n
        own[frames[-1]] += n
        for f in set(frames[1:]):
            incl[f] += n
    return cpu / total, total, own, incl, groups


def own_share(path, frame):
    """(samples in FRAME's own frames, all samples) of one collapsed profile."""
    own = total = 0
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(" ")
        n = int(n)
        total += n
        frames = stack.split(";")
        at = next((i for i, f in enumerate(frames) if frame in f), None)
        if at is not None and not any(c in f for f in frames[at + 1:] for c in CHAIN):
            own += n
    return own, total


def own(frame, names):
    for name in names:
        windows = sorted(glob.glob(f"{OUT}/prof-{name}-[0-9]*.txt"), key=lambda p: int(p.rsplit("-", 1)[1][:-4]))
        shares = []
        for w in windows:
            o, t = own_share(w, frame)
            shares.append(100 * o / t)
        o, t = own_share(f"{OUT}/prof-{name}.txt", frame)
        cpu = float(open(f"{OUT}/cpu-{name}.txt").read())
        print(f"{name}: {100 * o / t:.2f}% of server CPU in own frames ({o / t * cpu:.2f} us of {cpu:.2f} us per request)"
              + (f"; per window: {', '.join(f'{x:.2f}%' for x in shares)}" if shares else ""))


def rest(frame, base, other):
    def rate(name):
        requests = seconds = 0
        for f in glob.glob(f"{OUT}/wrk-{name}-[0-9]*.txt"):
            m = re.search(r"(\d+) requests in ([\d.]+)(m?s)", open(f).read())
            requests += int(m.group(1))
            seconds += float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
        return requests / seconds

    def writev(name):
        total = w = 0
        for line in open(f"{OUT}/prof-{name}.txt"):
            stack, _, n = line.rstrip().rpartition(" ")
            total += int(n)
            w += int(n) if stack.rsplit(";", 1)[-1] == "writev" else 0
        return w / total * float(open(f"{OUT}/cpu-{name}.txt").read())

    c0, c1 = (float(open(f"{OUT}/cpu-{n}.txt").read()) for n in (base, other))
    o, t = own_share(f"{OUT}/prof-{other}.txt", frame)
    own_us = o / t * c1
    print(f"{other} against {base}: throughput {rate(other) / rate(base):.3f}x; server CPU per request {c0:.2f} -> {c1:.2f} us"
          f" ({c1 - c0:+.2f}): own frames {own_us:.2f}, the rest of the request {c1 - c0 - own_us:+.2f}"
          f" (writev {writev(other) - writev(base):+.2f})")


def main():
    if sys.argv[1] == "--rest":
        rest(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if sys.argv[1] == "--own":
        own(sys.argv[2], sys.argv[3:])
        return
    a, b = sys.argv[1], sys.argv[2]
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    A, B = load(a), load(b)

    def per(samples, us_per_sample):
        return samples * us_per_sample

    print(f"server CPU per request (us): {a} {per(A[1], A[0]):.2f}, {b} {per(B[1], B[0]):.2f}")
    for g in sorted(set(A[4]) | set(B[4])):
        print(f"  {g:12s} {per(A[4][g], A[0]):8.3f} {per(B[4][g], B[0]):8.3f}  {per(B[4][g], B[0]) - per(A[4][g], A[0]):+.3f}")
    for title, i in (("inclusive", 3), ("self", 2)):
        print(f"{title}, largest differences ({a}, {b}, difference):")
        keys = sorted(set(A[i]) | set(B[i]), key=lambda k: per(A[i][k], A[0]) - per(B[i][k], B[0]))
        for k in keys[:rows]:
            print(f"  {per(A[i][k], A[0]):8.3f} {per(B[i][k], B[0]):8.3f} {per(B[i][k], B[0]) - per(A[i][k], A[0]):+.3f}  {k[:140]}")


if __name__ == "__main__":
    main()
