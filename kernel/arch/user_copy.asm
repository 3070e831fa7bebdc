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
; uncopied, 0 when all went.
user_copy_bytes:
        mov rcx, rdx
.copy:  rep movsb
        xor eax, eax
        ret
.fault: mov rax, rcx                    ; RCX counts the bytes still to go
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
        dq user_copy_bytes.copy, user_copy_bytes.fault
        dq user_copy_string.load, user_copy_string.fault
