"""User programs (user/, built with musl-gcc) run in ring 3 on the test kernel
(kernel/test/user_scenarios.c). Linux is the reference: the same static binaries run
on this machine's Linux kernel, and Keel must print what they print there, give the
same exit statuses, and end a faulting program with the signal Linux sends it."""

import errno
import re
import signal
import subprocess

from harness import BUILD, QemuRun, check, run, tail, test
from test_kernel import TEST_IMAGE

USER = BUILD / "user"
HELLO_ARGV = ["/bin/hello", "first", "second arg"]
HELLO_ENV = {"HOME": "/", "TERM": "linux", "PATH": "/bin:/sbin:/usr/bin"}
_boots = {}


def boot(cpu="qemu64"):
    """The user_programs scenario's output on one boot (cached per CPU model)."""
    if cpu not in _boots:
        extra = ["-cpu", cpu, "-fw_cfg", "name=opt/keel/fault,string=user_programs"]
        with QemuRun(TEST_IMAGE, "ide", extra=extra) as vm:
            _boots[cpu] = vm.wait_for(r"^halted\.|; halting$", 60)
    return _boots[cpu]


def on_linux(program, argv, env):
    """Runs build/user/PROGRAM on this machine's Linux: (output, wait status)."""
    proc = subprocess.run(argv, executable=USER / program, env=env, capture_output=True,
                          timeout=10)
    rc = proc.returncode
    status = (-rc) if rc < 0 else rc << 8  # as wait(2) reports it
    return proc.stdout.decode(), status


def between(text, first, last):
    """The lines from the one matching `first` up to the one before `last`."""
    start = re.search(first, text, re.M)
    check(start, f"no /{first}/ in:\n{tail(text, 40)}")
    end = re.compile(last, re.M).search(text, start.start())
    check(end, f"no /{last}/ after /{first}/ in:\n{tail(text, 40)}")
    return text[start.start():end.start()]


def same_as_linux(text, program="hello", pid=1):
    block = between(text, rf"^hello from user space, pid {pid}$", rf"^user: {program}: ")
    linux, status = on_linux(program, HELLO_ARGV, HELLO_ENV)
    pids = re.compile(r"pid \d+")
    check(pids.sub("pid N", block) == pids.sub("pid N", linux),
          f"Keel printed:\n{block}\nLinux printed:\n{linux}")
    check(f"user: {program}: pid {pid} ended with wait status {status:#x}" in text,
          f"not wait status {status:#x} (Linux's) for {program}:\n{tail(text, 40)}")


@test
def hello_prints_what_it_prints_on_linux_and_exits_with_its_status():
    same_as_linux(boot())


@test
def a_static_pie_runs_as_on_linux():
    """hello again, linked as a static PIE (ET_DYN, no interpreter): loaded at
    Linux's base for it, relocated by musl's rcrt1.o."""
    elf = run(["readelf", "-hl", str(USER / "hello-pie")]).stdout
    check("DYN" in elf and "INTERP" not in elf, f"hello-pie is not a static PIE:\n{elf}")
    same_as_linux(boot(), "hello-pie", pid=3)


@test
def a_null_write_ends_the_program_with_sigsegv_and_a_one_line_report():
    text = boot()
    _, linux_status = on_linux("fault", ["fault"], {})
    check(linux_status == signal.SIGSEGV, f"on Linux fault ended with {linux_status:#x}")
    report = re.search(r"^keel: pid 2 \(fault\): SIGSEGV, #PF page fault at rip (0x[0-9a-f]+), "
                       r"address 0$", text, re.M)
    check(report, f"no one-line SIGSEGV report for pid 2:\n{tail(text, 40)}")
    symbols = run(["nm", "-S", str(USER / "fault")]).stdout
    main = re.search(r"^([0-9a-f]+) ([0-9a-f]+) T main$", symbols, re.M)
    check(main, "no main in nm -S build/user/fault")
    rip, start, size = int(report.group(1), 16), int(main.group(1), 16), int(main.group(2), 16)
    check(start <= rip < start + size, f"rip {rip:#x} is not in main [{start:#x}, +{size:#x})")
    check(f"user: fault: pid 2 ended with wait status {signal.SIGSEGV:#x}" in text,
          f"fault's wait status is not SIGSEGV's:\n{tail(text, 40)}")
    check("still here" not in text, "the program went on after its fault")


@test
def what_is_not_a_program_is_refused_with_linuxs_errors():
    text = boot()
    for what, err in (("not an ELF", errno.ENOEXEC), ("truncated ELF", errno.ENOEXEC),
                      ("no such file", errno.ENOENT), ("a directory", errno.EACCES)):
        check(f"user: {what}: spawn failed: -{err}" in text,
              f"{what}: not -{errno.errorcode[err]}:\n{tail(text, 40)}")


@test
def an_entry_point_or_segment_in_the_kernel_half_is_refused():
    text = boot()
    check(f"user: entry in the kernel half: spawn failed: -{errno.EINVAL}" in text,
          f"an entry point in the kernel half: not -EINVAL (Linux's):\n{tail(text, 40)}")
    check(f"user: segment in the kernel half: spawn failed: -{errno.ENOEXEC}" in text,
          f"a segment in the kernel half: not -ENOEXEC:\n{tail(text, 40)}")


@test
def refused_files_and_two_hundred_more_programs_give_back_every_frame_and_heap_block():
    text = boot()
    check(re.search(r"^user: after the refused files, 200 more runs and the fork bomb: 0 frames "
                    r"and 0 heap blocks not back$",
                    text, re.M), f"memory not all back:\n{tail(text, 10)}")
    hellos = len(re.findall(r"^malloc\(100000\): ok, last byte k$", text, re.M))
    faults = len(re.findall(r"^keel: pid \d+ \(fault\): SIGSEGV", text, re.M))
    check(hellos == 2 + 101 and faults == 1 + 101,  # hello, hello-pie, then the runs
          f"{hellos} hello and {faults} fault runs finished, not 103 and 102")


@test
def a_fork_bomb_meets_the_process_limit_and_every_child_is_reaped():
    text = boot()
    bomb = re.search(r"^forklimit: (\d+) children, then fork: (.*); (\d+) reaped$", text, re.M)
    check(bomb, f"no line from forklimit:\n{tail(text, 20)}")
    children, error, reaped = int(bomb.group(1)), bomb.group(2), int(bomb.group(3))
    check(error == "Resource temporarily unavailable",  # musl's strerror(EAGAIN)
          f"fork failed with {error!r}, not EAGAIN")
    check(1000 <= children < 1024 and reaped == children,
          f"{children} children (the limit is 1024 processes), {reaped} reaped")
    check(re.search(r"^user: fork bomb: pid \d+ ended with wait status 0$", text, re.M),
          f"forklimit did not exit 0:\n{tail(text, 20)}")


@test
def with_smep_and_smap_on_user_programs_run_the_same():
    """qemu64 has neither; -cpu max has both: the kernel must then open user memory
    (STAC) around each copy, or every write(2) would get EFAULT."""
    check("user: SMEP off, SMAP off" in boot(), "qemu64 is said to have SMEP or SMAP")
    text = boot("max")
    check("user: SMEP on, SMAP on" in text, f"SMEP and SMAP not on with -cpu max:\n{tail(text)}")
    same_as_linux(text)
    check(re.search(r"^user: after the refused files, 200 more runs and the fork bomb: 0 frames "
                    r"and 0 heap blocks not back$",
                    text, re.M), f"memory not all back:\n{tail(text, 10)}")

