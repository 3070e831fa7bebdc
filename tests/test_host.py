"""Checks on the build's outputs that need no emulator."""

import json
import os
import re
import shutil
import struct
import subprocess

from harness import (BUILD, DISK, ROOT, Failure, assemble_boot_sector, check, kernel_sectors,
                     run, scratch_dir, test)

ELF = BUILD / "kernel.elf"
KERNEL_ADDR = 0x100000
KERNEL_VMA = 0xFFFFFFFF80000000  # link.ld: all but _start is linked there + physical


def physical(address):
    """Where a kernel symbol or section is loaded: its link address, less KERNEL_VMA."""
    return address - KERNEL_VMA if address >= KERNEL_VMA else address


def symbols():
    out = run(["nm", str(ELF)]).stdout
    return {name: int(addr, 16) for addr, _, name in
            (line.split() for line in out.splitlines() if len(line.split()) == 3)}


@test
def mbr_is_one_sector_with_boot_signature():
    mbr = (BUILD / "mbr.bin").read_bytes()
    check(len(mbr) == 512, f"build/mbr.bin is {len(mbr)} bytes, not 512")
    check(mbr[510:] == b"\x55\xaa", f"boot signature is {mbr[510:].hex()}, not 55aa")
    for image in ("hdd.img", "floppy.img"):
        check((DISK / image).read_bytes()[:512] == mbr, f"disk/{image} does not start with mbr.bin")


@test
def mbr_code_fits_before_partition_table():
    out = run(["make", "-s", "size"], cwd=ROOT).stdout
    m = re.search(r"boot sector: (\d+) of 446 code bytes used, (-?\d+) left", out)
    check(m, f"make size printed no boot sector line:\n{out}")
    check(int(m.group(1)) <= 446 and int(m.group(1)) + int(m.group(2)) == 446,
          f"make size is inconsistent: {m.group(0)}")
    check(re.search(r"kernel.bin: +\d+ bytes", out), f"make size printed no kernel size:\n{out}")


@test
def partition_table_has_the_kernel_active_and_an_efi_system_partition():
    out = run(["sfdisk", "--json", str(DISK / "hdd.img")])
    check(out.returncode == 0, f"sfdisk could not read disk/hdd.img: {out.stderr}")
    table = json.loads(out.stdout)["partitiontable"]
    check(table["label"] == "dos", f"label is {table['label']}, not dos")
    parts = table["partitions"]
    check(len(parts) == 2, f"{len(parts)} partitions, expected 2")
    kernel, esp = parts
    disk_sectors = (DISK / "hdd.img").stat().st_size // 512
    check(kernel.get("bootable") is True and kernel["type"] == "da",
          f"partition 1 is not the active 0xDA kernel partition: {kernel}")
    check(kernel["start"] == 0, f"partition 1 starts at {kernel['start']}, not at the boot sector")
    check(kernel["size"] >= 1 + kernel_sectors(), "partition 1 is smaller than the kernel")
    check(esp["type"] == "ef" and not esp.get("bootable"), f"partition 2 is not the ESP: {esp}")
    check(esp["start"] == kernel["start"] + kernel["size"] and esp["start"] % 1008 == 0,
          f"the ESP starts at {esp['start']}: not right after partition 1, on a cylinder")
    check(esp["start"] + esp["size"] == disk_sectors,
          f"the ESP ends at {esp['start'] + esp['size']}, disk has {disk_sectors} sectors")
    check(disk_sectors % 1008 == 0, f"hdd.img is {disk_sectors} sectors: not whole 16x63 cylinders")
    copy = subprocess.run(["mcopy", "-i", f"{DISK / 'hdd.img'}@@{esp['start'] * 512}",
                           "::/EFI/BOOT/BOOTX64.EFI", "-"], capture_output=True,
                          env={**os.environ, "MTOOLS_SKIP_CHECK": "1"})
    check(copy.returncode == 0, f"no \\EFI\\BOOT\\BOOTX64.EFI on the ESP: {copy.stderr.decode()}")
    check(copy.stdout == (BUILD / "uefi" / "BOOTX64.EFI").read_bytes(),
          "the ESP's BOOTX64.EFI is not build/uefi/BOOTX64.EFI")
    check((DISK / "floppy.img").stat().st_size == 1474560, "floppy.img is not 1,474,560 bytes")


@test
def kernel_elf_is_static_freestanding_and_starts_at_1mib():
    header = run(["readelf", "-h", str(ELF)]).stdout
    check(re.search(r"Entry point address:\s+0x100000\b", header), f"entry point is not 0x100000:\n{header}")
    check(symbols().get("_start") == KERNEL_ADDR, "_start is not at 0x100000")
    undefined = run(["nm", "-u", str(ELF)]).stdout.strip()
    check(not undefined, f"undefined symbols (a library leaked in?):\n{undefined}")
    dynamic = run(["readelf", "-d", str(ELF)]).stdout
    check("There is no dynamic section" in dynamic, f"kernel.elf has a dynamic section:\n{dynamic}")
    programs = run(["readelf", "-lW", str(ELF)]).stdout
    check("INTERP" not in programs and "DYNAMIC" not in programs,
          f"kernel.elf asks for an interpreter or dynamic linking:\n{programs}")
    sections = run(["readelf", "-SW", str(ELF)]).stdout
    for debris in (".eh_frame", ".comment", ".note", ".interp", ".dynsym", ".plt", ".got"):
        check(debris not in sections, f"kernel.elf still has {debris}")


@test
def kernel_bin_is_exactly_the_loaded_image():
    sym = symbols()
    image = (BUILD / "kernel.bin").read_bytes()
    end = physical(sym["__image_end"])
    check(len(image) == end - KERNEL_ADDR,
          f"kernel.bin is {len(image)} bytes, image is {end - KERNEL_ADDR}")
    check(sym["__bss_start"] >= sym["__image_end"] and sym["__bss_end"] > sym["__bss_start"],
          ".bss does not follow the image")
    check(KERNEL_ADDR + len(image) <= physical(sym["__bss_start"]), ".bss is inside kernel.bin")
    check(sym["start_kernel"] >= KERNEL_VMA and sym["__image_end"] >= KERNEL_VMA,
          "the kernel is not linked in the upper half")
    # Every loaded section's bytes sit in kernel.bin at (address - 1 MiB).
    out = run(["readelf", "-SW", str(ELF)]).stdout
    rows = re.findall(r"\]\s+(\S+)\s+(PROGBITS)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)", out)
    check(rows, f"no loaded sections found:\n{out}")
    work = scratch_dir()
    for name, _, addr, size, _flags in rows:
        dump = work / (name.strip(".") + ".bin")
        run(["objcopy", "-O", "binary", f"--only-section={name}", str(ELF), str(dump)])
        want = dump.read_bytes()
        at = physical(int(addr, 16)) - KERNEL_ADDR
        check(len(want) == int(size, 16), f"{name}: objcopy gave {len(want)} bytes")
        check(image[at:at + len(want)] == want, f"{name} differs in kernel.bin at offset {at:#x}")
    shutil.rmtree(work)


def nasm_values(names):
    """Assembles the names against boot/bootinfo.inc and reads their values back."""
    work = scratch_dir()
    src = work / "values.asm"
    src.write_text('%include "bootinfo.inc"\n' + "".join(f"dq {n}\n" for n in names))
    out = run(["nasm", "-f", "bin", "-I", str(ROOT / "boot") + "/", "-o", str(work / "v.bin"), str(src)])
    check(out.returncode == 0, f"nasm failed on bootinfo.inc: {out.stderr}")
    data = (work / "v.bin").read_bytes()
    shutil.rmtree(work)
    return dict(zip(names, struct.unpack(f"<{len(names)}Q", data)))


@test
def boot_info_layout_agrees_between_nasm_and_c():
    work = scratch_dir()
    exe = work / "layout"
    out = run(["gcc", "-std=c11", "-Wall", "-Werror", "-o", str(exe),
               str(ROOT / "tests/host/bootinfo_layout.c")])
    check(out.returncode == 0, f"bootinfo_layout.c did not compile:\n{out.stderr}")
    c_side = dict((name, int(v)) for name, v in
                  (line.split() for line in run([str(exe)]).stdout.splitlines()))
    shutil.rmtree(work)
    declared = re.findall(r"^(\w+)\s+equ\b", (ROOT / "boot/bootinfo.inc").read_text(), re.M)
    check(set(declared) == set(c_side),
          f"names differ: only in NASM {set(declared) - set(c_side)}, only in C {set(c_side) - set(declared)}")
    asm_side = nasm_values(declared)
    wrong = {n: (asm_side[n], c_side[n]) for n in declared if asm_side[n] != c_side[n]}
    check(not wrong, f"NASM and C disagree (nasm, c): {wrong}")
    # The UEFI loader's C side is the kernel's header itself, never a copy of it.
    loader = {p.name: p.read_text() for p in (ROOT / "boot" / "uefi").glob("*.[ch]")}
    check('#include "../../kernel/bootinfo.h"' in loader["main.c"],
          "boot/uefi/main.c does not include kernel/bootinfo.h")
    copies = [name for name, text in loader.items() if re.search(r"struct boot_info\s*\{", text)]
    check(not copies, f"boot/uefi defines its own struct boot_info in {copies}")


def kernel_sum(data):
    data += bytes(-len(data) % 512)
    total = 0
    for (word,) in struct.iter_unpack("<I", data):
        total = (total * 31 + word) & 0xFFFFFFFF
    return total, len(data) // 512


@test
def boot_sector_carries_the_kernels_size_and_checksum():
    total, sectors = kernel_sum((BUILD / "kernel.load").read_bytes())
    text = (BUILD / "kernel.sum").read_text()
    check(f"KERNEL_SECTORS={sectors} " in text and f"KERNEL_SUM=0x{total:08x}" in text,
          f"tools/kernsum says {text.strip()}, Python says {sectors} sectors, sum {total:#010x}")
    mbr = (BUILD / "mbr.bin").read_bytes()[:446]
    check(struct.pack("<I", total) in mbr, "the checksum is not in the boot sector's code")


@test
def bench_chain_floor_boot_sector_still_assembles():
    # make bench assembles boot/mbr.asm with BENCH_CHAIN_FLOOR (it exits where it would
    # call _start); that variant must fit the 446 bytes too.
    sums = dict(re.findall(r"(\w+)=(\w+)", (BUILD / "kernel.sum").read_text()))
    out_file = scratch_dir() / "chain.bin"
    out = assemble_boot_sector(out_file, sums["KERNEL_SECTORS"], sums["KERNEL_SUM"],
                               "BENCH_CHAIN_FLOOR", "MARKER=33")
    check(out.returncode == 0, f"the bench's boot sector does not assemble:\n{out.stderr}")
    check(out_file.stat().st_size == 512, f"it is {out_file.stat().st_size} bytes")
