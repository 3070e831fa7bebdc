"""Developer tooling: GDB and Bochs sessions with symbols, reproducible images,
compile_commands.json and the README screenshot."""

import json
import re
import shutil
import socket
import subprocess

from harness import BUILD, DISK, MAKE_JOBS, ROOT, check, run, scratch_dir, tail, test
from test_build import built_tree, clean_built_tree, copy_of_tree


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdb_session(symbols, commands, timeout=60, qemu_args=()):
    """QEMU paused with its GDB stub; GDB runs `commands` in batch mode against it."""
    built = run(["make", "-s", "all", str(symbols.relative_to(ROOT))], cwd=ROOT)
    check(built.returncode == 0, f"cannot build {symbols}:\n{built.stderr}")
    port = free_port()
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-accel", "tcg", "-m", "128M", "-nic", "none", "-display", "none",
         "-serial", "null", "-drive", f"file={DISK / 'hdd.img'},format=raw,snapshot=on",
         "-S", "-gdb", f"tcp:127.0.0.1:{port}", *qemu_args],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        script = ["set pagination off", "set confirm off", f"target remote 127.0.0.1:{port}",
                  *commands, "kill"]
        args = ["gdb", "-q", "-batch", "-nx", str(symbols)]
        for line in script:
            args += ["-ex", line]
        out = run(args, cwd=ROOT, timeout=timeout)
        return out.stdout + out.stderr
    finally:
        qemu.kill()
        qemu.wait()


@test
def gdb_stops_at_kmain_with_source_and_backtrace():
    out = gdb_session(BUILD / "kernel.elf", ["source tools/gdb/kernel.gdb", "bt", "info registers rip",
                                             "list", "next", "info line *$pc"])
    check(re.search(r"Breakpoint 1, kmain \(.*\) at kernel/main\.c:\d+", out), f"not stopped at kmain:\n{tail(out)}")
    frames = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+) ", out, re.M)
    check(frames[:1] == ["kmain"] and "start_kernel" in frames,
          f"backtrace is {frames}, not kmain ... start_kernel:\n{tail(out)}")
    check(re.search(r"^rip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <kmain", out, re.M), f"no rip <kmain>:\n{tail(out)}")
    check(re.search(r"^\d+\s+.*boot_info", out, re.M), f"no source listing:\n{tail(out)}")
    check(re.search(r'Line \d+ of "kernel/main\.c"', out), f"'next' did not stay in kmain:\n{tail(out)}")


@test
def gdb_steps_the_boot_sector_in_real_mode_with_its_labels():
    out = gdb_session(BUILD / "mbr.elf", ["source tools/gdb/boot.gdb", "dis16 2", "si", "si", "lst",
                                          "break *enter_long_mode", "continue", "info symbol $pc",
                                          "dis16 1"])
    check(re.search(r"Breakpoint 1, 0x0+7c00 in start \(\)", out), f"not stopped at 0x7C00:\n{tail(out)}")
    check(re.search(r"^\s+7c00:\s+ea 05 7c 00 00\s+jmp\s+0x0:0x7c05$", out, re.M),
          f"dis16 does not decode 16-bit code:\n{tail(out)}")
    check(re.search(r"in start\.cs_normalised \(\)", out), f"stepping shows no labels:\n{tail(out)}")
    check(re.search(r"^=>\s+\d+ 00000007 8ED8\s+mov ds, ax", out, re.M),
          f"lst does not point at the current line:\n{tail(out)}")
    check(re.search(r"^enter_long_mode in section \.text", out, re.M)
          and re.search(r"^\s+7d[0-9a-f]{2}:\s+66 31 c0\s+xor\s+eax,eax$", out, re.M),
          f"did not stop at enter_long_mode:\n{tail(out)}")


@test
def boot_sector_copies_the_kernel_right_when_a_bios_call_changes_edi():
    """Some BIOSes clobber the high halves of 32-bit registers in int 13h. The copy's
    target is kept on the stack between copies, not in EDI: here GDB puts garbage in
    EDI after the second track's read, as such a BIOS would, and the kernel must
    still come up whole (reach the start of /init, having printed `keel: ready`),
    without a reboot to hide a crash."""
    built = run(["make", "-s", "all"], cwd=ROOT)
    check(built.returncode == 0, built.stderr)
    nm = run(["nm", str(BUILD / "kernel.elf")], cwd=ROOT).stdout
    shell_run = re.search(r"^([0-9a-f]+) T process_run_foreground$", nm, re.M)
    check(shell_run, "no process_run_foreground in kernel.elf")
    log = scratch_dir() / "debugcon.log"
    out = gdb_session(BUILD / "mbr.elf",
                      ["break *copy_track", "continue", "continue", "set $rdi = 0x12345678",
                       "delete", f"break *0x{shell_run.group(1)}", "break *halt", "continue",
                       "info registers rip"],
                      qemu_args=["-debugcon", f"file:{log}", "-no-reboot"])
    check(len(re.findall(r"^Breakpoint 1, .* in copy_track", out, re.M)) == 2,
          f"did not stop at copy_track twice (a kernel of one track?):\n{tail(out)}")
    check(re.search(rf"^rip\s+0x0*{shell_run.group(1).lstrip('0')}\s", out, re.M),
          f"did not reach process_run_foreground (stopped at the boot sector's halt, or "
          f"crashed):\n"
          f"{tail(out)}")
    text = log.read_text(errors="replace") if log.exists() else ""
    check("keel: ready" in text, f"port 0xE9 shows {text[-500:]!r}, without 'keel: ready'")


@test
def boot_sector_calls_start_with_the_stack_the_sysv_abi_wants():
    """At a function's entry RSP + 8 is a multiple of 16 (System V AMD64 ABI 3.2.2);
    the boot sector's call into _start must give it that."""
    out = gdb_session(BUILD / "kernel.elf", ["break *0x100000", "continue", "p/x $rsp"])
    rsp = re.search(r"^\$1 = (0x[0-9a-f]+)$", out, re.M)
    check(rsp, f"no RSP at _start:\n{tail(out)}")
    check(int(rsp.group(1), 16) % 16 == 8, f"RSP at _start is {rsp.group(1)}, not 8 mod 16")


@test
def bochs_debugger_session_reaches_start_in_long_mode_with_symbols():
    out = run(["make", "-s", "build/kernel.sym", "build/mbr.sym"], cwd=ROOT)
    check(out.returncode == 0, out.stderr)
    rc = scratch_dir() / "session.rc"
    rc.write_text(f'ldsym global "{BUILD}/kernel.sym"\nldsym global "{BUILD}/mbr.sym"\n'
                  "lb 0x7c00\nc\nu /2\nlb 0x100000\nc\ncreg\nsreg\nu /2\nq\n")
    out = run([str(ROOT / "tools/bochs-run"), "--timeout", "120", "--debug-rc", str(rc),
               str(DISK / "hdd.img")], timeout=150)
    text = out.stdout
    check("(start+0): jmpf 0x0000:7c05 <start.cs_normalised+0>" in text,
          f"boot sector symbols not shown at 0x7C00:\n{tail(text)}")
    check(re.search(r"EFER=0x[0-9a-f]+: .*\bLMA LME\b", text), f"not in long mode at _start:\n{tail(text)}")
    check(re.search(r"cs:0x0008, .*\n.*64-bit", text), f"CS is not 64-bit:\n{tail(text)}")
    check("(_start+0): mov rax, cr3" in text, f"kernel symbol not shown at 0x100000:\n{tail(text)}")


@test
def a_clean_build_gives_the_same_images_as_one_rebuilt_many_times():
    """A clean copy against test_build's shared copy, which was built by plain make,
    then rebuilt with other options and edits and back (or, run alone, just built):
    identical bytes, whatever the directory or the history. Then make clean."""
    trees = [built_tree(), copy_of_tree()]
    try:
        for tree in trees:
            out = run(["make", MAKE_JOBS, "-s", "all"], cwd=tree)
            check(out.returncode == 0, f"build failed in {tree}:\n{out.stderr}")
        for name in ("build/kernel.bin", "build/mbr.bin", "build/uefi/BOOTX64.EFI", "disk/hdd.img",
                     "disk/floppy.img"):
            a, b = (t / name for t in trees)
            check(a.read_bytes() == b.read_bytes(), f"{name} differs between the two builds")
    finally:
        shutil.rmtree(trees[1])
    clean_built_tree()


@test
def compile_commands_json_lists_every_kernel_source():
    out = run(["make", "-s", "compile_commands.json"], cwd=ROOT)
    check(out.returncode == 0, out.stderr)
    entries = json.loads((ROOT / "compile_commands.json").read_text())
    files = {e["file"] for e in entries}
    sources = set(run(["git", "ls-files", "kernel/*.c"], cwd=ROOT).stdout.split())
    check(sources <= files, f"missing: {sources - files}")
    check(all("-ffreestanding" in e["arguments"] for e in entries), "entries lack the kernel flags")


@test
def readme_screenshots_are_pngs_of_the_booted_screens():
    for name in ("screenshot.png", "screenshot-uefi.png"):
        png = ROOT / "docs" / name
        check(png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"docs/{name} is not a PNG")
        check(f"docs/{name}" in (ROOT / "README.md").read_text(), f"README.md does not show docs/{name}")
