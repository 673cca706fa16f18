"""Compares two in-situ profiles of insitu.sh per request: the server's CPU per request by thread group, and the
frames whose inclusive and self time per request differ most. A frame's time per request is its share of the
variant's samples times the variant's measured CPU time per request (itimer samples one kernel tick of CPU time
each). Usage: python3 insitu-diff.py BASE OTHER [ROWS] (names given to insitu.sh; env OUT as there)."""
import collections
import os
import re
import sys

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


def main():
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
