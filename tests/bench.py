#!/usr/bin/env python3
"""Boot-time benchmark (`make bench`): time from spawning QEMU to `keel: ready` on
port 0xE9, for disk/hdd.img (IDE and q35/AHCI) and disk/floppy.img, plus kernels
padded to 1 MiB and 8 MiB. Each case is set against two floors booted from copies of
the same image, measured in the same run:
  exit floor   a boot sector that writes one byte and exits (firmware + emulator),
  bare loader  a boot sector that reads the same sectors in the largest chunks the
               BIOS allows and exits (tests/bench/floor_load.asm).
  chain        the real boot sector assembled with BENCH_CHAIN_FLOOR: everything it
               does (read, copy, checksum, E820, long mode), then it exits where it
               would call _start. chain/bare is the boot chain's own cost; k-chain is
               the kernel's start-up, to `keel: ready`.
Target: the kernel within 5% of the bare loader. A missed target is reported, not an
error; the exit status is non-zero only when something did not boot.

usage: tests/bench.py [--runs N] [--quick] [--case NAME ...]
"""

import argparse
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import disk_layout, pin_cpus

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
TIMEOUT_S = 60
TARGET = 1.05
KERNEL_MARKER = b"keel: ready"
FLOOR_MARKER = b"!"
# Same for every run so that only the image differs. The kernel never exits, so each
# run ends when its marker appears and QEMU is killed; -no-reboot and
# reboot-timeout=0 make a boot failure end at once instead of retrying forever.
QEMU_COMMON = ["-accel", "tcg", "-m", "128M", "-nic", "none", "-no-reboot",
               "-boot", "reboot-timeout=0", "-serial", "none", "-parallel", "none",
               "-monitor", "none", "-display", "none", "-debugcon", "stdio",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


class BenchFailure(Exception):
    """Something did not build or did not boot: no numbers are worth printing."""


@dataclass
class Case:
    name: str
    machine: str                    # "hdd", "q35" or "floppy": see qemu_args
    sectors: int                    # kernel sectors the boot sector loads
    images: dict                    # variant ("kernel", "exit", "bare") -> Path
    times: dict = field(default_factory=lambda: {"kernel": [], "exit": [], "bare": [], "chain": []})


def run(cmd):
    """Run a build step; on failure show its output and stop the bench."""
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise BenchFailure(f"{' '.join(map(str, cmd))} failed:\n{done.stdout}{done.stderr}")


def build_kernel(label, pad_kib, targets):
    """Build the images with pad_kib KiB of zeros after the kernel; return (dir, the
    KERNEL_SECTORS and KERNEL_SUM the boot sector was assembled with).
    Unpadded means `make all`'s disk/ and build/; padded kernels get their own dirs."""
    if pad_kib == 0:
        build, disk = ROOT / "build", ROOT / "disk"
    else:
        build = disk = OUT / f"pad{label}"
    rel = lambda p: str(p.relative_to(ROOT))
    run(["make", "-s", f"BUILD={rel(build)}", f"DISK={rel(disk)}",
         f"KERNEL_PAD_KIB={pad_kib}", *(f"{rel(disk)}/{t}" for t in targets)])
    sums = dict(re.findall(r"(\w+)=(\w+)", (build / "kernel.sum").read_text()))
    return disk, sums


def assemble(source, out, *defines):
    run(["nasm", "-f", "bin", "-I", ROOT / "boot", *(f"-D{d}" for d in defines), "-o", out,
         source])
    return out.read_bytes()


def with_boot_code(image, code, out):
    """A copy of image whose boot code (bytes 0..445) is replaced, so a floor reads
    exactly the kernel bytes the real boot sector reads; the partition table stays."""
    shutil.copyfile(image, out)
    with open(out, "r+b") as f:
        f.write(code[:446])
    return out


def medium_images(label, image, sums, floppy):
    """Snapshot the real image (others may rebuild disk/ meanwhile) and make its floors."""
    kind = "floppy" if floppy else "hdd"
    stem = OUT / f"{label}-{kind}"
    marker = f"MARKER={FLOOR_MARKER[0]}"
    floors = ROOT / "tests" / "bench"
    sectors = f"KERNEL_SECTORS={sums['KERNEL_SECTORS']}"
    esp = disk_layout(sums["KERNEL_SECTORS"])[0]
    exit_code = assemble(floors / "floor_exit.asm", OUT / "floor_exit.bin", marker)
    bare_code = assemble(floors / "floor_load.asm", Path(f"{stem}-bare.bin"), marker, sectors,
                         *(["FLOPPY"] if floppy else []))
    chain_code = assemble(ROOT / "boot" / "mbr.asm", Path(f"{stem}-chain.bin"), marker, sectors,
                          f"KERNEL_SUM={sums['KERNEL_SUM']}", f"ESP_START={esp}",
                          f"ESP_SECTORS={image.stat().st_size // 512 - esp}", "BENCH_CHAIN_FLOOR")
    kernel = Path(f"{stem}-kernel.img")
    shutil.copyfile(image, kernel)
    return {"kernel": kernel,
            "exit": with_boot_code(kernel, exit_code, Path(f"{stem}-exit.img")),
            "bare": with_boot_code(kernel, bare_code, Path(f"{stem}-bare.img")),
            "chain": with_boot_code(kernel, chain_code, Path(f"{stem}-chain.img"))}


def make_cases(quick):
    """(label, KiB of padding, machines): unpadded on every medium; padded kernels on
    hard disks, and on floppy while they fit (8 MiB does not)."""
    plan = [("", 0, ["hdd", "q35", "floppy"])]
    if not quick:
        plan += [("1m", 1024, ["hdd", "q35", "floppy"]), ("8m", 8192, ["hdd", "q35"])]
    cases = []
    for label, pad_kib, machines in plan:
        want_floppy = "floppy" in machines
        disk, sums = build_kernel(label, pad_kib, ["hdd.img"] + ["floppy.img"] * want_floppy)
        sectors = int(sums["KERNEL_SECTORS"])
        if want_floppy and not (disk / "floppy.img").exists():  # make skipped it: too big
            print(f"bench: {label or 'plain'}: {sectors} sectors do not fit on a floppy; "
                  "no floppy case")
            want_floppy = False
            machines = [m for m in machines if m != "floppy"]
        tag = label or "plain"
        hdd = medium_images(tag, disk / "hdd.img", sums, floppy=False)
        flop = medium_images(tag, disk / "floppy.img", sums, floppy=True) if want_floppy else None
        for m in machines:
            name = m + (f"-{label}" if label else "")
            cases.append(Case(name, m, sectors, flop if m == "floppy" else hdd))
    return cases


def qemu_args(machine, image):
    if machine == "hdd":            # i440fx: IDE, which SeaBIOS drives by PIO
        return ["-machine", "pc", "-drive", f"file={image},format=raw,if=ide"]
    if machine == "q35":            # ICH9 AHCI port 0
        return ["-machine", "q35", "-drive", f"file={image},format=raw,if=none,id=d",
                "-device", "ide-hd,drive=d,bus=ide.0"]
    return ["-machine", "pc", "-drive", f"file={image},format=raw,if=floppy", "-boot", "a"]


QEMU_CPU = None


def boot_time(args, marker):
    """Seconds from spawning QEMU to marker on the debugcon stream; QEMU is killed
    then. Every case and floor goes through here, so all pay the same spawn and pipe
    costs."""
    cmd = [QEMU, *QEMU_COMMON, *args]
    start = time.perf_counter()
    pin = (lambda: os.sched_setaffinity(0, {QEMU_CPU})) if QEMU_CPU is not None else None
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, preexec_fn=pin,
                            stderr=subprocess.STDOUT)
    seen, why = b"", f"timed out after {TIMEOUT_S} s"
    try:
        while (left := start + TIMEOUT_S - time.perf_counter()) > 0:
            if not select.select([proc.stdout], [], [], left)[0]:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                why = f"QEMU exited (status {proc.wait()})"
                break
            seen += chunk
            if marker in seen:
                return time.perf_counter() - start
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    raise BenchFailure(f"no {marker.decode()!r} on port 0xE9: {why}\n"
                      f"command: {' '.join(cmd)}\noutput:\n{seen.decode(errors='replace')}")


def measure(cases, runs):
    """Round 0 checks every image boots (and warms the page cache) untimed; then each
    round boots every case and floor once, so machine noise spreads over all alike."""
    for rnd in range(runs + 1):
        for case in cases:
            for variant, image in case.images.items():
                marker = KERNEL_MARKER if variant == "kernel" else FLOOR_MARKER
                t = boot_time(qemu_args(case.machine, image), marker)
                if rnd:
                    case.times[variant].append(t * 1000)
        print(f"round {rnd}/{runs} done", file=sys.stderr, flush=True)


def paired(c, variant, over="kernel"):
    """Each round's `over` time divided by that round's `variant` time: a machine that
    slows down for a while slows both, so these are steadier than ratios of medians."""
    return [a / b for a, b in zip(c.times[over], c.times[variant])]


def paired_gap(c, variant, over="kernel"):
    """The median of each round's `over` time minus its `variant` time, in ms."""
    return statistics.median(a - b for a, b in zip(c.times[over], c.times[variant]))


def quartiles(values):
    q = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return q[0], statistics.median(values), q[2]


def report(cases, runs):
    med = lambda c, v: statistics.median(c.times[v])
    print(f"\nboot time to marker, median of {runs} runs (ms), QEMU TCG; exit = firmware "
          f"floor, bare = bare-loader floor,\nchain = our boot sector up to the call into "
          f"the kernel; ratios and gaps are medians of each round's own, [quartiles]")
    head = (f"{'case':10} {'KiB':>5} {'kernel':>7} {'exit':>6} {'bare':>6} {'chain':>6}"
            f" {'k/bare':>7} {'[q1-q3]':>13} {'k/exit':>7} {'chain/bare':>10} {'k-chain':>7}"
            f"  verdict")
    print(head + "\n" + "-" * len(head))
    for c in cases:
        k, e, b, ch = (med(c, v) for v in ("kernel", "exit", "bare", "chain"))
        q1, kb, q3 = quartiles(paired(c, "bare"))
        verdict = "ok" if kb <= TARGET else "MISSED"
        print(f"{c.name:10} {c.sectors // 2:5} {k:7.0f} {e:6.0f} {b:6.0f} {ch:6.0f}"
              f" {kb:7.3f} {f'[{q1:.3f}-{q3:.3f}]':>13} {statistics.median(paired(c, 'exit')):7.3f}"
              f" {statistics.median(paired(c, 'bare', over='chain')):10.3f}"
              f" {paired_gap(c, 'chain'):7.1f}  {verdict} ({kb - 1:+.1%})")
    print(f"target: within {TARGET - 1:.0%} of bare loader (k/bare <= {TARGET})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=lambda n: max(1, int(n)), help="runs per case (default 11, --quick 5)")
    parser.add_argument("--quick", action="store_true", help="smoke run: unpadded cases only")
    parser.add_argument("--case", action="append", help="only cases named so (repeatable)")
    opts = parser.parse_args()
    runs = opts.runs or (5 if opts.quick else 11)
    began = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    global QEMU_CPU
    QEMU_CPU = pin_cpus()
    print(f"QEMU runs on CPU {QEMU_CPU}, this script on the others" if QEMU_CPU is not None
          else "one CPU: nothing pinned", file=sys.stderr)
    try:
        cases = [c for c in make_cases(opts.quick) if not opts.case or c.name in opts.case]
        measure(cases, runs)
    except BenchFailure as failure:
        print(f"bench: {failure}", file=sys.stderr)
        return 1
    report(cases, runs)
    print(f"bench took {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
