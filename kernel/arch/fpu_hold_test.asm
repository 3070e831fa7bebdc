; Test kernel only (fpu_test.c): fills the x87 stack, XMM0-15 and, when asked, the
; upper halves of YMM0-15 with values made from a seed, spins until *stop is set
; (being preempted meanwhile as often as the scheduler likes), then checks every
; register against the values it loaded. Returns the number of registers that
; changed.
;
; uint64_t fpu_hold(uint64_t seed, volatile uint64_t *stop, uint64_t with_avx)

bits 64
default rel
section .text

global fpu_hold
global fpu_read_controls
global fpu_write_controls

%define TABLE   0               ; 16 XMM values, then 16 YMM upper halves: 512 bytes
%define X87     512             ; 8 x87 values
%define SCRATCH 576             ; 32 bytes to store a register into
%define FRAME   608

fpu_hold:
        push rbx
        push r12
        push r13
        sub rsp, FRAME
        mov r12, rsi                    ; stop
        mov r13, rdx                    ; with_avx

        ; The table: entry k (0..39) holds seed * 0x9E3779B97F4A7C15 + k in each
        ; of its 8-byte words, the second word inverted: 16 XMM, 16 YMM-upper,
        ; then the x87 values (small integers, exact in an 80-bit float).
        mov rax, 0x9E3779B97F4A7C15
        imul rax, rdi
        xor ecx, ecx
.fill:
        lea rdx, [rax + rcx]
        mov r8, rcx
        shl r8, 4
        mov [rsp + TABLE + r8], rdx
        not rdx
        mov [rsp + TABLE + r8 + 8], rdx
        inc ecx
        cmp ecx, 32
        jb .fill
        xor ecx, ecx
.fill_x87:
        mov rdx, rdi
        shl rdx, 8
        add rdx, rcx
        mov [rsp + X87 + rcx * 8], rdx
        inc ecx
        cmp ecx, 8
        jb .fill_x87

        ; Load them.
%assign i 0
%rep 16
        movdqu xmm %+ i, [rsp + TABLE + i * 16]
%assign i i + 1
%endrep
        test r13, r13
        jz .x87
%assign i 0
%rep 16
        vinsertf128 ymm %+ i, ymm %+ i, [rsp + TABLE + 256 + i * 16], 1
%assign i i + 1
%endrep
.x87:
        fninit
%assign i 0
%rep 8
        fild qword [rsp + X87 + i * 8]
%assign i i + 1
%endrep

.spin:
        mov rax, [r12]
        test rax, rax
        jz .spin

        ; Check them: count the registers whose value is not what was loaded.
        xor ebx, ebx
%assign i 0
%rep 16
        movdqu [rsp + SCRATCH], xmm %+ i
        mov rax, [rsp + SCRATCH]
        cmp rax, [rsp + TABLE + i * 16]
        setne al
        movzx eax, al
        add rbx, rax
        mov rax, [rsp + SCRATCH + 8]
        cmp rax, [rsp + TABLE + i * 16 + 8]
        setne al
        movzx eax, al
        add rbx, rax
%assign i i + 1
%endrep
        test r13, r13
        jz .check_x87
%assign i 0
%rep 16
        vextractf128 [rsp + SCRATCH], ymm %+ i, 1
        mov rax, [rsp + SCRATCH]
        cmp rax, [rsp + TABLE + 256 + i * 16]
        setne al
        movzx eax, al
        add rbx, rax
        mov rax, [rsp + SCRATCH + 8]
        cmp rax, [rsp + TABLE + 256 + i * 16 + 8]
        setne al
        movzx eax, al
        add rbx, rax
%assign i i + 1
%endrep
        vzeroupper
.check_x87:
        ; ST0 is the last value pushed.
%assign i 7
%rep 8
        fistp qword [rsp + SCRATCH]
        mov rax, [rsp + SCRATCH]
        cmp rax, [rsp + X87 + i * 8]
        setne al
        movzx eax, al
        add rbx, rax
%assign i i - 1
%endrep
        mov rax, rbx
        add rsp, FRAME
        pop r13
        pop r12
        pop rbx
        ret

; void fpu_read_controls(uint16_t *fcw, uint32_t *mxcsr): this task's x87 control
; word and MXCSR, as its registers hold them.
fpu_read_controls:
        fnstcw [rdi]
        stmxcsr [rsi]
        ret

; void fpu_write_controls(uint64_t fcw, uint64_t mxcsr)
fpu_write_controls:
        sub rsp, 16
        mov [rsp], di
        mov [rsp + 8], esi
        fldcw [rsp]
        ldmxcsr [rsp + 8]
        add rsp, 16
        ret
