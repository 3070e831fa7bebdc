"""disk/hdd.img under UEFI firmware (Debian's OVMF): our BOOTX64.EFI on the EFI system
partition loads the kernel from partition 1. The matrix (pc and q35; IDE, AHCI and a
USB stick on xHCI; 128 MiB and 4 GiB), what the loader hands over (framebuffer, ACPI,
a memory map as big as -m), its fallback when 1 MiB is taken, its refusals of bad
images, and Secure Boot's refusal of an unsigned loader."""

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import (BUILD, DISK, READY, ROOT, QemuRun, check, scratch_dir, tail, test)
from test_shell import Machine

HDD = DISK / "hdd.img"
OVMF = Path("/usr/share/OVMF")
TIMEOUT = 90  # OVMF itself takes ~4 s of TCG before our loader runs
BANNER = r"^Keel x86_64 kernel, booted from UEFI \(framebuffer (\d+)x(\d+)"
# OVMF keeps some RAM for itself (runtime services, ACPI tables, its NVS, the
# variable store): 7 MiB of 128 MiB and of 4 GiB here.
FIRMWARE_KEEPS_MIB = 12


def firmware(code="OVMF_CODE_4M.fd", variables="OVMF_VARS_4M.fd"):
    """pflash drives for OVMF: its code read-only, a fresh copy of its variables."""
    copy = scratch_dir() / "vars.fd"
    shutil.copyfile(OVMF / variables, copy)
    return ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF / code}",
            "-drive", f"if=pflash,format=raw,unit=1,file={copy}"], copy.parent


def check_uefi_boot(text, mib, where):
    """The banner, a memory map whose usable total matches -m, and ready."""
    check(re.search(BANNER, text, re.M), f"{where}: no UEFI banner in:\n{tail(text)}")
    m = re.search(r"^memory map \(UEFI's, as E820, (\d+) entries\):", text, re.M)
    check(m and int(m.group(1)) > 0, f"{where}: no memory map in:\n{tail(text)}")
    usable = int(re.search(r"^usable memory: (\d+) MiB", text, re.M).group(1))
    check(mib - FIRMWARE_KEEPS_MIB <= usable <= mib, f"{where}: -m {mib}M, but {usable} MiB usable")
    check(re.search(r"^interrupts: local APIC", text, re.M),
          f"{where}: no APIC, so no ACPI tables from the RSDP the loader passed:\n{tail(text)}")
    check(re.search(READY, text, re.M), f"{where}: no 'keel: ready' in:\n{tail(text)}")
    check("PANIC" not in text, f"{where}: the kernel panicked:\n{tail(text)}")


def font():
    """The console's glyphs, rows of 8 pixels, as the kernel was built with them
    (tools/mkfont's header): rows -> character."""
    header = (BUILD / "gen" / "font_glyphs.h").read_text()
    glyphs = {}
    for rows, code in re.findall(r"\{([0-9A-Fx, ]+)\}, /\* U\+([0-9A-F]+) \*/", header):
        glyphs.setdefault(tuple(int(r, 16) for r in rows.split(",")), chr(int(code, 16)))
    return glyphs


def framebuffer_text(ppm):
    """Reads the screen back as text: each 8x16 cell's lit pixels matched against the
    font (QEMU's screendump is a binary PPM, P6). Unknown cells read as '?'."""
    data = ppm.read_bytes()
    magic, width, height, depth = data.split(maxsplit=4)[:4]
    check(magic == b"P6" and depth == b"255", f"not a P6 screendump: {data[:20]!r}")
    width, height = int(width), int(height)
    pixels = data[len(data) - width * height * 3:]
    glyphs, lines = font(), []
    for top in range(0, height - 15, 16):
        line = ""
        for left in range(0, width - 7, 8):
            rows = []
            for y in range(top, top + 16):
                row = pixels[(y * width + left) * 3:(y * width + left + 8) * 3]
                rows.append(sum(0x80 >> x for x in range(8) if any(row[x * 3:x * 3 + 3])))
            line += glyphs.get(tuple(rows), "?")
        lines.append(line.rstrip())
    return lines


def check_screen_shows_the_boot(m, where):
    """A screendump of the framebuffer console, read back through the font."""
    ppm = m.dir / "screen.ppm"
    reply = m.qmp_command("screendump", filename=str(ppm))
    check("error" not in reply, f"{where}: screendump: {reply}")
    screen = framebuffer_text(ppm)
    check(any(re.match(BANNER, line) for line in screen),
          f"{where}: the banner is not on the screen:\n" + tail("\n".join(screen)))
    check("keel: ready" in screen, f"{where}: 'keel: ready' is not on the screen:\n"
          + tail("\n".join(screen)))


def shell_boot(machine, drive, mib, i8042=True):
    """Boots under OVMF, checks what the kernel printed, and runs a command in the
    shell over COM1. i8042=False: a q35 without the keyboard controller. The first
    boot also reads the framebuffer console back."""
    where = f"OVMF {machine} {drive} -m {mib}M" + ("" if i8042 else " without i8042")
    pflash, scratch = firmware()
    extra = pflash
    if machine == "q35" and drive != "ahci":
        extra += ["-machine", "q35" if i8042 else "q35,i8042=off"]
    try:
        with Machine(extra=extra, image=HDD, prompt="$ ", memory=f"{mib}M", drive=drive) as m:
            check_uefi_boot(m.output, mib, where)
            if (machine, drive) == ("pc", "ide"):
                check_screen_shows_the_boot(m, where)
            keyboard = "keyboard: PS/2 on the i8042" if i8042 else "keyboard: no i8042 controller"
            check(keyboard in m.output, f"{where}: no '{keyboard}' in:\n{tail(m.output)}")
            out = m.run("echo a uefi shell | wc")
            check(re.search(r"^\s+1\s+3\s+13\s*$", out, re.M),
                  f"{where}: the shell's pipeline printed:\n{tail(out)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@test
def uefi_boots_pc_and_q35_disk_and_usb_stick_128m_and_4g():
    # Every pair of (machine, medium, memory) once, two QEMUs at a time; the last
    # has no i8042, and says so, and its serial line still works.
    runs = [("pc", "ide", 128), ("q35", "ahci", 4096), ("pc", "usb-xhci", 4096),
            ("q35", "usb-xhci", 128, False)]
    both(*(lambda r=r: shell_boot(*r) for r in runs))


def uefi_output(image, until, code="OVMF_CODE_4M.fd", variables="OVMF_VARS_4M.fd",
                machine=(), which="serial"):
    """Boots `image` under OVMF until `until` shows on `which`; returns (serial, 0xE9)."""
    pflash, scratch = firmware(code, variables)
    try:
        with QemuRun(image, "ide", extra=[*machine, *pflash]) as vm:
            vm.wait_for(until, TIMEOUT, which=which)
            return vm.output("serial"), vm.output("debugcon")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def damaged_copy(change):
    image = scratch_dir() / "hdd.img"
    shutil.copyfile(HDD, image)
    with open(image, "r+b") as f:
        change(f)
    return image


def both(*calls):
    """Runs the calls two QEMUs at a time; a failure in either fails the test."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        for result in [pool.submit(call) for call in calls]:
            result.result()


def refuses_a_flipped_kernel_byte():
    """The refusal on the UEFI console (COM1 here) and port 0xE9; a key (typed on
    COM1) ends the pause, and the firmware reports our error status and moves on."""
    def flip(f):
        f.seek(512 + 5000)
        byte = f.read(1)[0]
        f.seek(512 + 5000)
        f.write(bytes([byte ^ 0x10]))
    image = damaged_copy(flip)
    pflash, scratch = firmware()
    e9_log = scratch / "e9.log"
    m = Machine(extra=[*pflash, "-debugcon", f"file:{e9_log}"], image=image)
    try:
        m.wait_for(r"^keel: bad kernel: its checksum is [0-9a-f]+, the build made [0-9a-f]+")
        m.wait_for(r"press a key to return to the firmware")
        m.type("\r")
        m.wait_for(r"BdsDxe: failed to start Boot\d+ .*: CRC Error", timeout=5)
        e9 = e9_log.read_text(errors="replace")
    finally:
        m.close()
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(image.parent, ignore_errors=True)
    check(re.search(r"^keel: bad kernel: its checksum", e9, re.M), f"no refusal on 0xE9:\n{tail(e9)}")
    check("Keel x86_64 kernel" not in e9, "the damaged kernel ran")


def refuses_a_disk_without_partition_1():
    def drop_partition_1(f):
        f.seek(446)
        f.write(bytes(16))
    image = damaged_copy(drop_partition_1)
    _, e9 = uefi_output(image, r"press a key", which="debugcon")
    check(re.search(r"^keel: partition 1 \(the kernel, type da\) is missing", e9, re.M),
          f"no refusal on port 0xE9:\n{tail(e9)}")
    check("Keel x86_64 kernel" not in e9, "a kernel ran")
    shutil.rmtree(image.parent, ignore_errors=True)


@test
def uefi_loader_refuses_a_flipped_kernel_byte_and_a_disk_without_partition_1():
    both(refuses_a_flipped_kernel_byte, refuses_a_disk_without_partition_1)


def copies_the_kernel_when_1mib_is_taken():
    # A loader built to take 1 MiB itself before it asks, as firmware that keeps it
    # would, replaces BOOTX64.EFI on a copy of the image: the kernel is loaded
    # elsewhere and copied up after ExitBootServices.
    variant = BUILD / "uefi-take-1mib"
    out = subprocess.run(["make", "-s", f"UEFI_BUILD={variant}", "UEFI_TEST_TAKE_1MIB=1",
                          f"{variant}/BOOTX64.EFI"], cwd=ROOT, capture_output=True, text=True)
    check(out.returncode == 0, f"make failed:\n{tail(out.stdout + out.stderr)}")
    image = damaged_copy(lambda f: None)
    esp = int((BUILD / "esp.start").read_text()) * 512
    out = subprocess.run(["mcopy", "-o", "-i", f"{image}@@{esp}", str(variant / "BOOTX64.EFI"),
                          "::/EFI/BOOT/BOOTX64.EFI"], capture_output=True, text=True,
                         env={"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"})
    check(out.returncode == 0, f"mcopy failed: {out.stderr}")
    _, e9 = uefi_output(image, READY, which="debugcon")
    check(re.search(BANNER + r".*1 MiB was taken: loaded elsewhere and copied", e9, re.M),
          f"the kernel does not say it was copied:\n{tail(e9)}")
    check_uefi_boot(e9, 128, "copied kernel")
    shutil.rmtree(image.parent, ignore_errors=True)


def secure_boot_refuses_the_unsigned_loader():
    # OVMF with Secure Boot on and Microsoft's keys enrolled (Debian's .ms variables;
    # the secboot build wants SMM, so q35). Our loader is unsigned: "Access Denied".
    serial, e9 = uefi_output(
        HDD, r"failed to load Boot\d+ .*: Access Denied", code="OVMF_CODE_4M.secboot.fd",
        variables="OVMF_VARS_4M.ms.fd",
        machine=["-machine", "q35,smm=on", "-global", "driver=cfi.pflash01,property=secure,value=on"])
    check("Keel x86_64 kernel" not in e9 and "keel:" not in serial,
          f"something of ours ran under Secure Boot:\n{tail(e9)}")


@test
def uefi_loader_copies_the_kernel_when_1mib_is_taken_and_secure_boot_refuses_it():
    both(copies_the_kernel_when_1mib_is_taken, secure_boot_refuses_the_unsigned_loader)
