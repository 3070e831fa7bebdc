"""GDB commands for the boot sector in real mode (loaded by tools/gdb/boot.gdb).

QEMU's GDB stub describes an x86-64 CPU even in real mode, and GDB then decodes
16-bit code as 64-bit. These commands show it as it really is:
  dis16 [N]  disassemble N (default 8) instructions at CS:IP as 16-bit code (objdump)
  lst        the lines of build/mbr.lst (NASM's listing) around the current IP"""

import re
import subprocess
import tempfile

import gdb

LISTING = "build/mbr.lst"
BOOT_ADDR = 0x7C00


def real_mode_pc():
    frame = gdb.selected_frame()
    cs = int(frame.read_register("cs"))
    ip = int(frame.read_register("pc")) & 0xFFFF
    return cs * 16 + ip


class Dis16(gdb.Command):
    """dis16 [N]: disassemble N instructions at CS:IP as 16-bit code."""

    def __init__(self):
        super().__init__("dis16", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        count = int(arg) if arg.strip() else 8
        pc = real_mode_pc()
        code = bytes(gdb.selected_inferior().read_memory(pc, count * 8))
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(code)
            f.flush()
            out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi8086", "-Mintel",
                                  f"--adjust-vma={pc:#x}", f.name],
                                 capture_output=True, text=True).stdout
        rows = [line for line in out.splitlines() if re.match(r"^\s+[0-9a-f]+:\t", line)]
        for row in rows[:count]:
            print(row)


class Lst(gdb.Command):
    """lst: show the boot sector's listing around the current instruction."""

    def __init__(self):
        super().__init__("lst", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        offset = real_mode_pc() - BOOT_ADDR
        lines = open(LISTING).read().splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"^\s*\d+ ([0-9A-F]{8}) ", line)
            if m and int(m.group(1), 16) == offset:
                for shown in lines[max(0, i - 3):i + 6]:
                    print(("=> " if shown is line else "   ") + shown)
                return
        print(f"lst: offset {offset:#x} is not in {LISTING} (outside the boot sector?)")


Dis16()
Lst()
