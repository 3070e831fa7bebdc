; Bare-loader floor for tests/bench.py: reads KERNEL_SECTORS sectors from LBA 1, as the
; real boot sector does, in the largest chunks the BIOS allows, and throws them away;
; then writes the marker byte to port 0xE9 and exits QEMU (isa-debug-exit). Its boot
; time is the firmware plus the cost of the kernel's bytes themselves.
;
; Assembled with -DKERNEL_SECTORS=n -DMARKER=byte, and -DFLOPPY for floppies.
; Hard disks: int 13h AH=42h, CHUNK sectors a call. SeaBIOS refuses a transfer over
;   64 KiB (src/block.c process_op), so 128 is its largest (EDD/Phoenix say 127).
; Floppies: SeaBIOS refuses AH=42h there (src/disk.c floppy_13), so CHS AH=02h, one
;   whole track a call, as real floppy controllers need.
; The buffer at 0x10000 holds 64 KiB without crossing a 64 KiB (floppy DMA) boundary.

bits 16
org 0x7C00

BUF_SEG         equ 0x1000
CHUNK           equ 128
KERNEL_END_LBA  equ 1 + KERNEL_SECTORS

start:
        jmp 0:.cs_normalised
.cs_normalised:
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, start
        cld
        mov [drive], dl             ; BIOS calls may clobber DL

%ifdef FLOPPY
        mov ah, 0x08                ; geometry: CL bits 0-5 = sectors/track, DH = heads-1
        int 0x13
        jc fail
        and cx, 0x3F
        mov [spt], cx
        inc dh
        mov [heads], dh
        mov si, 1                   ; SI = next LBA
.track:
        mov bx, KERNEL_END_LBA
        sub bx, si                  ; sectors left...
        jz done
        mov ax, si
        xor dx, dx
        div word [spt]              ; AX = track, DX = sector within it
        mov cx, [spt]
        sub cx, dx                  ; ...and left in this track
        cmp bx, cx
        jbe .count_ok
        mov bx, cx
.count_ok:
        add si, bx
        mov cl, dl
        inc cx                      ; CL = 1-based sector
        div byte [heads]            ; AL = cylinder, AH = head
        mov ch, al
        mov dh, ah
        mov dl, [drive]
        mov ax, bx
        mov ah, 0x02
        push BUF_SEG
        pop es
        xor bx, bx
        int 0x13
        jc fail                     ; QEMU's floppy needs no spin-up retries
        jmp .track
%else
        mov ah, 0x41                ; packet access: CF clear, BX = 0xAA55, CX bit 0
        mov bx, 0x55AA
        mov dl, [drive]
        int 0x13
        jc fail
        cmp bx, 0xAA55
        jne fail
        test cl, 1
        jz fail
.chunk:
        mov ax, KERNEL_END_LBA
        sub ax, [dap.lba]           ; sectors left
        jz done
        cmp ax, CHUNK
        jbe .count_ok
        mov ax, CHUNK
.count_ok:
        mov [dap.count], ax
        push ax
        mov si, dap
        mov dl, [drive]
        mov ah, 0x42
        int 0x13
        pop ax                      ; the BIOS rewrites dap.count with what it moved
        jc fail
        add [dap.lba], ax           ; kernels stay far below LBA 65536
        jmp .chunk
%endif

done:
        mov al, MARKER
        out 0xE9, al
        xor al, al
        out 0xF4, al                ; QEMU exits (status 1)
halt:
        cli
        hlt
        jmp halt

fail:
        mov si, msg_fail            ; bench.py sees no marker and shows this
.print:
        lodsb
        test al, al
        jz .exit
        out 0xE9, al
        jmp .print
.exit:
        mov al, 1
        out 0xF4, al                ; QEMU exits (status 3)
        jmp halt

msg_fail:   db "bench floor: disk read failed", 10, 0

%ifndef FLOPPY
dap:                                ; EDD disk address packet
            db 16, 0
.count:     dw 0
            dw 0, BUF_SEG           ; buffer offset, segment
.lba:       dq 1
%endif

        times 446 - ($ - $$) db 0   ; fails to assemble if the code would reach
        times 510 - ($ - $$) db 0   ; the partition table bench.py keeps
        dw 0xAA55

drive       equ 0x0500              ; scratch below the stack, not in the sector
spt         equ 0x0502
heads       equ 0x0504
