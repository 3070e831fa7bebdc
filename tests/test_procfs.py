"""/proc through Debian's busybox, in one boot: tests/busybox/proc.sh's first part
must print on Keel what it prints on this machine's Linux (formats, errors, with the
numbers masked); its second part runs ps, free, uptime, top -b -n 1 and mount, and
what they print is checked against what the kernel says (its frames at boot, the
pids the script learns), and reading /proc over and over takes no memory."""

import os
import re
import subprocess

from harness import BUILD, MAKE_JOBS, ROOT, QemuRun, check, run, scratch_dir, tail, test
from test_busybox import BUSYBOX, applets, keel_root, make_env

SCRIPT = ROOT / "tests" / "busybox" / "proc.sh"
OUT = BUILD / "procfs-test"


def on_linux():
    """The script's first part under busybox's shell here, only its applets on PATH,
    stderr in line with stdout as on Keel."""
    bindir = scratch_dir() / "applets"
    bindir.mkdir()
    for name in {os.path.basename(a) for a in applets()}:
        (bindir / name).symlink_to(BUSYBOX)
    first = SCRIPT.read_text().split('echo "== keel"')[0]
    out = subprocess.run([BUSYBOX, "sh", "-c", first], cwd="/tmp", stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, env={"PATH": str(bindir)},
                         timeout=60)
    lines = out.stdout.split("\n")
    return lines[lines.index("== same as on Linux") + 1:-1]


def between(lines, first, last):
    start, end = lines.index(first), lines.index(last)
    return lines[start + 1:end]


def line_after(lines, prefix):
    found = [l for l in lines if l.startswith(prefix)]
    check(found, f"no line starting {prefix!r} in:\n" + "\n".join(lines))
    return found[0][len(prefix):]


def table(lines, header):
    """The rows under a header line matching `header`, up to the first blank or '=='."""
    at = next((i for i, l in enumerate(lines) if re.match(header, l)), None)
    check(at is not None, f"no header {header!r} in:\n" + "\n".join(lines))
    rows = []
    for l in lines[at + 1:]:
        if not l.strip() or not re.match(r"^\s*\d", l):
            break
        rows.append(l.split(None, 7 if "PPID" in lines[at] else 2))
    return rows


def names(command, comm):
    """Whether ps's COMMAND column names `comm`: its argv, or "{comm} argv" when the
    shell ran the applet without exec (as it does for `exec ps`, on Linux too)."""
    return command.split()[0] == comm or command.startswith("{" + comm + "} ")


def check_ps(lines):
    me = int(line_after(lines, "ps pid: "))
    rows = {int(r[0]): r[-1] for r in table(lines, r"^PID\s+USER\s+COMMAND$")}
    check(me in rows and names(rows[me], "ps"), f"ps does not list itself as pid {me}: {rows}")
    check(1 in rows and "init" in rows[1], f"ps does not list init as pid 1: {rows}")
    check(any("sh /proc.sh" in c for c in rows.values()), f"no script shell in ps: {rows}")


def check_memory(lines, text):
    frames = int(re.search(r"^frames: (\d+) total", text, re.M).group(1))
    meminfo = {m.group(1): int(m.group(2)) for l in lines
               if (m := re.match(r"^(MemTotal|MemFree|Cached):\s+(\d+) kB$", l))}
    check(meminfo.get("MemTotal") == frames * 4,
          f"MemTotal {meminfo.get('MemTotal')} kB, but the kernel has {frames} frames")
    mem = line_after(lines, "Mem: ").split()
    check(len(mem) == 6, f"free's Mem line has {len(mem)} numbers: {mem}")
    total, used, free, shared, cache, available = map(int, mem)
    check(total == meminfo["MemTotal"], f"free says total {total}, /proc/meminfo {meminfo}")
    check(used + free + cache == total, f"free's used {used} + free {free} + cache {cache} "
          f"is not its total {total}")
    check(shared == cache == meminfo["Cached"] >= 256,
          f"a 256 KiB file in /tmp, free's shared {shared} and cache {cache}, {meminfo}")
    check(abs(free - meminfo["MemFree"]) < total // 50 and 0 < available <= total,
          f"free says {free} free and {available} available, /proc/meminfo {meminfo}")
    check(line_after(lines, "Swap: ").split() == ["0", "0", "0"], "free shows swap")


def check_times(lines):
    up = [l for l in lines if " up " in l]
    check(up and re.match(r"^ \d\d:\d\d:\d\d up +(\d+ min|\d+:\d\d),\s+0 users,\s+load "
                          r"average: 0\.00, 0\.00, 0\.00$", up[0]), f"uptime printed {up}")
    stamps = [l for l in lines if re.match(r"^\d+\.\d\d \d+\.\d\d$", l)]
    check(stamps, "no /proc/uptime line")
    seconds, idle = map(float, stamps[0].split())
    check(0 <= idle <= seconds and 0 < seconds < 120, f"/proc/uptime says {stamps[0]}")


def check_self(lines):
    pid = line_after(lines, "status pid: ")
    status = dict(l.split(":\t", 1) for l in lines if re.match(r"^[A-Za-z_]+:\t", l))
    check(status.get("Name") == "cat" and status.get("Pid") == pid and
          status.get("State") == "R (running)",
          f"/proc/self/status of cat (pid {pid}) says {status}")
    check("/bin/busybox" in lines, "readlink /proc/self/exe did not print /bin/busybox")
    links = [l for l in lines if re.match(r"^\d+ -> ", l)]
    check("0 -> /dev/console" in links and any(re.match(r"^1 -> pipe:\[\d+\]$", l)
                                                for l in links),
          f"ls -l /proc/self/fd shows {links}")
    check(re.search(r"^sleep \d+: sleep 5 $", "\n".join(lines), re.M),
          "the cmdline of `sleep 5 &` is not 'sleep 5': "
          + str([l for l in lines if l.startswith("sleep")]))


def check_top(lines):
    me = int(line_after(lines, "top pid: "))
    check(re.match(r"^\d+K used, \d+K free", line_after(lines, "Mem: ")) or
          any(re.match(r"^Mem: \d+K used, \d+K free, ", l) for l in lines),
          "top printed no Mem: line")
    check(any(re.match(r"^Load average: 0\.00 0\.00 0\.00 \d+/\d+ \d+$", l) for l in lines),
          "top printed no load average")
    rows = {int(r[0]): r for r in
            table(lines, r"^\s*PID\s+PPID\s+USER\s+STAT\s+VSZ\s+%VSZ\s+%CPU\s+COMMAND$")}
    check(me in rows and rows[me][3] == "R" and names(rows[me][-1], "top"),
          f"top's table has no running row for itself (pid {me}): {rows}")
    check(1 in rows and rows[1][1] == "0", f"top's table has no row for init: {rows}")


def check_mounts(lines):
    for said in ("mount proc: 0", "mount devtmpfs: 0", "mount tmpfs: 0", "umount tmpfs: 0",
                 "mount: mounting sysfs on /tmp failed: No such device",
                 "proc on /proc type proc (rw)", "tmpfs on /tmp type tmpfs (rw)",
                 "umount: can't unmount /proc: Device or resource busy"):
        check(said in lines, f"no {said!r} in:\n" + "\n".join(lines[-12:]))


def check_no_leak(lines):
    before = line_after(lines, "free before 20 rounds of reads: ")
    after = line_after(lines, "free after them: ")
    # A page a round would be 80 KiB; the shared-frame table (the page cache's too)
    # may stand a size up or down after the rounds, a few KiB: not a leak.
    kb = [int(re.search(r"(\d+) kB", t).group(1)) for t in (before, after)]
    check(kb[0] - kb[1] < 32, f"reading /proc 20 times over took memory: {before} -> {after}")


@test
def busyboxs_ps_top_free_and_uptime_read_proc_as_on_linux():
    check(os.path.exists(BUSYBOX), f"no {BUSYBOX}: tools/deps installs busybox-static")
    linux = on_linux()
    rel = OUT.relative_to(ROOT)
    out = run(["make", MAKE_JOBS, "-s", f"BUILD={rel}", f"DISK={rel}", f"INITRAMFS={keel_root(SCRIPT)}",
               f"{rel}/hdd.img"], cwd=ROOT, env=make_env())
    check(out.returncode == 0, f"make INITRAMFS=(busybox root) failed:\n{out.stderr[-2000:]}")
    with QemuRun(OUT / "hdd.img", "ide", memory="256M") as vm:
        text = vm.wait_for(r"^keel: init exited with status \d+", 60, which="serial")
    lines = [l.rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]
    check("== end" in lines, f"the script did not run through:\n{tail(text, 30)}")
    keel = between(lines, "== same as on Linux", "== keel")
    diff = [f"  Keel:  {k!r}\n  Linux: {l!r}" for k, l in zip(keel, linux) if k != l]
    check(keel == linux, f"/proc reads otherwise than on Linux ({len(keel)} lines against "
          f"{len(linux)}):\n" + "\n".join(diff[:8]))
    rest = between(lines, "== keel", "== end")
    check_ps(rest)
    check_memory(rest, text)
    check_times(rest)
    check_self(rest)
    check_top(rest)
    check_mounts(rest)
    check_no_leak(rest)
    check("PANIC" not in text, f"the kernel panicked:\n{tail(text)}")
