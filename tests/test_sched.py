"""The scheduler and the console under load, each on a boot of its own of the test
kernel (kernel/test/sched_scenarios.c): a task's stack overflow, the mutex's debug
checks, the shell's answer while CPU-bound tasks run, and a flood of output from a
task and an interrupt handler while COM1 is held up. The KTESTs (fairness, sleep,
locks, FPU) run with the others in tests/test_kernel.py."""

import fcntl
import os
import re
import select
import shutil
import subprocess
import time

from harness import BUILD, QEMU, Failure, QemuRun, check, scratch_dir, tail, test
from test_kernel import TEST_IMAGE, boot_test_kernel
from test_shell import Machine

F_SETPIPE_SZ = 1031  # fcntl.h (Linux)


def scenario(name, *patterns):
    text, _ = boot_test_kernel(name)
    check(f"scenario: {name}" in text, f"scenario {name} did not start:\n{tail(text)}")
    for pattern in patterns:
        check(re.search(pattern, text, re.M), f"no /{pattern}/ in:\n{tail(text, 40)}")
    return text


@test
def task_stack_overflow_names_the_task_and_its_guard_page_and_halts():
    scenario("task_stack_overflow",
             r"^EXCEPTION #DF double fault",
             r"^  in task \d+ \(deep\): 0x[0-9a-f]+ is in the guard page below its stack "
             r"\[0x[0-9a-f]+, 0x[0-9a-f]+\): a stack overflow$",
             r"^  #0  0x[0-9a-f]+ <recurse\+", r"^halted\.")


@test
def mutex_locked_twice_by_its_owner_panics_naming_the_task():
    scenario("mutex_recursive",
             r"^PANIC: mutex m: task \d+ \(twice\) locks it again while it holds it$",
             r"^halted\.")


@test
def mutex_unlocked_by_another_task_panics_naming_both():
    scenario("mutex_foreign_unlock",
             r"^PANIC: mutex m: task \d+ \(intruder\) unlocks it, but task 0 \(kmain\) holds it$",
             r"^halted\.")


@test
def shell_answers_echo_within_a_second_while_cpu_bound_tasks_run():
    extra = ["-fw_cfg", "name=opt/keel/fault,string=shell_under_load"]
    with Machine(extra=extra, image=TEST_IMAGE) as m:
        ps = m.run("ps")
        check(len(re.findall(r"spinner \d", ps)) == 2, f"the spinners are not running:\n{ps}")
        for word in ("first", "second", "third"):
            started = time.monotonic()
            out = m.run(f"echo {word}")
            took = time.monotonic() - started
            check(re.search(rf"^{word}\r?$", out, re.M), f"echo {word} printed:\n{out}")
            check(took < 1.0, f"echo {word} took {took:.2f} s with two CPU-bound tasks")
        ps = m.run("ps")
        shares = [float(s) for s in re.findall(r"spinner \d\s+\S+\s+([\d.]+)%", ps)]
        check(len(shares) == 2 and all(s > 10 for s in shares),
              f"the spinners got no CPU share:\n{ps}")


@test
def console_flood_stays_in_order_and_every_loss_is_marked():
    """A task prints 4000 numbered lines while the PIT's interrupt handler prints
    its own, 2000 a second; COM1's reader (we) stops reading for a second, so the
    log ring fills. The task must wait and lose nothing; the handler cannot wait, so
    its lines may be dropped, but only with "[N bytes dropped]" in their place
    accounting for every byte. COM1 must see exactly what port 0xE9 saw."""
    work = scratch_dir()
    pipe, debugcon = work / "com1", work / "debugcon.log"
    os.mkfifo(f"{pipe}.in")
    os.mkfifo(f"{pipe}.out")
    reader = os.open(f"{pipe}.out", os.O_RDONLY | os.O_NONBLOCK)
    fcntl.fcntl(reader, F_SETPIPE_SZ, 4096)  # QEMU blocks after 4 KiB
    proc = subprocess.Popen(
        QEMU + ["-m", "128M", "-drive", f"file={TEST_IMAGE},format=raw,if=ide,snapshot=on",
                "-chardev", f"pipe,id=com1,path={pipe}", "-serial", "chardev:com1",
                "-debugcon", f"file:{debugcon}",
                "-fw_cfg", "name=opt/keel/fault,string=console_flood"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    serial = b""

    def read_some(timeout):
        nonlocal serial
        ready, _, _ = select.select([reader], [], [], timeout)
        if ready:
            try:
                serial += os.read(reader, 65536)
            except BlockingIOError:
                pass

    try:
        deadline = time.monotonic() + 60
        while b"flood: start" not in serial and time.monotonic() < deadline:
            read_some(0.05)
        time.sleep(1.0)  # COM1 held up: the ring fills behind it
        while b"flood: done" not in serial and time.monotonic() < deadline:
            read_some(0.05)
        time.sleep(0.3)
        read_some(0)
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
        os.close(reader)
    com1 = serial.decode(errors="replace").replace("\r\n", "\n")
    e9 = debugcon.read_text(errors="replace")
    shutil.rmtree(work, ignore_errors=True)
    check("flood: done" in com1, f"the flood did not finish on COM1:\n{tail(com1)}")
    e9 = e9[:e9.index("\n", e9.index("flood: done")) + 1]
    com1 = com1[:com1.index("\n", com1.index("flood: done")) + 1]
    check(com1 == e9, "COM1 and port 0xE9 saw different text (order or loss): "
          f"{len(com1)} and {len(e9)} bytes")
    flood = com1[com1.index("flood: start"):]
    task = [int(n) for n in re.findall(r"^flood T (\d+) -+$", flood, re.M)]
    check(task == list(range(4000)), f"the task's lines are not all there, in order "
          f"({len(task)} of 4000)")
    irq = [int(n) for n in re.findall(r"^flood I (\d+) =+$", flood, re.M)]
    check(irq == sorted(set(irq)), "the interrupt handler's lines are out of order")
    tried = int(re.search(r"(\d+) interrupt lines tried", flood).group(1))
    line = len("flood I 00000 " + "=" * 42 + "\n")
    missing = tried - len(irq)
    marked = sum(int(n) for n in re.findall(r"^\[(\d+) bytes dropped\]$", flood, re.M))
    check(missing > 0, f"no interrupt line was dropped ({tried} tried): the ring never "
          "filled, so this proves nothing")
    check(marked == missing * line,
          f"{missing} interrupt lines ({missing * line} bytes) missing, markers say {marked}")
    check("stalled" not in flood, "COM1 was declared stalled: the pause was too long")
    markers = len(re.findall(r"^\[\d+ bytes dropped\]$", flood, re.M))
    print(f"  {tried} interrupt lines tried, {missing} dropped, {markers} markers; "
          f"{len(com1)} bytes on COM1", flush=True)


@test
def console_never_overwrites_text_a_slow_sink_has_not_taken_when_a_marker_is_due():
    """A task waits for room in a full log while an interrupt handler's line is
    dropped; the "[N bytes dropped]" marker must then fit too: the slowest sink is
    never more than the ring's size behind."""
    text = scenario("console_marker_needs_room",
                    r"^f*\[\d+ bytes dropped\]$", r"^the waiting writer's line +$")
    m = re.search(r"at most (\d+) bytes behind, of (\d+)", text)
    check(m and int(m.group(1)) <= int(m.group(2)),
          f"the ring ran past its slowest sink:\n{tail(text)}")


@test
def console_sink_that_stalls_resumes_from_a_note_not_from_overwritten_text():
    text = scenario("console_stalled_sink_resumes",
                    r"^console: fake stalled; \d+ bytes not sent to it$",
                    r"^console: fake resumed; \d+ bytes not sent to it$",
                    r'^stall scenario: the sink\'s first line after it came back: '
                    r'"console: fake resumed; \d+ bytes not sent to it"$',
                    r"^stall scenario: 0 bytes behind after taking all$")
    lines = [int(n) for n in re.findall(r"^stalled (\d+) ", text, re.M)]
    check(lines == list(range(4000)), "the writers' lines are not all on port 0xE9, in order")


@test
def fpu_state_survives_preemption_with_xsave_and_avx_too():
    """The default CPU (qemu64) has no XSAVE: these KTESTs run again on `-cpu max`,
    where the kernel saves x87, SSE and AVX state with XSAVE."""
    with QemuRun(TEST_IMAGE, "ide", extra=["-cpu", "max",
                                           "-fw_cfg", "name=opt/keel/ktest,string=fpu_"]) as vm:
        text = vm.wait_for(r"^ktest: \d+ passed, \d+ failed", 60)
    check(re.search(r"^  XSAVE, components 0x7, \d+ preemptions$", text, re.M),
          f"not XSAVE with x87, SSE and AVX:\n{tail(text)}")
    results = re.findall(r"^(fpu_\w+) \.\.\. (.*)$", text, re.M)
    check(len(results) == 2 and all(r == "ok" for _, r in results), f"{results}")
