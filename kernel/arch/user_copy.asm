; Copies to and from user memory that may fault. Each instruction that touches user
; memory has an entry in the .extable section: its address and where to go on if it
; faults. trap_dispatch (arch/trap.c) looks a kernel-mode #PF or #GP up there and
; resumes at the fixup instead of panicking, so a bad user pointer costs the system
; call an EFAULT, never the kernel. The callers (arch/usercopy.c) check first that
; the range lies in the lower half and set RFLAGS.AC around the call under SMAP.

bits 64
default rel
section .text

global user_copy_bytes
global user_copy_string

; uint64_t user_copy_bytes(void *dst, const void *src, uint64_t n): the bytes left
; uncopied, 0 when all went. Eight bytes a step, then the tail a byte a step: QEMU
; TCG runs a REP one iteration at a time, whatever its size. A fault among the
; words retries what is left a byte at a time, so the count stops at the very byte
; that faults.
user_copy_bytes:
        mov rcx, rdx
        shr rcx, 3
.words: rep movsq
        mov ecx, edx
        and ecx, 7
.bytes: rep movsb
        xor eax, eax
        ret
.words_fault:
        and edx, 7                      ; RCX counts the words still to go
        lea rcx, [rcx * 8 + rdx]
        jmp .bytes
.bytes_fault:
        mov rax, rcx                    ; RCX counts the bytes still to go
        ret

; int64_t user_copy_string(char *dst, const char *src, uint64_t max): the string's
; length (its NUL copied too) when a NUL came within max bytes; max when none did;
; -1 if src faulted first.
user_copy_string:
        xor eax, eax
.next:  cmp rax, rdx
        je .done
.load:  mov cl, [rsi + rax]
        mov [rdi + rax], cl
        inc rax
        test cl, cl
        jnz .next
        dec rax                         ; the length, not counting the NUL
.done:  ret
.fault: mov rax, -1
        ret

section .extable progbits alloc noexec nowrite align=8
        dq user_copy_bytes.words, user_copy_bytes.words_fault
        dq user_copy_bytes.bytes, user_copy_bytes.bytes_fault
        dq user_copy_string.load, user_copy_string.fault
