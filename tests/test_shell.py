"""The interactive kernel: scripted shell sessions over the serial line, keys typed
through QEMU's QMP, the timer, the 8259 fallback, poweroff and reboot."""

import json
import re
import shutil
import socket
import subprocess
import time

from harness import BUILD, DRIVES, Failure, check, scratch_dir, tail, test

# The shipped kernel without /init (make kshell-image): it boots into this shell.
KSHELL_IMAGE = BUILD / "kshell" / "hdd.img"

PROMPT = "keel> "
TIMEOUT = 60


class Machine:
    """QEMU with COM1 on a socket we type into and QMP for the keyboard."""

    def __init__(self, extra=(), image=KSHELL_IMAGE, prompt=PROMPT, memory="128M", drive="ide"):
        self.prompt = prompt
        self.dir = scratch_dir()
        serial, qmp = self.dir / "serial.sock", self.dir / "qmp.sock"
        drive_args = [a.replace("{img}", str(image)).replace("format=raw", "format=raw,snapshot=on")
                      for a in DRIVES[drive]]
        self.proc = subprocess.Popen(
            ["qemu-system-x86_64", "-accel", "tcg", "-m", memory, "-nic", "none",
             "-display", "none", "-no-reboot", "-boot", "reboot-timeout=0", *drive_args,
             "-chardev", f"socket,id=com1,path={serial},server=on,wait=off",
             "-serial", "chardev:com1", "-qmp", f"unix:{qmp},server=on,wait=off", *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.serial = self._connect(serial)
        self.qmp = self._connect(qmp)
        self.qmp_reader = self.qmp.makefile("r")
        self._qmp_read()  # greeting
        self.qmp_command("qmp_capabilities")
        self.output = ""
        self.mark = 0

    def _connect(self, path):
        for _ in range(200):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(str(path))
                return s
            except OSError:
                s.close()
                time.sleep(0.05)
        raise Failure(f"QEMU did not open {path}: {self.proc.stderr.read1().decode()}")

    def _qmp_read(self):
        while True:
            reply = json.loads(self.qmp_reader.readline())
            if "event" not in reply:
                return reply

    def qmp_command(self, name, **arguments):
        self.qmp.sendall(json.dumps({"execute": name, "arguments": arguments}).encode() + b"\n")
        return self._qmp_read()

    def wait_for(self, pattern, timeout=TIMEOUT):
        """Reads COM1 until `pattern` appears after what earlier waits consumed, and
        returns the text up to the end of the match."""
        deadline = time.monotonic() + timeout
        self.serial.settimeout(0.1)
        while True:
            m = re.search(pattern, self.output[self.mark:], re.M)
            if m:
                seen = self.output[self.mark:self.mark + m.end()]
                self.mark += m.end()
                return seen
            if time.monotonic() > deadline:
                raise Failure(f"no /{pattern}/ on COM1 within {timeout} s; it printed:\n"
                              f"{tail(self.output[self.mark:])}")
            try:
                chunk = self.serial.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                raise Failure(f"COM1 closed (QEMU ended?) waiting for /{pattern}/:\n"
                              f"{tail(self.output[self.mark:])}")
            self.output += chunk.decode(errors="replace")

    def type(self, text):
        self.serial.sendall(text.encode())

    def run(self, line):
        """Types a command and returns what it printed before the next prompt (the
        editor's redraws repeat the prompt after a \\r, never after a newline)."""
        self.type(line + "\r")
        return self.wait_for(r"\n" + re.escape(self.prompt))[: -len(self.prompt)]

    def keys(self, *names):
        """Presses keys (QEMU qcodes) on the PS/2 keyboard; a list is a chord."""
        for name in names:
            chord = name if isinstance(name, list) else [name]
            reply = self.qmp_command("send-key", keys=[{"type": "qcode", "data": k} for k in chord])
            check("error" not in reply, f"send-key {chord}: {reply}")
            time.sleep(0.02)

    def close(self):
        for s in (self.serial, self.qmp):
            s.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            self.wait_for(r"^keel: ready")
            self.wait_for(re.escape(self.prompt))
        except BaseException:
            self.close()  # __exit__ is not called when __enter__ fails
            raise
        return self

    def __exit__(self, *exc):
        self.close()


def expect(output, pattern, what):
    check(re.search(pattern, output, re.M), f"{what}: no /{pattern}/ in:\n{tail(output)}")


@test
def shell_commands_over_serial():
    with Machine() as m:
        out = m.run("help")
        for name in ("help", "clear", "echo", "uptime", "mem", "cpu", "e820", "irq", "ticks",
                     "ps", "dmesg", "panic", "reboot", "halt", "poweroff"):
            expect(out, rf"^  {name}\s+\S", f"help lists {name}")
        expect(m.run("echo hello,   keel world"), r"^hello, keel world\r?$", "echo")
        expect(m.run("uptime"), r"^up \d+\.\d\d s\r?$", "uptime")
        expect(m.run("ticks"), r"^\d+ ticks at 1000 Hz \(local APIC timer\)", "ticks")
        out = m.run("mem")
        expect(out, r"^memory map \(BIOS E820, \d+ entries\):", "mem shows the E820 map")
        expect(out, r"^frames: \d+ total \(\d+ MiB\), \d+ used, \d+ free", "mem shows frames")
        expect(out, r"^heap:", "mem shows the heap")
        out = m.run("cpu")
        expect(out, r"^vendor \w+, family 0x[0-9a-f]+, model 0x[0-9a-f]+, stepping \d+", "cpu")
        expect(out, r"^features:.* pae .*long-mode", "cpu features")
        expect(m.run("e820"), r"^  [0-9a-f]{16}-[0-9a-f]{16} usable", "e820")
        out = m.run("irq")
        expect(out, r"^controller: local APIC \+ I/O APIC", "irq controller")
        expect(out, r"^  vector 0x40: \d+", "timer interrupts counted")
        expect(out, r"^  vector 0x34: \d+", "serial interrupts counted")
        expect(m.run("frobnicate now"), r"^frobnicate: unknown command \(try help\)\r?$",
               "unknown command")
        out = m.run("ticks")
        first = int(re.search(r"(\d+) ticks", out).group(1))
        time.sleep(0.5)
        later = int(re.search(r"(\d+) ticks", m.run("ticks")).group(1))
        check(later > first, f"ticks did not advance: {first} then {later}")


@test
def shell_ps_lists_the_tasks_and_dmesg_prints_the_log():
    with Machine() as m:
        time.sleep(1)  # the shell waits for input: the CPU idles
        out = m.run("ps")
        expect(out, r"^\s+id name\s+state\s+cpu%\s+switches\s+wake-ups\r?$", "ps header")
        expect(out, r"^\s+0 shell\s+running\s+\d+\.\d%\s+\d+\s+\d+\r?$",
               "the shell, running ps")
        expect(out, r"^\s+1 idle\s+ready\s+\d+\.\d%\s+\d+\s+\d+\r?$", "the idle task")
        idle = float(re.search(r"idle\s+\S+\s+([\d.]+)%", out).group(1))
        check(idle > 50, f"an idle shell leaves the CPU idle, but idle had {idle}%:\n{out}")
        wakeups = int(re.search(r"0 shell\s+\S+\s+\S+\s+\d+\s+(\d+)", out).group(1))
        check(wakeups >= 1, f"typing did not wake the shell ({wakeups} wake-ups):\n{out}")
        m.type("clear\r")
        m.wait_for(re.escape("\x1b[2J\x1b[H" + PROMPT))
        # The log holds earlier prompts, so read it piece by piece, not up to a prompt.
        m.type("dmesg\r")
        out = m.wait_for(r"^Keel x86_64 kernel, booted from BIOS drive")
        out += m.wait_for(r"^keel: ready\r?$")
        out += m.wait_for(r"^keel> ps\r?$")
        out += m.wait_for(r"^keel> dmesg\r?$")  # the log's end: the command itself
        out += m.wait_for(r"\n" + re.escape(PROMPT))
        check("\x1b[2J" not in out.split("Keel x86_64", 1)[1],
              "dmesg printed the clear command's escape")


@test
def shell_line_editing_and_history_over_serial():
    with Machine() as m:
        left, right, up, down = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
        expect(m.run("eho hi" + left * 5 + "c"), r"^hi\r?$", "insert after moving left")
        expect(m.run("echo abcX\x7f"), r"^abc\r?$", "backspace (DEL)")
        expect(m.run("echo abcX\x08"), r"^abc\r?$", "backspace (BS)")
        expect(m.run("echo one"), r"^one", "first")
        expect(m.run("echo two"), r"^two", "second")
        expect(m.run(up), r"^two\r?$", "history: the last line")
        expect(m.run(up + up), r"^one\r?$", "history: two steps back")
        expect(m.run(up + up + up + down), r"^two\r?$", "history: back and forth")
        expect(m.run("echo ab" + left + left + "\x1b[3~" + right + "Z"), r"^ebZ|^bZ", "delete")


@test
def shell_refuses_an_over_long_line():
    with Machine() as m:
        out = m.run("echo " + "x" * 300)
        expect(out, r"^line too long", "an over-long line is refused")
        check("\a" in out, "no bell on COM1 for the characters past the limit")
        check("x" * 100 not in out.split("line too long")[-1], "the long line ran anyway")
        expect(m.run("echo still here"), r"^still here", "the shell goes on")


@test
def keyboard_typing_with_shift_caps_lock_and_arrows():
    with Machine() as m:
        m.keys("e", "c", "h", "o", "spc", ["shift", "h"], "i", "spc", "caps_lock", "a", "b",
               ["shift", "c"], "caps_lock", "spc", "x", "y", "left", "left", "z", "ret")
        out = m.wait_for(r"\n" + re.escape(PROMPT))
        expect(out, r"^Hi ABc zxy\r?$", "keys decoded with Shift, Caps Lock and arrows")


@test
def panic_command_shows_the_panic_screen():
    with Machine() as m:
        m.type("panic\r")
        out = m.wait_for(r"^halted\.")
        expect(out, r"^PANIC: you asked for it", "panic message")
        expect(out, r"^  at kernel/shell/commands\.c:\d+ in cmd_panic\(\)", "panic location")
        expect(out, r"<commands_run\+0x[0-9a-f]+>", "panic backtrace")


def ends_qemu(command, message):
    with Machine() as m:
        m.type(command + "\r")
        m.wait_for(message)
        try:
            m.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise Failure(f"'{command}' did not end QEMU:\n{tail(m.output)}")


@test
def poweroff_ends_qemu():
    ends_qemu("poweroff", r"powering off")


@test
def reboot_restarts_qemu():
    ends_qemu("reboot", r"rebooting")  # -no-reboot turns the reset into an exit


@test
def falls_back_to_the_8259_without_an_apic():
    with Machine(extra=["-cpu", "qemu64,-apic"]) as m:
        out = m.output
        expect(out, r"^interrupts: no usable APIC \(the CPU has no local APIC\); using the "
               r"8259 PICs", "the reason for the 8259s")
        expect(m.run("irq"), r"^controller: 8259 PIC", "PIC controller")
        expect(m.run("ticks"), r"ticks at 1000 Hz \(PIT timer\)", "PIT timer")
        expect(m.run("echo works"), r"^works", "the shell works")


def autorun_image(command):
    """A kernel whose shell runs `command` first (Bochs has no serial input here)."""
    from harness import BUILD, MAKE_JOBS, ROOT, run
    build = BUILD / "tests" / f"autorun-{command}"
    out = run(["make", MAKE_JOBS, "-s", f"BUILD={build}", f"DISK={build}", f"KERNEL_AUTORUN={command}",
               "ROOT_INIT=0",
               f"{build}/hdd.img"], cwd=ROOT)
    check(out.returncode == 0, f"autorun build failed:\n{out.stderr}")
    return build / "hdd.img"


def bochs(image, seconds):
    from harness import ROOT, run
    out = run([str(ROOT / "tools/bochs-run"), "--timeout", str(seconds), str(image)],
              timeout=seconds + 30)
    return out.returncode, out.stdout, out.stderr


@test
def poweroff_ends_bochs():
    status, out, err = bochs(autorun_image("poweroff"), 120)
    check(status == 0 and "powering off" in out and "powered off (ACPI S5)" in err,
          f"Bochs did not power off (status {status}):\n{tail(out)}\n{tail(err)}")


@test
def reboot_restarts_bochs():
    from harness import bochs_run
    # A reboot must boot the kernel a second time (bochs_run fails after 60 s if not).
    out = bochs_run(autorun_image("reboot"), r"(?s)rebooting.*Keel x86_64 kernel, booted from", timeout=60)
    check(out.count("Keel x86_64 kernel, booted from") >= 2, tail(out))


@test
def caps_lock_turns_the_keyboard_led_on_and_off():
    from harness import scratch_dir
    log = scratch_dir() / "ps2.log"
    with Machine(extra=["-d", "trace:ps2_set_ledstate", "-D", str(log)]) as m:
        m.keys("caps_lock")
        m.run("echo on")  # a round trip: the LED exchange has had time to finish
        m.keys("caps_lock")
        m.run("echo off")
    states = re.findall(r"ps2_set_ledstate \S+ ledstate (\d+)", log.read_text())
    check(states[-2:] == ["4", "0"], f"keyboard LED states seen by QEMU: {states}")
