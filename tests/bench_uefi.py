#!/usr/bin/env python3
"""UEFI boot-time benchmark (`make bench`): time from spawning QEMU to `keel: ready`
on port 0xE9 when OVMF boots disk/hdd.img through our BOOTX64.EFI, against a floor
measured in the same run: a copy of the image whose BOOTX64.EFI is
tests/bench/uefi_floor.c, which writes one byte and exits QEMU. The floor is the
firmware's own cost (OVMF's start, its disk and FAT drivers, loading an EFI file);
the difference is our loader (reading and checking the kernel, the memory map,
ExitBootServices) plus the kernel's start-up. Target: within 10% of the floor.

usage: tests/bench_uefi.py [--runs N]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench
from bench import BenchFailure, boot_time, quartiles
from harness import pin_cpus

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
OVMF = Path("/usr/share/OVMF")
TARGET = 1.10
MACHINES = {
    "pc-ide": ["-machine", "pc", "-drive", "file={img},format=raw,if=ide"],
    "q35-ahci": ["-machine", "q35", "-drive", "file={img},format=raw,if=none,id=d",
                 "-device", "ide-hd,drive=d,bus=ide.0"],
}


def images():
    """The kernel's image and the floor's, both copies: make may rebuild disk/."""
    kernel = OUT / "uefi-kernel.img"
    floor = OUT / "uefi-floor.img"
    shutil.copyfile(ROOT / "disk" / "hdd.img", kernel)
    shutil.copyfile(kernel, floor)
    esp = int((ROOT / "build" / "esp.start").read_text()) * 512
    done = subprocess.run(["mcopy", "-o", "-i", f"{floor}@@{esp}",
                           str(OUT / "uefi_floor.efi"), "::/EFI/BOOT/BOOTX64.EFI"],
                          capture_output=True, text=True, env={"MTOOLS_SKIP_CHECK": "1",
                                                               "PATH": "/usr/bin:/bin"})
    if done.returncode:
        raise BenchFailure(f"mcopy failed: {done.stderr}")
    return {"kernel": kernel, "floor": floor}


def qemu_args(machine, image, variables):
    """OVMF's code, a fresh copy of its variables for every boot, and the disk."""
    shutil.copyfile(OVMF / "OVMF_VARS_4M.fd", variables)
    return ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF / 'OVMF_CODE_4M.fd'}",
            "-drive", f"if=pflash,format=raw,unit=1,file={variables}",
            *(a.replace("{img}", str(image)) for a in MACHINES[machine])]


def measure(runs):
    """Round 0 boots everything once, untimed (page cache, and a check that all of
    it boots); then each round boots each machine's kernel and floor once."""
    variants = images()
    variables = OUT / "uefi-vars.fd"
    times = {(m, v): [] for m in MACHINES for v in variants}
    for rnd in range(runs + 1):
        for machine in MACHINES:
            for variant, image in variants.items():
                marker = bench.KERNEL_MARKER if variant == "kernel" else bench.FLOOR_MARKER
                t = boot_time(qemu_args(machine, image, variables), marker)
                if rnd:
                    times[(machine, variant)].append(t * 1000)
        print(f"round {rnd}/{runs} done", file=sys.stderr, flush=True)
    return times


def report(times, runs):
    print(f"\nUEFI boot to marker, median of {runs} runs (ms), OVMF under QEMU TCG; floor = "
          f"an EFI application that exits at once;\nratio = median of each round's "
          f"kernel/floor, [quartiles]")
    head = f"{'case':10} {'kernel':>7} {'floor':>7} {'k-floor':>8} {'k/floor':>8} {'[q1-q3]':>13}  verdict"
    print(head + "\n" + "-" * len(head))
    for machine in MACHINES:
        k, f = times[(machine, "kernel")], times[(machine, "floor")]
        q1, r, q3 = quartiles([a / b for a, b in zip(k, f)])
        gap = statistics.median(a - b for a, b in zip(k, f))
        print(f"{machine:10} {statistics.median(k):7.0f} {statistics.median(f):7.0f} {gap:8.0f}"
              f" {r:8.3f} {f'[{q1:.3f}-{q3:.3f}]':>13}  "
              f"{'ok' if r <= TARGET else 'MISSED'} ({r - 1:+.1%})")
    print(f"target: within {TARGET - 1:.0%} of the OVMF floor (k/floor <= {TARGET})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=lambda n: max(1, int(n)), default=7,
                        help="rounds (default 7)")
    opts = parser.parse_args()
    began = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    bench.QEMU_CPU = pin_cpus()
    try:
        times = measure(opts.runs)
    except BenchFailure as failure:
        print(f"bench_uefi: {failure}", file=sys.stderr)
        return 1
    report(times, opts.runs)
    print(f"bench_uefi took {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
