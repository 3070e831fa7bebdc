; The initramfs: a newc cpio archive (tools/mkinitramfs, or the file or directory
; make INITRAMFS=PATH names) as bytes in the kernel image, so the boot sector loads
; and checksums it with the rest. fs/root.c unpacks it into the root at boot.

bits 64
section .rodata

global initramfs_start, initramfs_end
align 16
initramfs_start:
        incbin INITRAMFS
initramfs_end:
