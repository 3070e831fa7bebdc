; Test kernel only: the user programs (user/, built with musl into build/user/)
; as bytes in the image, for the scenarios that run them (kernel/test/user_scenarios.c).
; Until there is a file system, this is how the test kernel has programs to run.

bits 64
section .rodata

%macro PROGRAM 1
global user_image_%1, user_image_%1_end
%defstr name %1
%strcat path USER_DIR, "/", name
align 8
user_image_%1:
        incbin path
user_image_%1_end:
%endmacro

PROGRAM hello
PROGRAM fault
