/* The system calls, one small file per family (files, processes, memory), each
 * taking Linux's arguments as 64-bit words and returning a value or -errno. */
#pragma once

#include <stdint.h>

/* sys/files.c: descriptors 0, 1 and 2 are the console, for now. */
long sys_write(uint64_t fd, uint64_t buf, uint64_t count, uint64_t, uint64_t, uint64_t);
long sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt, uint64_t, uint64_t, uint64_t);
long sys_ioctl(uint64_t fd, uint64_t request, uint64_t arg, uint64_t, uint64_t, uint64_t);

/* sys/process.c */
long sys_getpid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_exit_group(uint64_t status, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_set_tid_address(uint64_t tidptr, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* sys/memory.c */
long sys_brk(uint64_t addr, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
