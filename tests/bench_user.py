#!/usr/bin/env python3
"""User-space benchmark (`make bench`): Keel against Linux, same program, same QEMU.

user/bench.c runs as /init on Keel and on Linux (Debian's linux-image-cloud-amd64,
fetched and unpacked by tools/linux-kernel, never installed) in the same run. Both
boot the same newc initramfs (/init = build/user/bench, /bin/true, an empty /tmp)
with the same QEMU command line but for how the kernel arrives: Keel from its disk
image (built with that initramfs, release kernel), Linux with -kernel/-initrd.
Rows, in ns per operation (the guest's CLOCK_MONOTONIC; each boot's figure is the
median of its 5 runs, the table's the median over the boots):
  getpid, pipe ping-pong (a 1-byte round trip between two processes), fork+exit+wait,
  fork+execve(/bin/true)+wait, open+read(4 KiB)+close, mmap/touch every page/munmap
  of 1 MiB, sched_yield ping-pong (two processes; per yield),
and the boot: host monotonic time from starting QEMU to /init's first line
(`bench: started`) on the serial port, median over the boots.
Target: Keel at or below Linux on every row (ratio Keel/Linux <= 1.00). A missed
target is reported, not an error: the exit status is non-zero only when something
did not build, boot or run (a failed row prints as failed, never as a number).

With user/usertests.c there (or build/user/usertests), the same binary then runs
on Linux too: built, booted as /init (every user/ program in /bin, /tmp, the /dev
nodes Keel makes), its summary line `usertests: N passed, M failed` printed. Not
building, no summary, or M != 0 on Linux is a failure. --usertests runs only that.

usage: tests/bench_user.py [--runs N] [--usertests | --no-usertests] [--debug-kernel]
"""

import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import pin_cpus

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench-user"
LINUX_DIR = ROOT / "build" / "linux"
USER = ROOT / "build" / "user"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
BOOT_TIMEOUT_S = 600     # one whole bench run; about 20 s for Linux, 10 s for Keel
POWEROFF_GRACE_S = 15    # after the last line, for the guest to power off
CLOCK_TOLERANCE = 0.05   # guest clock against the host's, over the whole run

# Everything but the kernel's arrival is the same for both. -no-reboot turns a
# Linux panic (panic=-1) or a Keel triple fault into QEMU exiting.
QEMU_COMMON = ["-accel", "tcg", "-machine", "pc", "-cpu", "qemu64", "-smp", "1",
               "-m", "256M", "-nic", "none", "-no-reboot", "-display", "none",
               "-monitor", "none", "-parallel", "none", "-serial", "stdio"]
LINUX_APPEND = "console=ttyS0 quiet panic=-1"

ROWS = [  # name in user/bench.c, label in the table
    ("getpid", "getpid"),
    ("pipe_pingpong", "pipe ping-pong, 1 byte each way"),
    ("fork_exit_wait", "fork+exit+wait"),
    ("fork_exec_wait", "fork+execve(/bin/true)+wait"),
    ("open_read_close", "open+read 4 KiB+close"),
    ("mmap_touch_munmap_1m", "mmap/touch/munmap 1 MiB"),
    ("sched_yield_pingpong", "sched_yield ping-pong, per yield"),
]
BOOT_ROW = ("boot", "boot to /init's first line")

ROW_LINE = re.compile(r"^bench (\S+) (\d+) ops (\d+) ns/op \((\d+) runs (\d+)-(\d+)\)\s*$")
FAILED_LINE = re.compile(r"^bench (\S+) failed: (.*?)\s*$")
DONE_LINE = re.compile(r"^bench: done in (\d+) ns\s*$")
KERNEL_LINE = re.compile(r"^bench: kernel (.*?)\s*$")
USERTESTS_LINE = re.compile(r"^usertests: (\d+) passed, (\d+) failed\s*$")


class BenchFailure(Exception):
    """Something did not build or boot: no numbers are worth printing."""


def say(message):
    print(f"bench_user: {message}", file=sys.stderr, flush=True)


def rel(path):
    return str(Path(path).relative_to(ROOT))


def run(cmd, what):
    """A build step; on failure its output goes into the exception."""
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise BenchFailure(f"{what} failed: {' '.join(map(str, cmd))}\n"
                           f"{done.stdout}{done.stderr}")
    return done.stdout


# ---- what gets booted --------------------------------------------------------------

def linux_kernel():
    """Debian's cloud kernel, fetched once into build/linux by tools/linux-kernel
    (which says on stderr what it does; nothing when the kernel is there already)."""
    done = subprocess.run([str(ROOT / "tools" / "linux-kernel"), rel(LINUX_DIR)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True)
    lines = done.stdout.split()
    if done.returncode or not lines:
        raise BenchFailure("tools/linux-kernel could not provide a Linux kernel (see above)")
    return ROOT / lines[-1]


def newc(entries):
    """A newc cpio archive (Linux's initramfs format) as bytes. entries: (name, mode,
    data or None, (major, minor) or None), in order; everything owned by root with
    one fixed date, so the same files make the same bytes."""
    out = bytearray()

    def add(ino, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, nlink, 1767225600, len(data), 0, 0, rdev[0], rdev[1],
                  len(name_b), 0]
        out.extend(b"070701" + b"".join(b"%08X" % f for f in fields) + name_b)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    add(1, ".", 0o40755, nlink=2)
    for ino, (name, mode, data, rdev) in enumerate(entries, start=2):
        is_dir = mode & 0o170000 == 0o040000
        add(ino, name, mode, data or b"", rdev or (0, 0), nlink=2 if is_dir else 1)
    add(0, "TRAILER!!!", 0)
    return bytes(out)


def program(name):
    path = USER / name
    if not path.exists():
        raise BenchFailure(f"{rel(path)} is missing")
    return path.read_bytes()


def bench_initramfs():
    """/init = bench, /bin/true, an empty /tmp: the one archive both kernels boot."""
    cpio = OUT / "bench.cpio"
    cpio.write_bytes(newc([
        ("bin", 0o40755, None, None),
        ("bin/true", 0o100755, program("true"), None),
        ("init", 0o100755, program("bench"), None),
        ("tmp", 0o41777, None, None),
    ]))
    return cpio


def usertests_initramfs():
    """/init = usertests, every user/ program in /bin (as in Keel's own default root),
    /tmp, and the /dev nodes Keel makes itself (Linux's built-in initramfs has only
    /dev/console)."""
    progs = sorted(p.name for p in USER.iterdir() if p.is_file() and os.access(p, os.X_OK)
                   and p.name not in ("init", "bench"))
    devices = [("console", 0o20600, (5, 1)), ("null", 0o20666, (1, 3)),
               ("random", 0o20666, (1, 8)), ("tty", 0o20666, (5, 0)),
               ("urandom", 0o20666, (1, 9)), ("zero", 0o20666, (1, 5))]
    cpio = OUT / "usertests.cpio"
    cpio.write_bytes(newc(
        [("bin", 0o40755, None, None)]
        + [(f"bin/{p}", 0o100755, program(p), None) for p in progs]
        + [("dev", 0o40755, None, None)]
        + [(f"dev/{n}", mode, None, rdev) for n, mode, rdev in devices]
        + [("init", 0o100755, program("usertests"), None), ("tmp", 0o41777, None, None)]))
    return cpio, progs


def build(debug_kernel):
    say("building user/bench.c and user/true.c")
    run(["make", "-s", "build/user/bench", "build/user/true"], "building the programs")
    cpio = bench_initramfs()
    kind = "debug" if debug_kernel else "release"
    keel = OUT / f"keel-{kind}"
    say(f"building Keel's {kind} kernel with {rel(cpio)} as its initramfs, in {rel(keel)}/")
    run(["make", "-s", f"RELEASE={0 if debug_kernel else 1}", f"BUILD={rel(keel)}",
         f"DISK={rel(keel)}", f"INITRAMFS={rel(cpio)}", f"{rel(keel)}/hdd.img"],
        "building Keel")
    return cpio, keel / "hdd.img"


# ---- booting -----------------------------------------------------------------------

QEMU_CPU = None


class Boot:
    """One QEMU run to power-off: the serial lines, each with the host's time since
    QEMU was started, in seconds."""

    def __init__(self, name, args, stop_at=None):
        self.name = name
        self.cmd = [QEMU, *QEMU_COMMON, *args]
        self.lines = []
        self.why = None   # why the run ended early, or None
        pin = (lambda: os.sched_setaffinity(0, {QEMU_CPU})) if QEMU_CPU is not None else None
        log = OUT / f"qemu-{name}.stderr"
        with open(log, "wb") as err:
            start = time.monotonic()
            proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=err, preexec_fn=pin)
            ended = False
            try:
                ended = self._read(proc, start, stop_at)
                if ended:  # end of output: QEMU is on its way out
                    proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
                proc.stdout.close()
        emu = log.read_text(errors="replace").strip()
        if ended and self.why is None and not self.saw(stop_at):
            self.why = (f"QEMU exited with status {proc.returncode}" if proc.returncode else
                        "the guest powered off or reset (a Linux panic resets: panic=-1)")
        if emu and self.why:
            self.why += f"; QEMU said: {emu}"

    def _read(self, proc, start, stop_at):
        """Collects lines until QEMU closes its output (True), or until the timeout or
        the grace after `stop_at` runs out (False)."""
        deadline = start + BOOT_TIMEOUT_S
        partial = b""
        finished = None   # when the last line we wait for came
        while True:
            now = time.monotonic()
            limit = deadline if finished is None else min(deadline, finished + POWEROFF_GRACE_S)
            if now >= limit:
                if finished is None:
                    self.why = f"timed out after {BOOT_TIMEOUT_S} s"
                return False  # else: it did not power off; the lines are all there
            if not select.select([proc.stdout], [], [], limit - now)[0]:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            at = time.monotonic() - start
            if not chunk:
                return True
            partial += chunk
            *complete, partial = partial.split(b"\n")
            for raw in complete:
                line = raw.decode(errors="replace").rstrip("\r")
                self.lines.append((at, line))
                if stop_at and stop_at.search(line):
                    finished = time.monotonic()

    def saw(self, pattern):
        return pattern is not None and any(pattern.search(l) for _, l in self.lines)

    def first(self, pattern):
        """(time, match) of the first line matching, or (None, None)."""
        for at, line in self.lines:
            m = pattern.search(line)
            if m:
                return at, m
        return None, None

    def tail(self, n=25):
        body = [l for _, l in self.lines[-n:]] or ["(nothing)"]
        return "\n".join("    | " + l for l in body)


def bench_boot(kernel, args, index):
    """One bench run on one kernel: {"boot": s, row: ns/op or a failure string,
    "clock": guest/host elapsed ratio, "kernel": uname}."""
    boot = Boot(f"{kernel.lower()}-{index}", args, stop_at=DONE_LINE)
    result = {}
    started_at, _ = boot.first(re.compile(r"^bench: started\s*$"))
    done_at, done = boot.first(DONE_LINE)
    if started_at is None:
        raise BenchFailure(f"{kernel} never printed 'bench: started' "
                           f"({boot.why or 'QEMU exited'}); command:\n  {' '.join(boot.cmd)}\n"
                           f"serial output:\n{boot.tail()}")
    result["boot"] = started_at
    _, k = boot.first(KERNEL_LINE)
    result["kernel"] = k.group(1) if k else kernel
    for _, line in boot.lines:
        if m := ROW_LINE.match(line):
            result[m.group(1)] = int(m.group(3))
        elif m := FAILED_LINE.match(line):
            result[m.group(1)] = f"failed: {m.group(2)}"
    for name, _ in ROWS:
        if name not in result:
            result[name] = ("failed: no result" + (f" ({boot.why})" if boot.why else "")
                            if done is None else "failed: no line for it")
    if done is not None and done_at > started_at:
        result["clock"] = int(done.group(1)) / 1e9 / (done_at - started_at)
    if done is None:
        say(f"{kernel} run {index} did not finish ({boot.why}); serial output:\n{boot.tail()}")
    return result


def summarize(runs, key):
    """(median, min, max) over the runs, or the first failure's text."""
    values = [r[key] for r in runs]
    bad = [v for v in values if isinstance(v, str)]
    if bad:
        return bad[0]
    return statistics.median(values), min(values), max(values)


def report(keel_runs, linux_runs, elapsed_note, rows=None, what="user-space costs"):
    """The table; rows: (key, label, unit, scale from the runs' figures to the unit),
    by default ROWS in ns/op and the boot in ms. Returns the count of failed rows."""
    n_keel = len(keel_runs)
    print(f"\n{what}, Keel ({keel_runs[0]['kernel']}) against Linux "
          f"({linux_runs[0]['kernel']}), QEMU TCG, same command line and initramfs;")
    print(f"each figure the median over {n_keel} boots (in the guest, each boot's figure is "
          f"the median of 5 runs); spread = (max - min) / median over the boots")
    head = (f"{'row':34} {'unit':5} {'Keel':>9} {'spread':>6} {'Linux':>9} {'spread':>6} "
            f"{'Keel/Linux':>10}  verdict")
    print(head + "\n" + "-" * (len(head) + 6))
    failures = 0
    missed = 0

    def cell(s):
        if isinstance(s, str):
            return f"{'failed':>9} {'':>6}"
        med, lo, hi = s
        return f"{med:9.0f} {(hi - lo) / med if med else 0:6.0%}"

    rows = rows or [(name, label, "ns/op", 1) for name, label in ROWS] + \
        [(BOOT_ROW[0], BOOT_ROW[1], "ms", 1000)]
    notes = []
    for name, label, unit, scale in rows:
        k, l = summarize(keel_runs, name), summarize(linux_runs, name)
        if scale != 1:
            k = k if isinstance(k, str) else tuple(v * scale for v in k)
            l = l if isinstance(l, str) else tuple(v * scale for v in l)
        if isinstance(k, str) or isinstance(l, str):
            failures += 1
            why = "; ".join(f"{who}: {s}" for who, s in (("Keel", k), ("Linux", l))
                            if isinstance(s, str))
            print(f"{label:34} {unit:5} {cell(k)} {cell(l)} {'-':>10}  FAILED")
            notes.append(f"  {label}: {why}")
            continue
        ratio = k[0] / l[0] if l[0] else float("inf")
        verdict = "at or below" if ratio <= 1.0 else f"ABOVE (+{ratio - 1:.0%})"
        missed += ratio > 1.0
        print(f"{label:34} {unit:5} {cell(k)} {cell(l)} {ratio:10.2f}  {verdict}")
    outcome = [f"above Linux on {missed} row(s)"] * bool(missed) + \
        [f"{failures} row(s) failed"] * bool(failures)
    print(f"target: Keel at or below Linux on every row (Keel/Linux <= 1.00): "
          f"{'not met: ' + ', '.join(outcome) if outcome else 'met'}")
    for note in notes:
        print(note)
    for who, runs in (("Keel", keel_runs), ("Linux", linux_runs)):
        clocks = [r["clock"] for r in runs if "clock" in r]
        if clocks:
            c = statistics.median(clocks)
            flag = "" if abs(c - 1) <= CLOCK_TOLERANCE else \
                f"  (off by more than {CLOCK_TOLERANCE:.0%}: its ns/op are suspect)"
            print(f"clock check, {who}: guest CLOCK_MONOTONIC / host time over the run = "
                  f"{c:.3f}{flag}")
    print(elapsed_note)
    return failures


# ---- usertests on Linux ------------------------------------------------------------

def linux_usertests(vmlinuz):
    """Builds user/usertests.c and runs it as /init on Linux: 0 if all passed."""
    if (ROOT / "user" / "usertests.c").exists():
        say("building user/usertests.c")
        try:
            run(["make", "-s", "build/user/usertests"], "building user/usertests.c")
        except BenchFailure as failure:
            lines = str(failure).splitlines()
            errors = [l for l in lines[1:] if "error" in l]
            print(f"\nusertests on Linux: not run: {lines[0]}\n"
                  + "\n".join("    | " + l for l in errors[:10])
                  + (f"\n    ... {len(errors) - 10} more errors" if len(errors) > 10 else ""))
            return 1
    cpio, progs = usertests_initramfs()
    say(f"booting Linux with /init = usertests ({rel(cpio)}: /bin holds {' '.join(progs)})")
    boot = Boot("linux-usertests", ["-kernel", str(vmlinuz), "-initrd", str(cpio),
                                    "-append", LINUX_APPEND], stop_at=USERTESTS_LINE)
    summary = [(l, m) for _, l in boot.lines if (m := USERTESTS_LINE.search(l))]
    if not summary:
        print(f"\nusertests on Linux: no summary line ({boot.why or 'QEMU exited'}); "
              f"serial output:\n{boot.tail(40)}")
        return 1
    line, m = summary[-1]
    print(f"\nusertests on Linux ({cpio.name}): {line.strip()}")
    if int(m.group(2)):
        failed = [l for _, l in boot.lines if re.search(r"\bFAIL", l)]
        print("\n".join("    | " + l for l in failed) if failed else boot.tail(40))
        return 1
    return 0


# ---- main --------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=lambda n: max(1, int(n)), default=3,
                        help="boots of each kernel (default 3)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--usertests", action="store_true",
                       help="only run user/usertests.c on Linux (no benchmark)")
    group.add_argument("--no-usertests", action="store_true",
                       help="skip usertests even when user/usertests.c is there")
    parser.add_argument("--debug-kernel", action="store_true",
                        help="bench Keel's debug build (heap canaries) instead of RELEASE=1")
    opts = parser.parse_args()
    began = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    have_usertests = (ROOT / "user" / "usertests.c").exists() or (USER / "usertests").exists()
    if opts.usertests and not have_usertests:
        say("--usertests: neither user/usertests.c nor build/user/usertests is there")
        return 1
    do_usertests = have_usertests and not opts.no_usertests
    global QEMU_CPU
    try:
        say("getting Linux (tools/linux-kernel)")
        vmlinuz = linux_kernel()
        say(f"Linux: {rel(vmlinuz)}")
        if opts.usertests:
            QEMU_CPU = pin_cpus()
            return linux_usertests(vmlinuz)
        cpio, image = build(opts.debug_kernel)
        QEMU_CPU = pin_cpus()
        say(f"QEMU runs on CPU {QEMU_CPU}, this script on the others" if QEMU_CPU is not None
            else "one CPU: nothing pinned")
        say(f"QEMU command line for both: {QEMU} {' '.join(QEMU_COMMON)}")
        say(f"  Keel adds: -drive file={rel(image)},format=raw,if=ide")
        say(f"  Linux adds: -kernel {rel(vmlinuz)} -initrd {rel(cpio)} -append "
            f"\"{LINUX_APPEND}\"")
        keel_args = ["-drive", f"file={image},format=raw,if=ide"]
        linux_args = ["-kernel", str(vmlinuz), "-initrd", str(cpio), "-append", LINUX_APPEND]
        keel_runs, linux_runs = [], []
        for i in range(1, opts.runs + 1):  # alternating, so slow spells hit both
            for kernel, args, runs in (("Keel", keel_args, keel_runs),
                                       ("Linux", linux_args, linux_runs)):
                t = time.monotonic()
                say(f"boot {i}/{opts.runs}: {kernel} ...")
                runs.append(bench_boot(kernel, args, i))
                say(f"boot {i}/{opts.runs}: {kernel} took {time.monotonic() - t:.1f} s "
                    f"(to /init: {runs[-1]['boot']:.2f} s)")
        failures = report(keel_runs, linux_runs,
                          f"bench_user: {opts.runs} boots each took "
                          f"{time.monotonic() - began:.0f} s in all")
        if do_usertests:
            failures += linux_usertests(vmlinuz)
    except BenchFailure as failure:
        say(str(failure))
        return 1
    print(f"bench_user took {time.monotonic() - began:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
