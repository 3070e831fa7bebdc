/* Reading and writing user memory from the kernel. Every user pointer a system call
 * gets goes through these: a range that is not wholly in the lower half, or that
 * faults (unmapped, or not writable for a write), returns -EFAULT's sign: false or -1
 * here, never a panic. Under SMAP the kernel may touch user pages only inside them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* User space is [0, USER_END): the lower half but its last page, as on Linux
 * (TASK_SIZE_MAX). A SYSCALL in that page would return to a non-canonical RIP,
 * which SYSRET cannot survive on Intel CPUs. */
#define USER_END 0x00007FFFFFFFF000ull

/* Whether [addr, addr + size) lies in user space (and does not wrap). */
bool user_range_ok(uintptr_t addr, size_t size);

bool copy_from_user(void *dst, uintptr_t src, size_t size);
bool copy_to_user(uintptr_t dst, const void *src, size_t size);

/* The same, for read(2) and write(2), which move what they can as Linux does: the
 * bytes copied before the first that faults (0 for a range not in user space). */
size_t copy_from_user_partial(void *dst, uintptr_t src, size_t size);
size_t copy_to_user_partial(uintptr_t dst, const void *src, size_t size);

/* Copies a NUL-terminated string of at most max - 1 characters into dst (max bytes);
 * returns its length, or -1 if it faulted or found no NUL in time. */
long strncpy_from_user(char *dst, uintptr_t src, size_t max);

/* SMEP and SMAP where CPUID has them (CR4): the kernel neither runs user code nor,
 * outside the functions above, touches user data. Once per CPU. */
void user_access_init(void);
bool user_access_smap(void);
bool user_access_smep(void);
