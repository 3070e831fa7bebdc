#!/usr/bin/env python3
"""Scheduler benchmark (`make bench`): the test kernel's sched_bench scenario
(kernel/test/sched_scenarios.c), booted RUNS times under QEMU TCG. Each boot
measures, in TSC cycles, 2000 of each:
  hand-off   two tasks ping-ponging through a wait queue (wake the other, sleep):
             the context-switch path as a blocking wake-up uses it;
  yield      yield() to another ready task: one switch;
  timer      the timer interrupt taken while a task spins (entry, tick, EOI, exit).
Prints each boot's median and 99th percentile, and the median of those over the
boots. The user-space issue compares the same paths with Linux in the same QEMU."""

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE = ROOT / "build" / "test" / "hdd.img"
RUNS = 5
QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-m", "128M", "-nic", "none", "-no-reboot",
        "-display", "none", "-serial", "none", "-monitor", "none", "-debugcon", "stdio",
        "-drive", f"file={IMAGE},format=raw,if=ide,snapshot=on",
        "-fw_cfg", "name=opt/keel/fault,string=sched_bench"]
LINE = re.compile(r"^bench: (.+?): median (\d+) cycles, p99 (\d+) cycles .*TSC (\d+) MHz", re.M)


def one_run():
    proc = subprocess.Popen(QEMU, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out, deadline = b"", time.monotonic() + 120
    while b"bench: done" not in out and time.monotonic() < deadline:
        chunk = proc.stdout.read1(4096)
        if not chunk:
            break
        out += chunk
    proc.kill()
    proc.wait()
    text = out.decode(errors="replace")
    if "bench: done" not in text:
        sys.exit(f"bench_sched: the scenario did not finish:\n{text[-2000:]}")
    return [(name, int(med), int(p99), int(mhz)) for name, med, p99, mhz in LINE.findall(text)]


def main():
    if not IMAGE.exists():
        sys.exit(f"bench_sched: {IMAGE} is missing (make test-kernel)")
    runs = [one_run() for _ in range(RUNS)]
    print(f"\nscheduler costs in TSC cycles, QEMU TCG, {RUNS} boots x 2000 samples "
          f"(TSC {runs[0][0][3]} MHz)")
    print(f"{'path':45} {'median':>8} {'p99':>8}   per boot (median/p99)")
    for i, (name, _, _, _) in enumerate(runs[0]):
        meds = [r[i][1] for r in runs]
        p99s = [r[i][2] for r in runs]
        each = "  ".join(f"{m}/{p}" for m, p in zip(meds, p99s))
        print(f"{name:45} {statistics.median(meds):8.0f} {statistics.median(p99s):8.0f}   {each}")


if __name__ == "__main__":
    main()
