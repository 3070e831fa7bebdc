; Keel boot sector: loads kernel.bin to 1 MiB, verifies it, enters long mode and
; calls _start(boot_info). At most 446 bytes of code, then the partition table.
;
; Assembled with -DKERNEL_SECTORS=n -DKERNEL_SUM=x -DESP_START=lba -DESP_SECTORS=n
; (see Makefile).
; Memory while it runs (all below 64 KiB, so DS and SS stay 0):
;   0x0500  boot information (bootinfo.inc)     0x1000  page tables (1 GiB)
;   0x7C00  this sector, stack below it         0x8000  32 KiB read buffer
; BIOS facts relied on come from SeaBIOS (src/disk.c, src/block.c), Bochs rombios.c,
; Ralf Brown's Interrupt List (int 13h, int 15h E820) and the Intel SDM vol. 3A.

bits 16
org 0x7C00
%include "bootinfo.inc"

; BOCHS_BREAK: Bochs' magic breakpoint (xchg bx, bx), assembled only with
; make BOCHS_BREAK=1. Each costs 2 bytes, so make room for any you add.
%macro BOCHS_BREAK 0
%ifdef BOCHS_BREAK
        xchg bx, bx
%endif
%endmacro

KERNEL_ADDR     equ 0x100000
KERNEL_END_LBA  equ 1 + KERNEL_SECTORS
%if KERNEL_END_LBA > 0xFFFF                 ; SI holds the LBA: 16 bits
%error the kernel is KERNEL_SECTORS sectors, and the boot sector loads at most 65534
%endif
READ_BUF        equ 0x8000          ; a 63-sector track fits and ends below 0x10000,
                                    ; so no read can cross a 64 KiB DMA boundary
PD              equ 0x1000          ; the PD loop leaves DI at the PML4
PML4            equ 0x2000
PDPT            equ 0x3000
ZEROED_END      equ 0x4000          ; boot info and page tables start out zeroed
%if BOOT_INFO_ADDR + BI_SIZE > PD
%error the boot information runs into the page tables at PD
%endif
MAX_RETRIES     equ 5               ; the 5th failed read, in all, is fatal (floppy
                                    ; motors need a few retries)

CODE_SEL        equ gdt.code - gdt
DATA_SEL        equ gdt.data - gdt

start:
        jmp 0:.cs_normalised        ; some BIOSes enter at 07C0:0000
.cs_normalised:
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax                  ; mov ss holds off interrupts for one instruction
        mov sp, start + 4           ; the dword pushed first (the copy's target, never
                                    ; popped) covers the jmp above; _start then gets
                                    ; SP = 0x7C00 - 8, as the SysV ABI wants
        cld
        mov di, BOOT_INFO_ADDR
        mov bp, di                  ; BP = boot info, for the rest of the sector
        mov cx, (ZEROED_END - BOOT_INFO_ADDR) / 2
        rep stosw
        mov [bp + BI_DRIVE], dl     ; kept in memory: BIOS calls clobber DL

; A20 through the fast gate: port 0x92 bit 1 (bit 0 would reset the machine).
        in al, 0x92
        or al, 2
        and al, ~1
        out 0x92, al

; Read the kernel with CHS calls (int 13h AH=02h), geometry from AH=08h. CHS works on
; floppies, hard disks and USB sticks alike (SeaBIOS and Bochs refuse AH=42h on
; floppies); a kernel at the start of the disk never needs LBA's reach, and one read
; path is what fits. Limits, for the bytes: LBAs are 16 bits (65534 kernel sectors,
; checked above); cylinders above 255 (a kernel that big on a small geometry, e.g.
; over 4.5 MiB on a 2-head floppy geometry) or a BIOS reporting 256 heads make the
; divisions below fault (#DE), and SeaBIOS answers #DE with an iret: a silent hang
; instead of a report.
        mov ah, 0x08
        push es
        int 0x13
        pop es                      ; on floppies AH=08h also points ES:DI at a table
        jc disk_error
        and cx, 0x3F
        jz disk_error               ; 0 sectors per track (a floppy type the CMOS
                                    ; lacks): the division below would fault
        mov [bp + BI_SECTORS_PER_TRACK], cx
        inc dh                      ; heads (256 would wrap to 0: see the limits above)
        mov [bp + BI_HEADS], dh

; Each call reads from the current sector to the end of its track (real floppy
; controllers cannot cross a track; at most 63 sectors, within every BIOS's limit),
; then copies the sectors up to EDI in unreal mode, summing them on the way.
; Unreal mode rather than int 15h AH=87h: the GDT it needs is the one long mode needs.
        mov si, 1                   ; SI = LBA of the next kernel sector
        push byte KERNEL_ADDR >> 16 ; where the copy goes (two word pushes, shorter
        push byte 0                 ; than one dword push), kept on the stack between
read_track:                         ; copies: BIOS calls may clobber EDI's high half
        mov bx, KERNEL_END_LBA
        sub bx, si                  ; sectors left in the kernel...
        jz loaded
        mov ax, si
        xor dx, dx                  ; not cwd: LBAs from 0x8000 up would sign-extend
        div word [bp + BI_SECTORS_PER_TRACK]    ; AX = track, DX = sector in track
        mov cx, [bp + BI_SECTORS_PER_TRACK]
        sub cx, dx                  ; ...and in this track
        cmp bx, cx
        jbe .count_ok
        mov bx, cx
.count_ok:
        push bx                     ; BX = sectors to read in this call
        mov cl, dl
        inc cx                      ; CL = 1-based sector (CH is 0: count <= 63)
        div byte [bp + BI_HEADS]    ; AL = cylinder, AH = head
        mov dh, ah
        mov ch, al
        mov dl, [bp + BI_DRIVE]
        xchg ax, bx
        mov ah, 0x02
        mov bx, READ_BUF
        int 0x13
        pop cx                      ; CX = sectors asked for (AL is not reliable)
        jnc copy_track
        xor ax, ax                  ; reset the drive and try again
        int 0x13
        inc byte [bp + BI_READ_RETRIES]
        cmp byte [bp + BI_READ_RETRIES], MAX_RETRIES
        jb read_track
disk_error:
        call die
        db "disk error", 0

copy_track:
        add si, cx
        pop edi
        push si
        shl cx, 7                   ; 128 dwords a sector
        mov si, READ_BUF
        call unreal
        mov edx, [bp + BI_KERNEL_SUM]   ; the sum in a register for the track: in
.dword:                                 ; memory, it costs more than the copy (TCG)
        lodsd                       ; sum = sum * 31 + dword, as tools/kernsum.c:
        imul edx, edx, 31           ; unlike a rotate-and-add sum, which repeats
        add edx, eax                ; every sector, it sees sectors out of order
        a32 stosd
        loop .dword
        mov [bp + BI_KERNEL_SUM], edx
        pop si
        push edi
        jmp read_track

; All read: the sum, still in EDX, must be the one the build put here. (The copy's
; target stays on the stack, on the first bytes of this sector: see mov sp.)
loaded:
        cmp edx, KERNEL_SUM
        je e820
bad_kernel:                         ; a flipped byte, a short read, a missing kernel
        call die
        db "bad kernel", 0

; E820 memory map into the boot info, 24 bytes an entry. CF on the first call means
; no E820: the kernel says so.
e820:
        mov di, BOOT_INFO_ADDR + BI_E820
        xor ebx, ebx
.next:
        mov eax, 0xE820
        mov cl, BI_E820_ENTRY_SIZE  ; CH is 0: the copy loop, then each call, leave
                                    ; ECX <= 24; its high half may not be 0 on the
                                    ; first call, which just offers a bigger buffer,
                                    ; and no entry is bigger than 24 (ACPI 3.0)
        mov edx, 'PAMS'             ; 'SMAP' as the BIOS reads EDX
        int 0x15
        jc .done
        inc word [bp + BI_E820_COUNT]
        add di, BI_E820_ENTRY_SIZE
        test ebx, ebx
        jz .done
        cmp di, BOOT_INFO_ADDR + BI_E820_END
        jb .next
.done:

; Long mode: CPUID leaf 0x80000001, EDX bit 29 (shifted out into CF: a byte shorter
; than bt).
check_long_mode:
        mov eax, 0x80000001
        cpuid
        shl edx, 3
        jnc no_long_mode

; Identity map the first 1 GiB with 2 MiB pages: PML4[0] -> PDPT[0] -> PD[0..511].
page_tables:
        mov di, PD
        xor eax, eax
        mov al, 0x83                ; present, writable, 2 MiB page
        mov cx, 512
.pd:
        stosd
        scasd                       ; skip the high dword (zero)
        add eax, 0x200000
        loop .pd
        mov ax, PDPT | 3            ; present, writable; DI = PML4 here
        stosw
        mov word [PDPT], PD | 3

; Straight from real mode to long mode: PAE, CR3, EFER.LME, then CR0.PG|PE in one
; write (OSDev wiki "Entering Long Mode Directly"), and a far jump to 64-bit code.
enter_long_mode:
        xor eax, eax
        mov al, 0x20                ; CR4.PAE
        mov cr4, eax
        mov ah, PML4 >> 8           ; CR3 bits 5-11 are ignored (SDM 4.5)
        mov cr3, eax
        mov ecx, 0xC0000080         ; IA32_EFER
        rdmsr
        or ah, 1                    ; LME (bit 8)
        wrmsr
        call unreal                 ; interrupts off, GDT loaded, EAX = CR0
        or eax, 0x80000001          ; PG | PE
        mov cr0, eax
        jmp CODE_SEL:long_mode

no_long_mode:
        call die
        db "no long mode", 0

; unreal: load ES with the flat 4 GiB data segment in protected mode and go back to
; real mode; the 4 GiB limit stays cached until ES is reloaded in protected mode.
; Called before every copy: a BIOS call may have reset it. Leaves interrupts off (a
; BIOS interrupt handler could reset it too) and EAX = CR0.
unreal:
        cli
        lgdt [gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        push es
        push DATA_SEL
        pop es
        dec ax
        mov cr0, eax
        pop es                      ; base back to 0; the limit stays
        ret

; die: the caller's return address is its message. Print "keel: " and the message on
; screen (BIOS teletype) and on port 0xE9 (QEMU -debugcon, Bochs port_e9_hack), halt.
die:
        mov si, msg_prefix
        call print
        pop si
        call print
halt:
        cli
        hlt
        jmp halt

print_char:
        out 0xE9, al
        mov ah, 0x0E
        xor bx, bx                  ; page 0
        int 0x10
print:
        lodsb
        test al, al
        jnz print_char
        ret

bits 64
long_mode:
        movzx esp, sp               ; the stack below 0x7C00, zero-extended
        movzx edi, bp               ; _start(struct boot_info *)
%ifndef BENCH_CHAIN_FLOOR
        call KERNEL_ADDR
        jmp halt                    ; _start never returns; if it did, stop here
%else                               ; make bench only (tests/bench.py): the boot
        mov al, MARKER              ; chain's own cost ends here, so say so and
        out 0xE9, al                ; exit QEMU through isa-debug-exit
        out 0xF4, al
        hlt                         ; (the same 7 bytes as the call and the jmp)
%endif

; GDT; its null entry holds the GDTR pseudo-descriptor. 0x08: 64-bit code (L=1).
; 0x10: flat 4 GiB read/write data, for unreal mode and for long mode.
; A 16-bit lgdt reads a 16-bit limit and a 24-bit base (and ignores a sixth byte):
; the base's high byte, 0, is the code descriptor's first, its limit's low byte,
; and the never-read null entry starts 4 bytes before the GDTR. No limit applies in
; 64-bit mode (SDM vol. 3A 5.3.1); 0xFFF00FFF would cover this code anyway.
gdt equ $ - 4
gdtr:
        dw gdt.end - gdt - 1
        dw gdt
gdt.code:  dq 0x00AF9A000000FF00
gdt.data:  dq 0x00CF92000000FFFF
gdt.end:

msg_prefix:
        db "keel: ", 0

code_end:
; Overflowing the 446 bytes makes NASM stop here with "TIMES value -N is negative":
; N is how many bytes too many (the Makefile says so in plain words).
        times 446 - ($ - $$) db 0

; Partition table. 1: active, the kernel, from LBA 0 up to the EFI system partition.
; BIOSes that want an active partition before booting a USB stick take it; those
; that boot the active partition's first sector instead of the MBR, or remap LBA 0
; to it (ZIP emulation), get this very sector. SeaBIOS, Bochs, OVMF (its MBR check,
; PartitionDxe/Mbr.c, only wants no overlaps) and sfdisk accept an entry at LBA 0.
; 2: the EFI system partition (type 0xEF, FAT) with \EFI\BOOT\BOOTX64.EFI, for
; UEFI firmware, which never runs this sector's code. CHS fields assume 16 heads x
; 63 sectors, the geometry the image is sized for.
%define CHS(lba) db (lba / 63) % 16, ((lba % 63) + 1) | (((lba / 1008) >> 2) & 0xC0), (lba / 1008) & 0xFF
%macro CHS_OR_MAX 1
%if (%1) < 1024 * 1008
        CHS((%1))
%else
        db 0xFE, 0xFF, 0xFF         ; past what CHS can say
%endif
%endmacro
%macro PARTITION 4                  ; status, type, first LBA, sectors
        db %1
        CHS_OR_MAX %3
        db %2
        CHS_OR_MAX (%3) + (%4) - 1
        dd %3
        dd %4
%endmacro
        PARTITION 0x80, 0xDA, 0, ESP_START  ; "non-FS data"
        PARTITION 0x00, 0xEF, ESP_START, ESP_SECTORS
        times 2 * 16 db 0
        dw 0xAA55
