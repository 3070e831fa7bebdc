"""Host unit tests of kernel/lib and the UEFI loader's memory map: each tests/host/test_*.c below is compiled for the
host with AddressSanitizer and UBSan, together with the kernel sources it tests, into
build/tests/host/. Every case group the binary lists (`--list`) becomes one test
here, named unit_<binary>_<group>; the binary runs once, on the first of its tests,
and each test reads its group's "... ok" / "... FAILED: ..." line from that run.

Building happens at import (so the groups are known) and is skipped while the binary
is newer than its sources and was built with the same commands. If a build fails,
unit_<binary>_builds fails with the compiler's message and no group tests exist;
unit_<binary>_exits_cleanly catches crashes and sanitizer reports (e.g. leaks at exit)
that no group line shows."""

import json
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

from harness import BUILD, ROOT, Failure, tail, test

OUT = BUILD / "tests" / "host"
CC = "gcc"
SANITIZE = ["-std=gnu11", "-g", "-O1", "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all", "-Wall", "-Wextra", "-Werror"]
# The kernel's sources are built as the kernel builds them, as far as a hosted,
# sanitized binary allows (no -mcmodel, -mno-red-zone and the like).
KERNEL_FLAGS = SANITIZE + ["-Wshadow", "-Wstrict-prototypes", "-Wmissing-prototypes",
                           "-ffreestanding", "-fno-builtin", "-fno-tree-loop-distribute-patterns"]

# name: (test source, kernel sources, header whose functions get a k_ prefix or None
#        [, flags for every file, e.g. -D options that pick a build of the sources])
BINARIES = {
    "format": ("tests/host/test_format.c", ["kernel/lib/format.c"], None),
    # string.c defines memset, strlen...: renamed to k_memset... so that neither the
    # C library's nor ASan's interceptors clash with them.
    "string": ("tests/host/test_string.c", ["kernel/lib/string.c"], "kernel/lib/string.h"),
    # The UEFI loader's map conversion (boot/uefi/memmap.c).
    "uefi_memmap": ("tests/host/test_uefi_memmap.c", ["boot/uefi/memmap.c"], None),
}


def declared_functions(header):
    text = re.sub(r"/\*.*?\*/", "", (ROOT / header).read_text(), flags=re.S)
    names = re.findall(r"^(?!typedef\b)[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\(", text, re.M)
    return sorted({n for n in names if not n.startswith("__")})


def head(text, lines=30):
    """The start of a compiler's output (its first errors), indented."""
    body = text.strip().splitlines()
    more = [f"... ({len(body) - lines} more lines)"] if len(body) > lines else []
    return "\n".join("    | " + line for line in body[:lines] + more)


def build(name):
    """Builds one binary if it is out of date; returns (path, None) or (None, error)."""
    source, kernel_sources, renamed, *more = BINARIES[name]
    flags = more[0] if more else []
    exe = OUT / f"test_{name}"
    defines = [f"-D{f}=k_{f}" for f in declared_functions(renamed)] if renamed else []
    objects = [f"{{tmp}}/{i}.o" for i in range(len(kernel_sources))]
    commands = [[CC, *KERNEL_FLAGS, *flags, *defines, "-c", src, "-o", obj]
                for src, obj in zip(kernel_sources, objects)]
    commands.append([CC, *SANITIZE, *flags, "-o", "{tmp}/exe", source, *objects])

    stamp = exe.with_suffix(".cmd")
    inputs = [ROOT / source, *(ROOT / s for s in kernel_sources), *(ROOT / "kernel").rglob("*.h"),
              *(ROOT / "boot").rglob("*.h"), *(ROOT / "tests" / "host").glob("*.h")]
    try:
        fresh = (json.loads(stamp.read_text()) == commands and
                 exe.stat().st_mtime_ns >= max(p.stat().st_mtime_ns for p in inputs))
    except (OSError, ValueError):
        fresh = False
    if fresh:
        return exe, None

    OUT.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=OUT)
    try:
        for cmd in commands:
            cmd = [a.replace("{tmp}", tmp) for a in cmd]
            try:
                out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
            except (OSError, subprocess.TimeoutExpired) as e:
                return None, f"could not run {CC}: {e}"
            if out.returncode != 0:
                return None, (f"{' '.join(cmd)}\nfailed ({out.returncode}):\n"
                              f"{head(out.stderr + out.stdout)}")
        shutil.move(f"{tmp}/exe", exe)  # a rename: readers never see half a binary
        stamp.write_text(json.dumps(commands))
        return exe, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def list_groups(exe):
    try:
        out = subprocess.run([str(exe), "--list"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"{exe.name} --list did not run: {e}"
    groups = out.stdout.split()
    if out.returncode != 0 or not groups:
        return None, (f"{exe.name} --list failed ({out.returncode}):\n"
                      f"{tail(out.stdout + out.stderr)}")
    return groups, None


class Run:
    """The binary's one run, made on first use: its result lines, status and stderr."""

    def __init__(self, exe):
        self.exe = exe
        self.done = False

    def get(self):
        if not self.done:
            try:
                out = subprocess.run([str(self.exe)], capture_output=True, text=True, timeout=300)
                self.stdout, self.stderr, self.rc = out.stdout, out.stderr, out.returncode
            except (OSError, subprocess.TimeoutExpired) as e:
                self.stdout, self.stderr, self.rc = "", str(e), None
            self.lines = dict(re.findall(r"^(\w+) \.\.\. (.*)$", self.stdout, re.M))
            self.done = True
        return self


def group_test(name, group, run):
    def check_group():
        r = run.get()
        line = r.lines.get(group)
        if line is None:
            raise Failure(f"{run.exe.name} printed no result for {group}: it stopped with "
                          f"status {r.rc} before; its stderr:\n{tail(r.stderr)}")
        if not line.startswith("ok"):
            raise Failure(line.removeprefix("FAILED: "))
    check_group.__name__ = f"unit_{name}_{group}"
    return check_group


def exit_test(name, groups, run):
    def exits_cleanly():
        r = run.get()
        failed = [g for g in groups if not r.lines.get(g, "").startswith("ok")]
        if r.rc != (1 if failed else 0) or "Sanitizer" in r.stderr or "runtime error" in r.stderr:
            raise Failure(f"{run.exe.name} exited with status {r.rc} ({len(failed)} groups "
                          f"failed or missing); its stderr:\n{tail(r.stderr)}")
    exits_cleanly.__name__ = f"unit_{name}_exits_cleanly"
    return exits_cleanly


def build_test(name, error):
    def builds():
        if error:
            raise Failure(error)
    builds.__name__ = f"unit_{name}_builds"
    return builds


def register_built(name, exe, error):
    """Registers a binary's tests: unit_NAME_builds, one per group it lists, and
    unit_NAME_exits_cleanly."""
    groups = None
    if exe:
        groups, error = list_groups(exe)
    test(build_test(name, error))
    if groups:
        run = Run(exe)
        for group in groups:
            test(group_test(name, group, run))
        test(exit_test(name, groups, run))


def register_binary(name, spec):
    """For other test modules: adds a spec as in BINARIES under `name`, builds it
    and registers its tests."""
    BINARIES[name] = spec
    register_built(name, *build(name))


def register():
    with ThreadPoolExecutor(len(BINARIES)) as pool:
        built = dict(zip(BINARIES, pool.map(build, BINARIES)))
    for name, (exe, error) in built.items():
        register_built(name, exe, error)


register()
