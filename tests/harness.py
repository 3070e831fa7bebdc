"""Test harness: registers tests, runs emulators headless, and reports.

A test is a function decorated with @test; it passes by returning and fails by
raising Failure (or any exception) with a message that says what was expected and
what was seen."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DISK = ROOT / "disk"
TESTS = []


# The tests that build whole trees build with every core (a build is most of their
# time; the suite has a 5-minute budget on 2 cores).
MAKE_JOBS = f"-j{os.cpu_count() or 1}"

class Failure(Exception):
    pass


def test(fn):
    TESTS.append(fn)
    return fn


def check(condition, message):
    if not condition:
        raise Failure(message)


def tail(text, lines=25):
    """The end of an emulator's output, indented, for a failure message."""
    body = text.strip().splitlines()[-lines:] or ["(nothing)"]
    return "\n".join("    | " + line for line in body)


def scratch_dir():
    path = BUILD / "tests"
    path.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=path))


def kernel_sectors():
    text = (BUILD / "kernel.sum").read_text()
    return int(re.search(r"KERNEL_SECTORS=(\d+)", text).group(1))


# ---- QEMU -------------------------------------------------------------------

QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-nic", "none", "-no-reboot",
        "-boot", "reboot-timeout=0", "-display", "none",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

DRIVES = {
    "ide": ["-drive", "file={img},format=raw,if=ide"],
    "ahci": ["-machine", "q35", "-drive", "file={img},format=raw,if=none,id=d",
             "-device", "ide-hd,drive=d,bus=ide.0"],
    "floppy": ["-drive", "file={img},format=raw,if=floppy", "-boot", "a"],
    "usb-xhci": ["-device", "qemu-xhci", "-drive", "if=none,id=stick,format=raw,file={img}",
                 "-device", "usb-storage,drive=stick,bootindex=0"],
    "usb-ehci": ["-device", "usb-ehci", "-drive", "if=none,id=stick,format=raw,file={img}",
                 "-device", "usb-storage,drive=stick,bootindex=0"],
}


class QemuRun:
    """One QEMU process with COM1, port 0xE9 and a monitor socket of its own."""

    def __init__(self, image, drive="ide", memory="128M", extra=()):
        self.dir = scratch_dir()
        self.serial = self.dir / "serial.log"
        self.debugcon = self.dir / "debugcon.log"
        self.monitor_path = self.dir / "monitor.sock"
        drive_args = [a.replace("{img}", str(image)) for a in DRIVES[drive]]
        self.cmd = QEMU + ["-m", memory, *drive_args,
                           "-serial", f"file:{self.serial}",
                           "-debugcon", f"file:{self.debugcon}",
                           "-monitor", f"unix:{self.monitor_path},server,nowait", *extra]
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def output(self, which="debugcon"):
        path = self.debugcon if which == "debugcon" else self.serial
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for(self, pattern, timeout, which="debugcon"):
        """Waits until `pattern` shows up in the output; returns the output."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.output(which)
            if re.search(pattern, text, re.M):
                return text
            if self.proc.poll() is not None:
                text = self.output(which)
                if re.search(pattern, text, re.M):
                    return text
                emu = self.proc.stdout.read().decode(errors="replace")
                raise Failure(f"QEMU exited ({self.proc.returncode}) before printing "
                              f"/{pattern}/ on {which}; it printed:\n{tail(text)}"
                              + (f"\n  QEMU said:\n{tail(emu)}" if emu.strip() else ""))
            if time.monotonic() > deadline:
                raise Failure(f"no /{pattern}/ on {which} after {timeout} s; it printed:\n"
                              f"{tail(text)}")
            time.sleep(0.05)

    def monitor(self, command):
        """Runs one human-monitor command and returns what it printed."""
        def until_prompt(sock):
            data = b""
            while not data.endswith(b"(qemu) "):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            return data.decode(errors="replace")

        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(10)
            sock.connect(str(self.monitor_path))
            until_prompt(sock)  # the greeting
            sock.sendall(command.encode() + b"\n")
            return until_prompt(sock)

    def read_memory(self, address, length):
        dump = self.dir / f"mem-{address:x}.bin"
        self.monitor(f'pmemsave {address:#x} {length} "{dump}"')
        for _ in range(50):
            if dump.exists() and dump.stat().st_size == length:
                return dump.read_bytes()
            time.sleep(0.05)
        raise Failure(f"QEMU did not dump {length} bytes at {address:#x}")

    def screen_text(self):
        """The VGA text screen, 80x25, as lines."""
        cells = self.read_memory(0xB8000, 80 * 25 * 2)
        chars = bytes(cells[0::2]).decode("cp437")
        return [chars[i:i + 80].rstrip() for i in range(0, 80 * 25, 80)]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- Bochs ------------------------------------------------------------------

def bochs_run(image, until, floppy=False, cpu=None, timeout=120):
    """Boots `image` in Bochs until `until` appears on port 0xE9; returns the output."""
    cmd = [str(ROOT / "tools" / "bochs-run"), "--timeout", str(timeout)]
    if floppy:
        cmd.append("--floppy")
    if cpu:
        cmd += ["--cpu", cpu]
    proc = subprocess.Popen(cmd + [str(image)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    out = b""
    try:
        os.set_blocking(proc.stdout.fileno(), False)
        while proc.poll() is None:
            chunk = proc.stdout.read() or b""
            out += chunk
            if re.search(until, out.decode(errors="replace"), re.M):
                return out.decode(errors="replace")
            time.sleep(0.05)
        out += proc.stdout.read() or b""
        text = out.decode(errors="replace")
        if re.search(until, text, re.M):
            return text
        err = proc.stderr.read().decode(errors="replace")
        raise Failure(f"Bochs ended without /{until}/; it printed:\n{tail(text)}\n"
                      f"  bochs-run said:\n{tail(err)}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


# ---- checks shared by the boot tests -----------------------------------------

READY = r"^keel: ready\r?$"


def check_kernel_boot(text, where):
    """A complete boot: banner, CPU, an E820 map with usable RAM, then ready."""
    check(re.search(r"^Keel x86_64 kernel, booted from BIOS drive 0x[0-9a-f]+", text, re.M),
          f"{where}: no banner in:\n{tail(text)}")
    check(re.search(r"^cpu: \S+", text, re.M), f"{where}: no CPU vendor in:\n{tail(text)}")
    m = re.search(r"^memory map \(BIOS E820, (\d+) entries\):", text, re.M)
    check(m and int(m.group(1)) > 0, f"{where}: no E820 map in:\n{tail(text)}")
    rows = re.findall(r"^  [0-9a-f]{16}-[0-9a-f]{16} (.+)$", text, re.M)
    check(len(rows) == int(m.group(1)),
          f"{where}: E820 header says {m.group(1)} entries, {len(rows)} rows printed")
    check("usable" in rows, f"{where}: no usable E820 entry in:\n{tail(text)}")
    check(re.search(r"^usable memory: \d+ MiB", text, re.M),
          f"{where}: no usable-memory total in:\n{tail(text)}")
    check(re.search(READY, text, re.M), f"{where}: no 'keel: ready' line in:\n{tail(text)}")
    check("PANIC" not in text, f"{where}: the kernel panicked:\n{tail(text)}")


def usable_mib(text):
    return int(re.search(r"^usable memory: (\d+) MiB", text, re.M).group(1))


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def disk_layout(kernel_sectors):
    """(first LBA of the EFI system partition, sectors in the image) for a kernel of
    that many sectors, as the Makefile lays hdd.img out: the ESP starts on the first
    cylinder after the kernel and runs to the end, at least 4096 sectors."""
    cylinder = 1008
    esp = (int(kernel_sectors) + 1 + cylinder - 1) // cylinder * cylinder
    return esp, (esp + 4096 + cylinder - 1) // cylinder * cylinder


def assemble_boot_sector(out, sectors, kernel_sum, *defines):
    """boot/mbr.asm assembled as the Makefile does, into `out`, which must be a
    scratch file: NASM deletes its output when it fails (never /dev/null)."""
    esp, disk = disk_layout(sectors)
    return run(["nasm", "-f", "bin", "-I", "boot/", *(f"-D{d}" for d in defines),
                f"-DKERNEL_SECTORS={sectors}", f"-DKERNEL_SUM={kernel_sum}",
                f"-DESP_START={esp}", f"-DESP_SECTORS={disk - esp}", "-o", str(out),
                "boot/mbr.asm"], cwd=ROOT)


def pin_cpus():
    """With two CPUs or more, every QEMU runs on the last one and this script on the
    others: unpinned, QEMU's threads and the reader trade CPUs, and per-round ratios
    spread about twice as wide (quartiles +-10% against +-4% on a 2-CPU machine).
    Returns QEMU's CPU, or None."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    os.sched_setaffinity(0, cpus[:-1])
    return cpus[-1]
