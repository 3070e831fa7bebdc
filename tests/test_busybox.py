"""Debian's busybox-static (tools/deps installs it) on Keel: its shell runs a script
of ours (tests/busybox/script.sh: quoting, substitution, functions, loops, pipes,
common applets, files, background jobs, kill, trap) and prints exactly what it
prints on this machine's Linux; and `make BUSYBOX=1` boots into its interactive
shell."""

import os
import re
import shutil
import subprocess

from harness import BUILD, ROOT, QemuRun, check, run, scratch_dir, tail, test
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


def keel_root():
    """/init runs the script under busybox's shell; /bin/busybox and its applet links."""
    root = scratch_dir() / "root"
    (root / "bin").mkdir(parents=True)
    (root / "tmp").mkdir()
    shutil.copy(BUSYBOX, root / "bin" / "busybox")
    for a in applets():
        (root / a).parent.mkdir(parents=True, exist_ok=True)
        if not (root / a).exists():
            (root / a).symlink_to("/bin/busybox")
    shutil.copy(SCRIPT, root / "script.sh")
    # Its output through a pipe, as on Linux here: applets like ls format for a tty.
    (root / "init").write_text("#!/bin/busybox sh\n/bin/busybox sh /script.sh 2>&1 | cat\n")
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
    out = run(["make", "-s", f"BUILD={rel}", f"DISK={rel}", f"INITRAMFS={keel_root()}",
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


@test
def make_busybox_1_boots_into_busyboxs_interactive_shell():
    rel = "build/busybox-image"
    out = run(["make", "-s", "BUSYBOX=1", f"BUILD={rel}", f"DISK={rel}", f"{rel}/hdd.img"],
              cwd=ROOT, env=make_env())
    check(out.returncode == 0, f"make BUSYBOX=1 failed:\n{out.stderr[-2000:]}")
    with Machine(image=ROOT / rel / "hdd.img", prompt="/ # ") as m:  # waits for it
        check("built-in shell (ash)" in m.output, f"no busybox banner:\n{tail(m.output)}")
        m.type("echo $((6 * 7)) | cat; uname -s\r")
        m.wait_for(r"^42\r?$")
        m.wait_for(r"^Keel\r?$")
