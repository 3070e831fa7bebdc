# make gdb-boot: the boot sector, in real mode. Breakpoints, stepping and registers
# work as usual, and the labels of boot/mbr.asm are symbols (build/mbr.elf).
# Addresses are physical; CS is 0 from the second instruction on.
# GDB decodes 16-bit code as 64-bit here (QEMU's stub always says x86-64), so
# tools/gdb/boot.py adds dis16 (real 16-bit disassembly) and lst (the NASM listing).
set pagination off
source tools/gdb/boot.py
break *0x7c00
continue
echo \nStopped at 0x7C00 (start). Try: si, dis16, lst, break *enter_long_mode, info registers.\n
