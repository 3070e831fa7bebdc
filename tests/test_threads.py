"""Threads from glibc: user/threads.c built with the host's glibc (static,
-pthread), whose pthread_create asks for clone3 and whose mutexes and condition
variables use FUTEX_WAIT_BITSET, runs as Keel's /init and prints line for line what
it prints on this Linux. (The musl build runs in test_userspace.py.)"""

import os
import re
import subprocess

from harness import BUILD, MAKE_JOBS, ROOT, QemuRun, check, run, scratch_dir, tail, test

OUT = BUILD / "threads-glibc"


def build_glibc_threads(to):
    out = run(["gcc", "-static", "-pthread", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(to),
               str(ROOT / "user" / "threads.c")])
    check(out.returncode == 0, f"gcc -static -pthread user/threads.c failed:\n{out.stderr[-2000:]}")


def program_lines(text):
    """Its lines, without Keel's own (`keel: ...`) and the kernel's start-up."""
    lines = [l.rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]
    start = next((i for i, l in enumerate(lines) if l.startswith("mutex counter:")), None)
    end = next((i for i, l in enumerate(lines) if l == "threads: done"), None)
    check(start is not None and end is not None, f"threads did not run through:\n{tail(text, 30)}")
    return [l for l in lines[start:end + 1] if not l.startswith("keel: ")]


@test
def glibc_threads_run_as_on_linux():
    root = scratch_dir() / "root"
    (root / "bin").mkdir(parents=True)
    build_glibc_threads(root / "bin" / "threads")  # exec'd again by that path
    (root / "init").symlink_to("/bin/threads")
    linux = subprocess.run([str(root / "bin" / "threads")], capture_output=True, text=True,
                           timeout=60).stdout
    rel = OUT.relative_to(ROOT)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    out = run(["make", MAKE_JOBS, "-s", f"BUILD={rel}", f"DISK={rel}", f"INITRAMFS={root}",
               f"{rel}/hdd.img"], cwd=ROOT, env=env)
    check(out.returncode == 0, f"make INITRAMFS=(glibc threads) failed:\n{out.stderr[-2000:]}")
    with QemuRun(OUT / "hdd.img", "ide") as vm:
        text = vm.wait_for(r"^keel: init exited with status \d+", 90, which="serial")
    keel, want = program_lines(text), program_lines(linux)
    diff = [f"  Keel:  {k!r}\n  Linux: {l!r}" for k, l in zip(keel, want) if k != l]
    check(keel == want, "glibc's threads differ from Linux:\n" + "\n".join(diff[:8]))
    check(re.search(r"^keel: init exited with status 0\r?$", text, re.M),
          f"threads did not exit 0:\n{tail(text)}")
