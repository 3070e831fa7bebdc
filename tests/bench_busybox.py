#!/usr/bin/env python3
"""Busybox workloads (`make bench`): Keel against Linux, same initramfs, same QEMU,
alternating boots in one run (tests/bench_user.py's machinery and Linux kernel).

The initramfs: /init = user/bbbench.c, Debian's busybox-static with its applet links,
/data/lines (1 MiB of text lines in no order) and /data/tree (1024 files of 64 B to
3 KiB in 64 directories), all made here from fixed seeds. bbbench times, with the
guest's CLOCK_MONOTONIC, the median of 5 runs of each of:
  a shell loop of 200 `echo | md5sum` pipelines (the row is per pipeline),
  find / | wc -l (with /proc pruned, so both kernels walk the same kind of tree),
  sort of the 1 MiB file, tar of the tree to /dev/null;
the table's figure is the median over the boots, with Keel/Linux for each row, and the
boot (QEMU's start to /init's first line) as bench_user.py measures it. Target: Keel
at or below Linux on each row; a missed target is reported, not an error. Each
workload's check (the md5 of `echo`, of the sorted file, the tar's size, find's count)
is printed for both kernels: a different answer from the one computation is a
failure (find's count may differ: each kernel makes its own /dev).

usage: tests/bench_busybox.py [--runs N] [--debug-kernel]
"""

import argparse
import random
import re
import subprocess
import sys
import time

import bench_user as bu
from harness import pin_cpus

BUSYBOX = "/bin/busybox"
OUT = bu.ROOT / "build" / "bench-busybox"
ROWS = [  # name in user/bbbench.c, label, unit, scale from ns/op
    ("pipelines", "shell loop: echo | md5sum, each", "us", 1e-3),
    ("find", "find / | wc -l", "ms", 1e-6),
    ("sort", "sort of a 1 MiB file", "ms", 1e-6),
    ("tar", "tar of a 1024-file tree >/dev/null", "ms", 1e-6),
    ("boot", "boot to /init's first line", "ms", 1000),
]
SAME_ANSWER = ("pipelines", "sort", "tar")  # find's count depends on each kernel's /dev
CHECK_LINE = re.compile(r"^bench: check (\S+) (.*?)\s*$")
WORDS = ("keel", "linux", "busybox", "kernel", "page", "frame", "tick", "pipe", "signal",
         "thread", "inode", "buffer", "console", "serial", "vector", "table")


def lines_file():
    """1 MiB of text lines: a few words and a number each, from a fixed seed."""
    rng = random.Random(14)
    out = bytearray()
    while len(out) < 1 << 20:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
        out += f"{words} {rng.randrange(10 ** 6)}\n".encode()
    out = out[:1 << 20]
    out[-1:] = b"\n"
    return bytes(out)


def tree():
    """/data/tree's entries: 8 directories of 8 of 16 files each."""
    rng = random.Random(15)
    entries = [("data/tree", 0o40755, None, None)]
    for i in range(8):
        entries.append((f"data/tree/d{i}", 0o40755, None, None))
        for j in range(8):
            entries.append((f"data/tree/d{i}/s{j}", 0o40755, None, None))
            entries += [(f"data/tree/d{i}/s{j}/f{k}.dat", 0o100644,
                         rng.randbytes(rng.randint(64, 3072)), None) for k in range(16)]
    return entries


def busybox_entries():
    """/bin/busybox and a symbolic link for each applet where busybox puts it."""
    names = subprocess.run([BUSYBOX, "--list-full"], capture_output=True, text=True,
                           check=True).stdout.split()
    links = sorted(n for n in names if n not in ("bin/busybox", "sbin/init", "linuxrc"))
    dirs = sorted({"bin", "sbin", "usr", "usr/bin", "usr/sbin"} |
                  {n.rsplit("/", 1)[0] for n in links})
    with open(BUSYBOX, "rb") as f:
        busybox = f.read()
    return ([(d, 0o40755, None, None) for d in dirs] +
            [("bin/busybox", 0o100755, busybox, None)] +
            [(n, 0o120777, b"/bin/busybox", None) for n in links])


def initramfs():
    OUT.mkdir(parents=True, exist_ok=True)
    cpio = OUT / "busybox.cpio"
    cpio.write_bytes(bu.newc(
        busybox_entries()
        + [("data", 0o40755, None, None), ("data/lines", 0o100644, lines_file(), None)]
        + tree()
        + [("init", 0o100755, bu.program("bbbench"), None), ("tmp", 0o41777, None, None)]))
    return cpio


def build(debug_kernel):
    bu.say("building user/bbbench.c")
    bu.run(["make", "-s", "build/user/bbbench"], "building user/bbbench.c")
    cpio = initramfs()
    kind = "debug" if debug_kernel else "release"
    keel = OUT / f"keel-{kind}"
    bu.say(f"building Keel's {kind} kernel with {bu.rel(cpio)} as its initramfs")
    bu.run(["make", "-s", f"RELEASE={0 if debug_kernel else 1}", f"BUILD={bu.rel(keel)}",
            f"DISK={bu.rel(keel)}", f"INITRAMFS={bu.rel(cpio)}", f"{bu.rel(keel)}/hdd.img"],
           "building Keel")
    return cpio, keel / "hdd.img"


def bench_boot(kernel, args, index):
    """One boot: {row: ns/op or a failure string, "boot": s, "kernel": uname,
    "checks": {name: output}, "clock": guest/host elapsed ratio}."""
    boot = bu.Boot(f"busybox-{kernel.lower()}-{index}", args, stop_at=bu.DONE_LINE)
    started_at, _ = boot.first(re.compile(r"^bench: started\s*$"))
    done_at, done = boot.first(bu.DONE_LINE)
    if started_at is None:
        raise bu.BenchFailure(f"{kernel} never printed 'bench: started' "
                              f"({boot.why or 'QEMU exited'}); serial output:\n{boot.tail()}")
    _, k = boot.first(bu.KERNEL_LINE)
    result = {"boot": started_at, "kernel": k.group(1) if k else kernel, "checks": {}}
    for _, line in boot.lines:
        if m := bu.ROW_LINE.match(line):
            result[m.group(1)] = int(m.group(3))
        elif m := bu.FAILED_LINE.match(line):
            result[m.group(1)] = f"failed: {m.group(2)}"
        elif m := CHECK_LINE.match(line):
            result["checks"][m.group(1)] = m.group(2)
    for name, *_ in ROWS:
        result.setdefault(name, "failed: no result" + (f" ({boot.why})" if boot.why else ""))
    if done is not None and done_at > started_at:
        result["clock"] = int(done.group(1)) / 1e9 / (done_at - started_at)
    else:
        bu.say(f"{kernel} run {index} did not finish ({boot.why}); serial output:\n"
               f"{boot.tail()}")
    return result


def compare_checks(keel_runs, linux_runs):
    """Prints each workload's answer on both kernels; returns how many differ where
    they must not."""
    wrong = 0
    print("answers (the same computation on both kernels):")
    for name, *_ in ROWS[:-1]:
        k = {r["checks"].get(name, "(none)") for r in keel_runs}
        l = {r["checks"].get(name, "(none)") for r in linux_runs}
        same = k == l and len(k) == 1
        bad = not same and name in SAME_ANSWER
        wrong += bad
        verdict = "same" if same else "DIFFERENT" if bad else "differs (each kernel's /dev)"
        print(f"  {name:10} Keel {' | '.join(sorted(k))}; Linux {' | '.join(sorted(l))}: "
              f"{verdict}")
    return wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=lambda n: max(1, int(n)), default=3,
                        help="boots of each kernel (default 3)")
    parser.add_argument("--debug-kernel", action="store_true",
                        help="bench Keel's debug build (heap canaries) instead of RELEASE=1")
    opts = parser.parse_args()
    began = time.monotonic()
    bu.OUT.mkdir(parents=True, exist_ok=True)  # Boot keeps QEMU's stderr there
    try:
        bu.say("getting Linux (tools/linux-kernel)")
        vmlinuz = bu.linux_kernel()
        cpio, image = build(opts.debug_kernel)
        bu.QEMU_CPU = pin_cpus()
        keel_args = ["-drive", f"file={image},format=raw,if=ide"]
        linux_args = ["-kernel", str(vmlinuz), "-initrd", str(cpio), "-append",
                      bu.LINUX_APPEND]
        keel_runs, linux_runs = [], []
        for i in range(1, opts.runs + 1):  # alternating, so slow spells hit both
            for kernel, args, runs in (("Keel", keel_args, keel_runs),
                                       ("Linux", linux_args, linux_runs)):
                t = time.monotonic()
                bu.say(f"boot {i}/{opts.runs}: {kernel} ...")
                runs.append(bench_boot(kernel, args, i))
                bu.say(f"boot {i}/{opts.runs}: {kernel} took {time.monotonic() - t:.1f} s")
        failures = bu.report(keel_runs, linux_runs,
                             f"bench_busybox: {opts.runs} boots each took "
                             f"{time.monotonic() - began:.0f} s in all",
                             rows=[(n, label, unit, scale) for n, label, unit, scale in ROWS],
                             what="busybox workloads")
        failures += compare_checks(keel_runs, linux_runs)
    except bu.BenchFailure as failure:
        bu.say(str(failure))
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
