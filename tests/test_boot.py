"""Boots the real images in QEMU and Bochs and reads what they print."""

import re
import shutil
import struct

from harness import (BUILD, DISK, READY, assemble_boot_sector, disk_layout, Failure, QemuRun, bochs_run, check,
                     check_kernel_boot, kernel_sectors, run, scratch_dir, tail, test,
                     usable_mib)

HDD = DISK / "hdd.img"
FLOPPY = DISK / "floppy.img"
BOOT_TIMEOUT = 60


def qemu_boot(image, drive, **kw):
    with QemuRun(image, drive, **kw) as vm:
        serial = vm.wait_for(READY, BOOT_TIMEOUT, which="serial")
        check_kernel_boot(serial, f"{drive} (COM1)")
        check_kernel_boot(vm.output("debugcon"), f"{drive} (port 0xE9)")
        return serial, vm.screen_text()


# ---- the boot matrix ----------------------------------------------------------

@test
def boots_from_qemu_ide_hard_disk():
    _, screen = qemu_boot(HDD, "ide")
    check("keel: ready" in screen, "'keel: ready' is not on the VGA screen:\n" + tail("\n".join(screen)))
    check(any(line.startswith("memory map (BIOS E820") for line in screen),
          "the E820 map is not on the VGA screen:\n" + tail("\n".join(screen)))


@test
def boots_from_qemu_q35_ahci_hard_disk():
    qemu_boot(HDD, "ahci")


# QEMU's local APIC timer counts once per 2^(n+1) ns of its virtual clock for divide
# value n (hw/intc/apic.c, count_shift): 62.5 MHz when divided by 16. Under TCG that
# clock is the host's, so the kernel's calibration against the PIT must find it.
QEMU_APIC_TIMER_HZ = 62_500_000
CALIBRATION_BOUND = 0.002   # timer.c promises 0.15%


@test
def calibrates_the_local_apic_timer_against_the_pit():
    serial, _ = qemu_boot(HDD, "ide")
    m = re.search(r"^timer: local APIC timer, (\d+)\.(\d{3}) MHz \(divided by 16\)", serial, re.M)
    check(m, f"no local APIC timer line:\n{tail(serial)}")
    hz = int(m.group(1)) * 1_000_000 + int(m.group(2)) * 1000
    check(abs(hz / QEMU_APIC_TIMER_HZ - 1) < CALIBRATION_BOUND,
          f"calibrated to {hz} Hz; QEMU's timer runs at {QEMU_APIC_TIMER_HZ} Hz")


@test
def boots_from_qemu_floppy():
    serial, _ = qemu_boot(FLOPPY, "floppy")
    check("BIOS drive 0x00 " in serial and "2 heads, 18 sectors/track" in serial,
          f"not booted as a 1.44 MB floppy:\n{tail(serial)}")


@test
def boots_from_qemu_usb_stick_xhci():
    serial, _ = qemu_boot(HDD, "usb-xhci")
    check("BIOS drive 0x80" in serial, f"the stick is not drive 0x80:\n{tail(serial)}")


@test
def boots_from_qemu_usb_stick_ehci():
    qemu_boot(HDD, "usb-ehci")


@test
def boots_from_bochs_hard_disk():
    check_kernel_boot(bochs_run(HDD, READY), "Bochs hard disk")


@test
def boots_from_bochs_floppy():
    check_kernel_boot(bochs_run(FLOPPY, READY, floppy=True), "Bochs floppy")


# ---- memory sizes ---------------------------------------------------------------

def boots_with_memory(mib):
    with QemuRun(HDD, "ide", memory=f"{mib}M") as vm:
        serial = vm.wait_for(READY, BOOT_TIMEOUT, which="serial")
    check_kernel_boot(serial, f"-m {mib}M")
    usable = usable_mib(serial)
    # The BIOS keeps a little below 1 MiB and at the top of RAM for itself.
    check(mib - 2 <= usable <= mib, f"-m {mib}M reports {usable} MiB usable")
    # The frame allocator manages what is usable above 1 MiB: all but ~2 MiB.
    m = re.search(r"^frames: (\d+) total \((\d+) MiB\), (\d+) used, (\d+) free", serial, re.M)
    check(m, f"no frame totals in:\n{tail(serial)}")
    total, total_mib, used, free = (int(g) for g in m.groups())
    check(mib - 3 <= total_mib <= mib, f"-m {mib}M: the frame allocator manages {total_mib} MiB")
    check(used + free == total and used < total // 50 + 300,
          f"-m {mib}M: {used} used + {free} free of {total} frames")
    return serial


@test
def reports_memory_32m():
    boots_with_memory(32)


@test
def reports_memory_64m():
    boots_with_memory(64)


@test
def reports_memory_1g():
    boots_with_memory(1024)


@test
def reports_memory_4g_split_around_the_pci_hole():
    serial = boots_with_memory(4096)
    check(re.search(r"^  0000000100000000-[0-9a-f]{16} usable", serial, re.M),
          f"no usable RAM above 4 GiB listed:\n{tail(serial)}")


@test
def reports_memory_8g():
    boots_with_memory(8192)


# ---- big kernels ---------------------------------------------------------------

def padded_image(kib):
    """disk/hdd.img's kernel followed by `kib` KiB of zeros, with a boot sector
    assembled for it, as the Makefile would with KERNEL_PAD_KIB."""
    work = scratch_dir()
    load = work / "kernel.load"
    load.write_bytes((BUILD / "kernel.bin").read_bytes() + bytes(kib * 1024))
    sums = dict(re.findall(r"(\w+)=(\w+)", run([str(BUILD / "tools" / "kernsum"), str(load)]).stdout))
    sectors = int(sums["KERNEL_SECTORS"])
    _, disk_sectors = disk_layout(sectors)
    mbr = work / "mbr.bin"
    out = assemble_boot_sector(mbr, sectors, sums["KERNEL_SUM"])
    check(out.returncode == 0, f"nasm failed:\n{out.stderr}")
    image = work / "big.img"
    with open(image, "wb") as f:
        f.write(mbr.read_bytes() + load.read_bytes())
        f.truncate(disk_sectors * 512)
    return image, sectors


@test
def boots_a_kernel_that_reaches_past_lba_32767():
    # 16.5 MiB: LBAs from 0x8000 up, which a sign-extending division once turned
    # into a divide error and a silent hang.
    image, sectors = padded_image(16 * 1024 + 512)
    check(sectors > 0x8000, f"only {sectors} sectors")
    qemu_boot(image, "ahci")


@test
def refuses_to_assemble_a_boot_sector_for_more_than_65534_sectors():
    out = assemble_boot_sector(scratch_dir() / "mbr.bin", 65535, 0)
    check(out.returncode != 0 and "loads at most 65534" in out.stderr,
          f"nasm said (status {out.returncode}):\n{out.stderr}")


# ---- refusals: each must say why, on 0xE9 and on screen, and halt -------------------

def refused(image, drive, message, extra=()):
    with QemuRun(image, drive, extra=extra) as vm:
        text = vm.wait_for(re.escape(message), BOOT_TIMEOUT)
        screen = vm.screen_text()
        check("keel: ready" not in text, f"booted anyway:\n{tail(text)}")
        check(any(message in line for line in screen),
              f"'{message}' is not on the screen:\n" + tail("\n".join(screen)))
        check(vm.proc.poll() is None, "QEMU ended (reset or triple fault) instead of halting")
        return text


def doctored(image, change):
    work = scratch_dir()
    copy = work / image.name
    data = bytearray(image.read_bytes())
    change(data)
    copy.write_bytes(data)
    return copy


@test
def refuses_a_cpu_without_long_mode_qemu():
    refused(HDD, "ide", "keel: no long mode", extra=["-cpu", "qemu32"])


@test
def refuses_a_cpu_without_long_mode_bochs():
    text = bochs_run(HDD, r"keel: no long mode", cpu="p3_katmai", timeout=60)
    check("ready" not in text, f"booted anyway:\n{tail(text)}")


@test
def refuses_a_kernel_with_one_flipped_byte():
    at = 512 + kernel_sectors() * 512 // 2
    image = doctored(HDD, lambda d: d.__setitem__(at, d[at] ^ 0x01))
    refused(image, "ide", "keel: bad kernel")


@test
def refuses_a_kernel_with_two_sectors_swapped():
    # What reading with the wrong geometry can look like.
    a, b = 512 * 3, 512 * (kernel_sectors() // 2)

    def swap(d):
        check(d[a:a + 512] != d[b:b + 512], "the two sectors are the same")
        d[a:a + 512], d[b:b + 512] = d[b:b + 512], d[a:a + 512]
    refused(doctored(HDD, swap), "ide", "keel: bad kernel")


@test
def refuses_a_kernel_shifted_over_a_zero_sector():
    # A read that skips one all-zero sector: everything after it arrives a sector
    # early and the kernel ends in zeros. The old rotate-and-add sum (rol by 1 over
    # 128 dwords a sector) came out the same for this kernel.
    sectors = kernel_sectors()
    start = 512

    def shift(d):
        kernel = d[start:start + 512 * sectors]
        zero = next((i for i in range(1, sectors - 1)
                     if not any(kernel[512 * i:512 * i + 512])), None)
        check(zero is not None, "the kernel has no all-zero sector to skip")
        kernel = kernel[:512 * zero] + kernel[512 * zero + 512:] + bytes(512)
        d[start:start + 512 * sectors] = kernel
    refused(doctored(HDD, shift), "ide", "keel: bad kernel")


@test
def refuses_a_missing_kernel():
    image = doctored(FLOPPY, lambda d: d.__setitem__(slice(512, None), bytes(len(d) - 512)))
    refused(image, "floppy", "keel: bad kernel")


@test
def refuses_a_truncated_kernel_on_a_floppy():
    half = 512 + kernel_sectors() * 512 // 2
    image = doctored(FLOPPY, lambda d: d.__setitem__(slice(half, None), bytes(len(d) - half)))
    refused(image, "floppy", "keel: bad kernel")


@test
def refuses_a_truncated_hard_disk_image():
    # The disk ends in the middle of the kernel: the reads past its end fail.
    half = 512 * (1 + kernel_sectors() // 2)
    image = doctored(HDD, lambda d: d.__delitem__(slice(half, None)))
    refused(image, "ide", "keel: disk error")


def blkdebug(sector, once):
    work = scratch_dir()
    conf = work / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                    f'sector = "{sector}"\n' + ('once = "on"\n' if once else ""))
    return f"blkdebug:{conf}:{HDD}"


@test
def survives_a_transient_read_error_by_retrying():
    with QemuRun(blkdebug(sector=3, once=True), "ide") as vm:
        serial = vm.wait_for(READY, BOOT_TIMEOUT, which="serial")
    check_kernel_boot(serial, "transient read error")
    check("disk reads retried: 1)" in serial, f"the retry is not reported:\n{tail(serial)}")


@test
def reports_a_permanent_read_error():
    refused(blkdebug(sector=3, once=False), "ide", "keel: disk error")


# ---- .bss is zeroed at run time -------------------------------------------------------

def symbol(name):
    out = run(["nm", str(BUILD / "kernel.elf")]).stdout
    return int(re.search(rf"^([0-9a-f]+) \S {name}$", out, re.M).group(1), 16)


@test
def bss_is_zeroed_at_run_time_over_garbage():
    # Physical addresses: the kernel is linked at KERNEL_VMA + physical (link.ld).
    start, end = (symbol(s) - 0xFFFFFFFF80000000 for s in ("__bss_start", "__bss_end"))
    loaded_end = 0x100000 + kernel_sectors() * 512
    check(loaded_end <= symbol("bss_witness") - 0xFFFFFFFF80000000 < end,
          "the kernel's .bss witness is not in the part of .bss the loader never writes")
    work = scratch_dir()
    garbage = work / "garbage.bin"
    pattern = struct.pack("<Q", 0xDEADBEEFCAFEF00D)
    garbage.write_bytes(pattern * ((end - start) // 8))
    # QEMU's loader writes it into RAM before the BIOS runs: over all of .bss, and a
    # page at 120 MiB as the control. Just past .bss the kernel puts its first page
    # tables; the frame allocator hands out low frames first, and boot takes far
    # fewer than 119 MiB of them, so nothing should touch the control.
    control_at = 120 << 20
    with QemuRun(HDD, "ide", extra=["-device", f"loader,file={garbage},addr={start:#x},force-raw=on",
                                    "-device", f"loader,file={garbage},addr={control_at:#x},force-raw=on"]) as vm:
        serial = vm.wait_for(READY + "|PANIC", BOOT_TIMEOUT, which="serial")
        check_kernel_boot(serial, "garbage in .bss")
        control = vm.read_memory(control_at, 64)
    check(control == pattern * 8,
          f"the garbage at {control_at:#x} is gone ({control[:16].hex()}...): the test proves nothing")
    shutil.rmtree(work)
