; Firmware floor for tests/bench.py: the cheapest possible boot. It writes the marker
; byte to port 0xE9 (QEMU -debugcon) the moment it runs and exits QEMU through
; isa-debug-exit, so its boot time is the firmware's and the emulator's cost alone.
; Assembled with -DMARKER=byte. bench.py writes its first 446 bytes over a copy of the
; real image, keeping that image's partition table and signature.

bits 16
org 0x7C00

        mov al, MARKER
        out 0xE9, al
        xor al, al
        out 0xF4, al                ; isa-debug-exit,iobase=0xf4: QEMU exits (status 1)
halt:
        cli
        hlt
        jmp halt

        times 446 - ($ - $$) db 0   ; fails to assemble if the code would reach
        times 510 - ($ - $$) db 0   ; the partition table bench.py keeps
        dw 0xAA55
