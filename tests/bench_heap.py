#!/usr/bin/env python3
"""Heap benchmark (`make bench` runs it): kernel/mm/heap.c's kmalloc/kfree against
glibc's malloc/free, side by side in one process (tests/bench_heap.c says how).

heap.c is compiled -O2 as the kernel compiles it (freestanding, general registers
only, frame pointers) three times: as `make` builds it (canaries in a block's
slack), as `make RELEASE=1` builds it (-DHEAP_CANARIES=0: no canaries) and with
-DHEAP_REDZONE=1 (at least one red-zone byte in every block, so exact fits take
the next class). The table gives operations per second (allocations and frees;
best of --reps runs, interleaved with glibc's) and the ratio for each build, and
memory at the peak (the release build's is the default build's):
  overhead  (bytes held - bytes requested) / bytes requested: ours counts every
            page it holds (slabs, large pages, bookkeeping); glibc, the arena and
            mmapped bytes it holds (mallinfo2) above what it held before;
  bookkeeping  metadata bytes per byte handed out: ours, its metadata pages over
            the bytes of the blocks it handed out; glibc, 8 bytes of chunk header
            over malloc_usable_size.
Exit status is non-zero only if something failed to build or run.

usage: tests/bench_heap.py [--reps N] [--scale PERCENT] [--quick]
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench" / "heap"
CC = "gcc"
HEAP_FLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-Wshadow",
              "-Wstrict-prototypes", "-Wmissing-prototypes", "-ffreestanding", "-fno-builtin",
              "-fno-tree-loop-distribute-patterns", "-mno-red-zone", "-mgeneral-regs-only",
              "-fno-omit-frame-pointer"]
BENCH_FLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-fno-plt"]
VARIANTS = {"shipped": [], "release": ["-DHEAP_CANARIES=0"], "redzone1": ["-DHEAP_REDZONE=1"]}


def run(cmd):
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n"
                 f"{done.stdout}{done.stderr}")
    return done.stdout


def build(variant):
    OUT.mkdir(parents=True, exist_ok=True)
    obj, exe = OUT / f"heap-{variant}.o", OUT / f"bench_heap-{variant}"
    run([CC, *HEAP_FLAGS, *VARIANTS[variant], "-c", "kernel/mm/heap.c", "-o", obj])
    run([CC, *BENCH_FLAGS, "-o", exe, "tests/bench_heap.c", obj])
    return exe


def measure(exe, reps, scale):
    rows = {}
    for line in run([exe, str(reps), str(scale)]).splitlines():
        name, *pairs = line.split()
        rows[name] = {k: float(v) for k, v in (p.split("=") for p in pairs)}
    if not rows:
        sys.exit(f"{exe} printed nothing")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--scale", type=int, default=100, help="workload length, percent")
    ap.add_argument("--quick", action="store_true", help="--reps 2 --scale 25")
    args = ap.parse_args()
    if args.quick:
        args.reps, args.scale = 2, 25

    exes = {v: build(v) for v in VARIANTS}
    ours = measure(exes["shipped"], args.reps, args.scale)
    rel = measure(exes["release"], args.reps, args.scale)
    rz1 = measure(exes["redzone1"], args.reps, args.scale)

    def ratio(rows, name):
        r = rows.get(name)
        return r["ours_ops_s"] / r["glibc_ops_s"] if r else float("nan")

    print(f"heap benchmark: best of {args.reps}, ops = allocations + frees; "
          "memory at the peak (see tests/bench_heap.py)")
    print(f"{'':11}{'Mops/s':>17}{'ours/glibc':>27}{'overhead':>24}{'bookkeeping':>16}")
    print(f"{'workload':11}{'ours':>8}{'glibc':>9}{'make':>9}{'release':>9}{'rz=1':>8}  "
          f"{'ours':>7}{'rz=1':>7}{'glibc':>8}  {'ours':>7}{'glibc':>8}")
    for name, r in ours.items():
        over1 = rz1.get(name, {}).get("ours_over", float("nan"))
        print(f"{name:11}{r['ours_ops_s'] / 1e6:8.1f}{r['glibc_ops_s'] / 1e6:9.1f}"
              f"{ratio(ours, name):9.2f}{ratio(rel, name):9.2f}{ratio(rz1, name):8.2f}  "
              f"{r['ours_over']:7.1%}{over1:7.1%}"
              f"{r['glibc_over']:8.1%}  {r['ours_book']:7.2%}{r['glibc_book']:8.2%}")
    print("fixed sizes are exact fits, which have no red zone: both builds run the same code "
          "there, and their difference is run-to-run noise")
    small = [n for n in ours if re.fullmatch(r"fixed-(16|32|64|128|256|512)|mixed|fifo", n)]
    for label, rows in (("make", ours), ("make RELEASE=1", rel)):
        got = [ratio(rows, n) for n in small]
        if got:
            print(f"small sizes (fixed 16-512, mixed, fifo), {label}: ours/glibc "
                  f"{min(got):.2f} to {max(got):.2f}"
                  f"{'' if min(got) >= 1 else ' (target: at or above 1.00; not met)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
