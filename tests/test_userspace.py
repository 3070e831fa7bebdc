"""The shipped image's user space, typed over COM1: /init starts user/sh.c, which runs
pipelines, files, redirections and the tools; Ctrl-C ends the command running; a
faulting program is reported and its status is Linux's; init starts the shell again
when it exits; poweroff(reboot(2)) ends QEMU. Where the same binaries can run on this
machine's Linux, their output there is the reference. Also the kernel shell's `run`."""

import re
import subprocess

from harness import BUILD, DISK, check, tail, test
from test_shell import Machine, expect

USER = BUILD / "user"
PROMPT = "$ "


def user_shell():
    return Machine(image=DISK / "hdd.img", prompt=PROMPT)


def on_linux(command):
    """What user/sh.c prints for `command` on this machine's Linux, /bin being
    build/user (the same static binaries as in the image)."""
    out = subprocess.run([str(USER / "sh"), "-c", command], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True,
                         env={"PATH": str(USER), "HOME": "/"}, timeout=10)
    return out.stdout


def lines(text):
    return [l.rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]


def output_of(m, command):
    """What `command` printed, without its echo (the first line)."""
    return "\n".join(lines(m.run(command))[1:]).strip("\n")


@test
def init_runs_the_user_shell_and_a_pipeline_counts_as_on_linux():
    with user_shell() as m:
        for command in ("echo a b | wc -w", "echo one two three | cat | wc -w",
                        "echo 'quoted  words' \"and $HOME\"", "false; echo $?", "true && echo yes",
                        "nosuch; echo $?"):
            got = output_of(m, command)
            want = on_linux(command).strip("\n")
            check(got == want, f"{command!r} printed {got!r} on Keel, {want!r} on Linux")


@test
def files_can_be_made_written_listed_read_and_removed():
    with user_shell() as m:
        got = output_of(m, "mkdir -p /tmp/a/b && cd /tmp/a && echo hello > f && "
                           "echo more >> f && cat f && ls | cat")
        check(got.split("\n") == ["hello", "more", "b", "f"], f"got {got!r}")
        got = output_of(m, "cat < f | wc -l; rm f; cat f; echo $?")
        check(re.fullmatch(r"2\ncat: f: No such file or directory\n1", got), f"got {got!r}")
        got = output_of(m, "cd /; rm -r /tmp/a; ls /tmp; echo done")
        check(got == "done", f"/tmp not empty after rm -r, or: {got!r}")


@test
def a_large_file_goes_through_a_pipe_whole():
    """/bin/usertests (stripped, as the initramfs has it) through cat and two pipes:
    more than a pipe holds (64 KiB)."""
    size = (BUILD / "rootfs" / "bin" / "usertests").stat().st_size
    check(size > 64 * 1024, f"/bin/usertests is {size} bytes: no longer more than a pipe holds")
    with user_shell() as m:
        got = output_of(m, "cat /bin/usertests | cat | wc -c")
        check(got.strip() == str(size), f"wc -c said {got!r}, /bin/usertests has {size} bytes")


@test
def ctrl_c_ends_the_command_ctrl_z_stops_nothing_and_the_shell_goes_on():
    with user_shell() as m:
        # The inner shell is not interactive: SIGINT is at its default from its start,
        # so once it has printed, ^C cannot fall between a fork and the child's reset.
        m.type("sh -c 'echo started; sleep 30'\r")
        m.wait_for(r"^started\r?$")
        m.type("\x03")
        m.wait_for(r"\^C\r?\n" + re.escape(PROMPT))
        got = output_of(m, "echo status $?")
        check(got == "status 130", f"after ^C: {got!r} (Linux: 128 + SIGINT = 130)")
        # ^Z: this shell, in init's process group, which no shell outside it can
        # continue (an orphaned group: Linux drops the terminal's stop signals to
        # it, and so does Keel), is not stopped, nor is its command.
        m.type("sh -c 'echo started; sleep 1; echo finished'\r")
        m.wait_for(r"^started\r?$")
        m.type("\x1a")
        m.wait_for(r"finished\r?$")
        m.wait_for(re.escape(PROMPT))


@test
def a_faulting_program_is_reported_and_the_shell_sees_sigsegv():
    with user_shell() as m:
        got = m.run("fault; echo status $?")
        expect(got, r"^keel: pid \d+ \(fault\): SIGSEGV, #PF page fault at rip 0x[0-9a-f]+, "
                    r"address 0\r?$", "the one-line report")
        expect(got, r"^status 139\r?$", "128 + SIGSEGV, as sh reports it on Linux")


@test
def init_starts_the_shell_again_when_it_exits():
    with user_shell() as m:
        m.type("exit 7\r")
        m.wait_for(r"init: sh exited with status 7, starting it again")
        m.wait_for(re.escape(PROMPT))
        check(output_of(m, "echo back") == "back", "the new shell does not answer")


def check_command_ends_qemu(command, said=None):
    """Types `command` at the shell; QEMU (run with -no-reboot) must end, after the
    kernel printed `said` if given."""
    with user_shell() as m:
        m.type(command + "\r")
        if said:
            m.wait_for(said)
        try:
            status = m.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            status = None
        check(status is not None, f"QEMU still runs after {command}:\n{tail(m.output)}")


@test
def poweroff_through_reboot_2_ends_qemu():
    check_command_ends_qemu("poweroff")


@test
def poweroff_r_restarts_through_reboot_2():
    """LINUX_REBOOT_CMD_RESTART resets the machine; with -no-reboot a reset ends QEMU."""
    check_command_ends_qemu("poweroff -r", said=r"^rebooting")


def runs_as_on_linux(program, done, timeout=30):
    """user/`program` prints line for line on Keel what it prints on this Linux,
    through to its last line, `done`."""
    linux = subprocess.run([str(USER / program)], capture_output=True, text=True,
                           timeout=timeout).stdout.strip("\n")
    check(linux.endswith(done), f"{program} did not finish on Linux:\n{linux}")
    with user_shell() as m:
        got = output_of(m, program)
    # Keel's one-line report of a program a fault ends has no counterpart on Linux.
    got = "\n".join(l for l in lines(got) if not l.startswith("keel: pid "))
    diff = [f"  Keel: {k!r}\n  Linux: {l!r}" for k, l in zip(lines(got), lines(linux)) if k != l]
    check(lines(got) == lines(linux),
          f"{program} differs from Linux:\n" + "\n".join(diff[:10]) + f"\n{tail(got)}")


@test
def signal_handlers_run_as_on_linux():
    """user/sigtest: handlers, siginfo, masks, SA_NODEFER, SA_RESETHAND, EINTR against
    SA_RESTART, sigsuspend, SIGCHLD, SIGPIPE, recovery from SIGSEGV, SIGILL and SIGFPE
    with siglongjmp, the alternate stack, the FPU kept: line for line as on Linux."""
    runs_as_on_linux("sigtest", "sigtest: done")


@test
def eight_threads_count_exactly_as_on_linux():
    """user/threads (musl's pthreads): 8 threads, a mutex and condition variables to
    exact totals, TLS, join and detach, pthread_kill, a fault, exit, fork and execve
    in a thread: line for line as on Linux."""
    runs_as_on_linux("threads", "threads: done", timeout=60)


@test
def fifty_thousand_hostile_system_calls_leave_the_kernel_standing_and_memory_back():
    """user/fuzz: random calls with 0, -1, kernel and non-canonical addresses, unmapped
    and misaligned pointers and huge sizes, in workers that are replaced when they
    die or block. No panic, every frame back, and the shell still answers."""
    with user_shell() as m:
        out = m.run("fuzz 50000 4")
        check("PANIC" not in m.output, f"the kernel panicked:\n{tail(m.output)}")
        result = re.search(r"^fuzz: (\d+) calls in (\d+) workers .*free memory back: (\w+)",
                           out, re.M)
        check(result, f"no result line from fuzz:\n{tail(out)}")
        check(int(result.group(1)) >= 50000, f"only {result.group(1)} calls made")
        check(result.group(3) == "yes", f"memory not all back after fuzz:\n{result.group(0)}")
        check(output_of(m, "echo still here") == "still here", "the shell did not answer")


@test
def the_kernel_shell_runs_programs_with_run():
    with Machine() as m:  # no /init in this image: the kernel's shell
        out = m.run("run /bin/hello one two")
        expect(out, r"^hello from user space, pid \d+", "hello's greeting")
        expect(out, r"^argv\[2\] = two", "its arguments")
        expect(out, r"^run: /bin/hello \(pid \d+\) exited with status 3", "its exit status")
        out = m.run("run /bin/nothing")
        expect(out, r"^run: /bin/nothing: no such file \(ENOENT\)", "a clear error")
        expect(m.run("echo still here"), r"^still here", "the kernel shell goes on")
