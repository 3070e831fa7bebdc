# make gdb: the kernel, in long mode. A hardware breakpoint, because the boot sector
# copies the kernel to 1 MiB after GDB attaches and would overwrite a software one.
set pagination off
hbreak kmain
continue
echo \nStopped at kmain. Try: next, step, bt, info registers, list, break <function>.\n
