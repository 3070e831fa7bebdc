#!/usr/bin/env python3
"""Extracts the ACPI tables from a dump of guest physical memory into a fixture for
tests/host/test_acpi.c: records of (u64 physical address, u32 length, bytes), little
endian, for the EBDA pointer at 0x40E, the RSDP, the RSDT/XSDT and every table they
list (plus the DSDT). The test puts each record back at its address in fake memory.

How the fixtures here were made (the BIOSes build the tables before booting, so a
machine with no bootable disk is enough):

  qemu-pc.bin, qemu-q35.bin (QEMU 7.2, SeaBIOS):
    qemu-system-x86_64 -machine pc|q35 -m 16M -display none -nic none \\
        -monitor unix:mon.sock,server,nowait      then on the monitor, after 2 s:
    pmemsave 0 0x1000000 "pc.dump"
  bochs.bin (Bochs 2.7, BIOS-bochs-latest, 64 MiB): tools/bochs-run --floppy with a
    --debug-rc of   lb 0x7c00 / c / writemem "bochs.dump" 0 0x4000000 / q
    and a floppy image that is just a boot signature.

Usage: extract.py DUMP OUT.bin"""

import struct
import sys


def main(dump_path, out_path):
    mem = open(dump_path, "rb").read()
    ebda = struct.unpack_from("<H", mem, 0x40E)[0] << 4
    rsdp = None
    for base, end in ((ebda, ebda + 1024), (0xE0000, 0x100000)):
        for a in range(base, end, 16):
            if mem[a:a + 8] == b"RSD PTR " and sum(mem[a:a + 20]) & 0xFF == 0:
                rsdp = a
                break
        if rsdp is not None:
            break
    if rsdp is None:
        sys.exit("no RSDP in the dump")
    revision = mem[rsdp + 15]
    rsdp_len = struct.unpack_from("<I", mem, rsdp + 20)[0] if revision >= 2 else 20
    records = [(0x40E, mem[0x40E:0x410]), (rsdp, mem[rsdp:rsdp + rsdp_len])]

    def table(addr):
        length = struct.unpack_from("<I", mem, addr + 4)[0]
        records.append((addr, mem[addr:addr + length]))
        return mem[addr:addr + length]

    roots = [(struct.unpack_from("<I", mem, rsdp + 16)[0], "<I")]
    if revision >= 2 and struct.unpack_from("<Q", mem, rsdp + 24)[0]:
        roots.append((struct.unpack_from("<Q", mem, rsdp + 24)[0], "<Q"))
    seen = set()
    for root_addr, fmt in roots:
        root = table(root_addr)
        size = struct.calcsize(fmt)
        for off in range(36, len(root), size):
            addr = struct.unpack_from(fmt, root, off)[0]
            if addr in seen:
                continue
            seen.add(addr)
            t = table(addr)
            if t[:4] == b"FACP":
                dsdt = struct.unpack_from("<I", t, 40)[0]
                if len(t) >= 148 and struct.unpack_from("<Q", t, 140)[0]:
                    dsdt = struct.unpack_from("<Q", t, 140)[0]
                if dsdt not in seen:
                    seen.add(dsdt)
                    table(dsdt)
    with open(out_path, "wb") as out:
        for addr, data in records:
            out.write(struct.pack("<QI", addr, len(data)) + data)
    for addr, data in records:
        print(f"{addr:#010x} {len(data):6} {data[:4]!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
