"""Job control over the serial console, in busybox's interactive shell (the
`make BUSYBOX=1` image): ^C ends a running `sleep`; ^Z stops it, `jobs` lists it
stopped and `fg` lets it finish; a background `cat` that reads the terminal is
stopped by SIGTTIN until `fg` gives it the terminal."""

import os
import re
import time

from harness import MAKE_JOBS, ROOT, check, run, tail, test
from test_shell import Machine

IMAGE = "build/busybox-image"  # test_busybox.py builds the same one
PROMPT = "/ # "


def busybox_image():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    out = run(["make", MAKE_JOBS, "-s", "BUSYBOX=1", f"BUILD={IMAGE}", f"DISK={IMAGE}", f"{IMAGE}/hdd.img"],
              cwd=ROOT, env=env)
    check(out.returncode == 0, f"make BUSYBOX=1 failed:\n{out.stderr[-2000:]}")
    return ROOT / IMAGE / "hdd.img"


def output_of(m, command):
    return "\n".join(l.rstrip("\r") for l in m.run(command).split("\n")[1:]).strip()


@test
def ctrl_c_ctrl_z_and_fg_work_in_busyboxs_shell_over_serial():
    with Machine(image=busybox_image(), prompt=PROMPT) as m:
        # ^C: the sleep ends at once, with SIGINT's status.
        m.type("sleep 30\r")
        time.sleep(0.5)
        start = time.monotonic()
        m.type("\x03")
        m.wait_for(re.escape(PROMPT), timeout=10)
        check(time.monotonic() - start < 5, "^C did not end sleep 30 at once")
        check(output_of(m, "echo st=$?") == "st=130", f"^C's status:\n{tail(m.output)}")

        # ^Z: stopped, reported, listed; fg continues it to its end.
        m.type("sleep 2\r")
        time.sleep(0.5)
        m.type("\x1a")
        m.wait_for(r"Stopped\s+sleep 2", timeout=10)
        m.wait_for(re.escape(PROMPT), timeout=10)
        check(re.search(r"Stopped\s+sleep 2", output_of(m, "jobs")),
              f"jobs does not list the stopped sleep:\n{tail(m.output)}")
        start = time.monotonic()
        got = output_of(m, "fg; echo fg=$?")
        check("fg=0" in got, f"fg did not let sleep finish with status 0:\n{tail(m.output)}")
        check(time.monotonic() - start > 0.5, "sleep finished before fg continued it")

        # A background read: SIGTTIN stops it; fg hands it the terminal.
        m.type("cat &\r")
        m.wait_for(re.escape(PROMPT), timeout=10)
        time.sleep(0.5)
        check(re.search(r"Stopped \(tty input\)\s+cat", output_of(m, "jobs")),
              f"the background cat was not stopped by SIGTTIN:\n{tail(m.output)}")
        m.type("fg\r")
        m.wait_for(r"^cat\r?$", timeout=10)
        m.type("typed-after-fg\r")
        m.wait_for(r"^typed-after-fg\r?\n(\r)?typed-after-fg", timeout=10)
        m.type("\x04")
        m.wait_for(re.escape(PROMPT), timeout=10)
