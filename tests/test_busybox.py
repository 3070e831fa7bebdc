"""Debian's busybox-static (tools/deps installs it) on Keel: its shell runs a script
of ours (tests/busybox/script.sh: quoting, substitution, functions, loops,
pipelines, redirections, here-documents, background jobs and wait, kill, trap; ls,
cat, grep, sed, awk, sort, uniq, find, xargs, dd, md5sum, head, tail and wc with
their common options) and prints exactly what it prints on this machine's Linux; and `make BUSYBOX=1` boots into its interactive
shell, where busybox's vi edits a file with keys typed over COM1, and user/ttytest
sees the terminal do what a pseudo-terminal on this machine's Linux does."""

import hashlib
import os
import pty
import re
import select
import shutil
import subprocess
import time

from harness import (BUILD, MAKE_JOBS, ROOT, Failure, QemuRun, check, run, scratch_dir, tail,
                     test)
from test_shell import Machine

BUSYBOX = "/bin/busybox"
SCRIPT = ROOT / "tests" / "busybox" / "script.sh"
OUT = BUILD / "busybox-test"


def make_env():
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}


def applets():
    """Where busybox puts each applet (bin/ls, usr/bin/awk, ...), but init and linuxrc."""
    names = run([BUSYBOX, "--list-full"]).stdout.split()
    return [n for n in names if n not in ("bin/busybox", "sbin/init", "linuxrc")]


def on_linux():
    """The script under busybox's shell here, with only busybox's applets on PATH."""
    bindir = scratch_dir() / "applets"
    bindir.mkdir()
    for name in {os.path.basename(a) for a in applets()}:
        (bindir / name).symlink_to(BUSYBOX)
    out = subprocess.run([BUSYBOX, "sh", str(SCRIPT)], cwd="/tmp", capture_output=True,
                         text=True, env={"PATH": str(bindir)}, timeout=60)
    return out.stdout + out.stderr


def keel_root(script=SCRIPT):
    """/init runs `script` under busybox's shell; /bin/busybox and its applet links."""
    root = scratch_dir() / "root"
    (root / "bin").mkdir(parents=True)
    (root / "tmp").mkdir()
    shutil.copy(BUSYBOX, root / "bin" / "busybox")
    for a in applets():
        (root / a).parent.mkdir(parents=True, exist_ok=True)
        if not (root / a).exists():
            (root / a).symlink_to("/bin/busybox")
    shutil.copy(script, root / script.name)
    # Its output through a pipe, as on Linux here: applets like ls format for a tty.
    (root / "init").write_text(f"#!/bin/busybox sh\n/bin/busybox sh /{script.name} 2>&1 | cat\n")
    (root / "init").chmod(0o755)
    return root


def block(text):
    """The script's lines: from its first heading to its EXIT trap's line."""
    lines = [l.rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]
    start = next((i for i, l in enumerate(lines) if l == "== words and quoting"), None)
    end = next((i for i, l in enumerate(lines) if l == "trap: exit"), None)
    check(start is not None and end is not None,
          f"the script did not run through:\n{tail(text, 30)}")
    return lines[start:end + 1]


@test
def busyboxs_shell_runs_a_script_as_on_linux():
    check(os.path.exists(BUSYBOX), f"no {BUSYBOX}: tools/deps installs busybox-static")
    linux = block(on_linux())
    rel = OUT.relative_to(ROOT)
    out = run(["make", MAKE_JOBS, "-s", f"BUILD={rel}", f"DISK={rel}", f"INITRAMFS={keel_root()}",
               f"{rel}/hdd.img"], cwd=ROOT, env=make_env())
    check(out.returncode == 0, f"make INITRAMFS=(busybox root) failed:\n{out.stderr[-2000:]}")
    with QemuRun(OUT / "hdd.img", "ide", memory="256M") as vm:
        text = vm.wait_for(r"^keel: init exited with status \d+", 120, which="serial")
    keel = block(text)
    diff = [f"  Keel:  {k!r}\n  Linux: {l!r}" for k, l in zip(keel, linux) if k != l]
    check(keel == linux, f"busybox's shell printed otherwise than on Linux "
          f"({len(keel)} lines against {len(linux)}):\n" + "\n".join(diff[:8]))
    check(re.search(r"^keel: init exited with status 0\r?$", text, re.M),
          f"the script did not end with status 0:\n{tail(text)}")


# ---- the interactive shell, vi and the terminal -----------------------------------

# Keys for vi, each group typed once the screen shows the pattern of the one before.
# A group ends in ESC, and the pattern waits for the status line's mode to go from
# insert (I) back to command (-): vi reads what comes within 50 ms of an ESC as part
# of an escape sequence. Enter is CR (vi clears ICRNL).
VI_KEYS = [
    ("vi /tmp/f\r", r"- /tmp/f "),
    ("ione\rtwo\rthree\rfour\x1b", r"I /tmp/f.*- /tmp/f \[Modified\] 4/4"),
    ("1GddpxjA!!\x1b", r"I /tmp/f.*- /tmp/f \[Modified\] 3/4"),
    ("Gofive\x1b", r"I /tmp/f.*- /tmp/f \[Modified\] 5/5"),
    (":wq\r", r"'/tmp/f' 5L, 25C"),
]
VI_FILE = b"two\nne\nthree!!\nfour\nfive\n"

# What user/ttytest asks for ("NAME: ready") and the keys typed then; a tuple is typed
# a part at a time, each after the echo of the one before (Linux's pty drops echo not
# yet written when ^C comes in the same batch; COM1 brings bytes one at a time).
TTY_STEPS = [
    ("erase", "abX\x7fc\r"), ("kill", "junk\x15ok\r"),
    ("word erase", "foo/bar baz\x17\x17qux\r"), ("tab erase", "a\tb\x7f\x7fc\r"),
    ("literal next", "a\x16\x03b\r"), ("reprint", "abc\x12d\r"),
    ("control echo", "a\x01b\x7f\x7f\r"), ("end of file", "xy\x04"),
    ("end of file again", "\x04"), ("end of line", "ab;cd\r"),
    ("no ECHOE", "ab\x7f\r"), ("no ECHOKE", "ab\x15c\r"), ("no ECHO, ECHONL", "secret\r"),
    ("INLCR", "a\nb\x04"), ("IGNCR", "a\rb\n"), ("ISTRIP", "\xe1\xe2\r"),
    ("VMIN 1", "q"), ("VMIN 3", "ab"), ("the third", "c"), ("VMIN 0, VTIME 3", "z"),
    ("VMIN 5, VTIME 2", "xy"), ("raw echo", "\x01"), ("TCSETSF", "junk"),
    ("flushed", "ok\r"), ("tcflush", "zz"), ("raw to canonical", "ab"),
    ("canonical to raw", "cd"), ("^C", ("ab", "\x03")), ("^C, NOFLSH", ("ab", "\x03\r")),
]


class Pty:
    """A program on this machine's Linux under a pseudo-terminal, with test_shell's
    Machine's wait_for and keys."""

    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.output, self.mark = "", 0

    def wait_for(self, pattern, timeout=20):
        deadline = time.monotonic() + timeout
        while not (m := re.search(pattern, self.output[self.mark:], re.M)):
            if time.monotonic() > deadline:
                raise Failure(f"no /{pattern}/ from the pty in {timeout} s:\n"
                              f"{tail(self.output[self.mark:])}")
            if select.select([self.fd], [], [], 0.1)[0]:
                try:
                    self.output += os.read(self.fd, 4096).decode("latin-1")
                except OSError:  # the program ended
                    time.sleep(0.1)
        seen = self.output[self.mark:self.mark + m.end()]
        self.mark += m.end()
        return seen

    def type(self, text):
        os.write(self.fd, text.encode("latin-1"))

    def close(self):
        os.close(self.fd)
        os.waitpid(self.pid, 0)


def send(term, text):
    """Types text on a Pty or on a Machine's COM1, a byte for each character."""
    if isinstance(term, Pty):
        term.type(text)
    else:
        term.serial.sendall(text.encode("latin-1"))


def drive_ttytest(term):
    """Answers each of ttytest's steps; returns what the terminal showed from its
    start to its end, each run of CRs before a LF taken out (COM1 sends "\r\n" for a
    newline whatever ONLCR says; see tty_output.c)."""
    seen = term.wait_for(r"ttytest: start")
    text = seen[seen.rindex("ttytest: start"):]
    for name, keys in TTY_STEPS:
        text += term.wait_for(re.escape(name) + r": ready\r?\n")
        parts = keys if isinstance(keys, tuple) else (keys,)
        for i, part in enumerate(parts):
            send(term, part)
            if i + 1 < len(parts):
                text += term.wait_for(re.escape(part))
    text += term.wait_for(r"ttytest: done")
    return re.sub(r"\r+\n", "\n", text).split("\n")


def check_vi(m):
    for keys, screen in VI_KEYS:
        m.type(keys)
        m.wait_for(screen, timeout=15)
    m.wait_for(re.escape(m.prompt))
    out = m.run("md5sum /tmp/f")
    want = hashlib.md5(VI_FILE).hexdigest()
    if want not in out:
        raise Failure(f"vi saved otherwise than expected (md5 {want} of {VI_FILE!r}):\n"
                      f"{tail(m.run('cat /tmp/f'))}")


@test
def make_busybox_1_boots_into_busyboxs_shell_vi_edits_and_the_tty_acts_as_linuxs():
    rel = "build/busybox-image"
    out = run(["make", MAKE_JOBS, "-s", "BUSYBOX=1", f"BUILD={rel}", f"DISK={rel}", f"{rel}/hdd.img"],
              cwd=ROOT, env=make_env())
    check(out.returncode == 0, f"make BUSYBOX=1 failed:\n{out.stderr[-2000:]}")
    linux = Pty([str(BUILD / "user" / "ttytest")])
    try:
        on_linux = drive_ttytest(linux)
    finally:
        linux.close()
    with Machine(image=ROOT / rel / "hdd.img", prompt="/ # ") as m:  # waits for it
        check("built-in shell (ash)" in m.output, f"no busybox banner:\n{tail(m.output)}")
        m.type("echo $((6 * 7)) | cat; uname -s\r")
        m.wait_for(r"^42\r?$")
        m.wait_for(r"^Keel\r?$")
        # The issue's own two: `ls -l /bin | head` and `ps` at the prompt.
        m.type("ls -l /bin | head -3\r")
        m.wait_for(r"^lrwxrwxrwx +1 0 +0 +\d+ .* arch -> /bin/busybox\r?$")
        m.type("ps\r")
        m.wait_for(r"^PID +USER +COMMAND\r?$")
        m.wait_for(r"^ +1 0 +/init\r?$")
        m.wait_for(r"^ +\d+ 0 +\{ps\} sh\r?$")  # ash runs the applet in its fork
        check_vi(m)
        m.type("ttytest\r")
        on_keel = drive_ttytest(m)
    diff = [f"  Keel:  {k!r}\n  Linux: {l!r}" for k, l in zip(on_keel, on_linux) if k != l]
    check(on_keel == on_linux, f"ttytest saw otherwise than on Linux ({len(on_keel)} lines "
          f"against {len(on_linux)}):\n" + "\n".join(diff[:8]))
