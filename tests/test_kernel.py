"""The test kernel (make test-kernel): every KTEST it runs counts as a test here,
and each fault scenario boots on its own and must end in the right report."""

import re

from harness import BUILD, READY, Failure, QemuRun, check, run, tail, test, TESTS

TEST_IMAGE = BUILD / "test" / "hdd.img"
TIMEOUT = 60
QEMU_EXIT_SUCCESS = 33  # isa-debug-exit: (0x10 << 1) | 1


def boot_test_kernel(fault=None, until=r"^halted\.|; halting$"):
    extra = ["-fw_cfg", f"name=opt/keel/fault,string={fault}"] if fault else []
    with QemuRun(TEST_IMAGE, "ide", extra=extra) as vm:
        if fault:
            text = vm.wait_for(until, TIMEOUT)
            return text, None
        text = vm.wait_for(r"^ktest: \d+ passed, \d+ failed", TIMEOUT)
        try:
            status = vm.proc.wait(timeout=10)
        except Exception:
            status = None
        return text, status


# ---- every KTEST, run once, one result each ------------------------------------

def register_ktests():
    if not TEST_IMAGE.exists():
        def test_kernel_is_built():
            raise Failure(f"{TEST_IMAGE} is missing: run make test (it builds it)")
        TESTS.append(test_kernel_is_built)
        return
    try:
        text, status = boot_test_kernel()
    except Failure as e:
        failure = str(e)

        def test_kernel_runs_its_tests():
            raise Failure(failure)
        TESTS.append(test_kernel_runs_its_tests)
        return

    results = re.findall(r"^(\w+) \.\.\. (ok|FAILED: .*)$", text, re.M)
    summary = re.search(r"^ktest: (\d+) passed, (\d+) failed", text, re.M)

    def test_kernel_reports_its_results_and_exit_status():
        check(results, f"the test kernel ran no KTEST:\n{tail(text)}")
        passed = sum(1 for _, r in results if r == "ok")
        check((int(summary.group(1)), int(summary.group(2))) == (passed, len(results) - passed),
              f"summary '{summary.group(0)}' does not match the {len(results)} lines")
        want = QEMU_EXIT_SUCCESS if passed == len(results) else QEMU_EXIT_SUCCESS + 2
        check(status == want, f"QEMU exit status {status}, expected {want}")
    TESTS.append(test_kernel_reports_its_results_and_exit_status)

    for name, result in results:
        def ktest(result=result):
            check(result == "ok", result.removeprefix("FAILED: "))
        ktest.__name__ = f"ktest_{name}"
        TESTS.append(ktest)


register_ktests()


# ---- fault scenarios ----------------------------------------------------------------

def symbol_address(name):
    out = run(["nm", str(BUILD / "test" / "kernel.elf")]).stdout
    m = re.search(rf"^([0-9a-f]+) \S {name}$", out, re.M)
    return int(m.group(1), 16)


def expect_report(fault, *patterns):
    text, _ = boot_test_kernel(fault)
    check(f"scenario: {fault}" in text, f"scenario {fault} did not start:\n{tail(text)}")
    for pattern in patterns:
        check(re.search(pattern, text, re.M), f"no /{pattern}/ in the report:\n{tail(text, 40)}")
    check(not re.search(READY + "|did not fault", text.split("scenario: ")[1], re.M),
          f"the scenario did not stop the kernel:\n{tail(text)}")
    return text


REGISTERS = r"^  rax [0-9a-f]{16}  rbx [0-9a-f]{16}  rcx [0-9a-f]{16}$"


@test
def fault_divide_by_zero_reports_de_with_rip_symbol():
    expect_report("divide_by_zero",
                  r"^EXCEPTION #DE divide error \(vector 0, error code 0\) at 0x[0-9a-f]+ <divide_by_zero\+0x[0-9a-f]+>",
                  REGISTERS, r"^backtrace:", r"^halted\.")


@test
def fault_null_dereference_reports_pf_at_address_zero():
    expect_report("null_dereference",
                  r"^EXCEPTION #PF page fault \(vector 14, error code 0\) at 0x[0-9a-f]+ <null_dereference\+",
                  r"^  address 0x0: page not present, read, kernel mode \(null pointer\?\)",
                  r"cr2 0000000000000000", REGISTERS)


@test
def fault_invalid_opcode_reports_ud():
    expect_report("invalid_opcode",
                  r"^EXCEPTION #UD invalid opcode \(vector 6, error code 0\) at 0x[0-9a-f]+ <invalid_opcode\+",
                  REGISTERS)


@test
def fault_general_protection_reports_gp_selector():
    expect_report("general_protection",
                  r"^EXCEPTION #GP general protection \(vector 13, error code 0\) at .*<general_protection\+",
                  r"^  error code 0 \(no segment involved\)")


def check_fault_address(text, symbol):
    """The page fault's reported address is `symbol`'s."""
    address = int(re.search(r"^  address (0x[0-9a-f]+):", text, re.M).group(1), 16)
    check(address == symbol_address(symbol), f"faulting address {address:#x} is not {symbol}")


@test
def fault_write_to_read_only_data_reports_a_protection_fault():
    text = expect_report("write_to_rodata",
                         r"^EXCEPTION #PF page fault \(vector 14, error code 0x3\) at .*<write_to_rodata\+",
                         r"^  address 0x[0-9a-f]+: protection violation, write, kernel mode")
    check_fault_address(text, "read_only_value")


@test
def fault_executing_data_reports_an_instruction_fetch_fault():
    text = expect_report("execute_data",
                         r"^EXCEPTION #PF page fault \(vector 14, error code 0x11\) at 0x[0-9a-f]+",
                         r"^  address 0x[0-9a-f]+: protection violation, instruction fetch, kernel mode")
    check_fault_address(text, "code_in_data")


@test
def fault_stack_overflow_runs_the_double_fault_handler_on_its_ist_stack():
    text = expect_report("stack_overflow",
                         r"^EXCEPTION #DF double fault \(vector 8, error code 0\) at .*<recurse\+",
                         r"^  handled on the double-fault IST stack: yes",
                         r"^  #1  0x[0-9a-f]+ <recurse\+")
    # The stack ran into its guard page: the faulting RSP is in it, or just above.
    rsp = int(re.search(r"the faulting RSP was (0x[0-9a-f]+)", text).group(1), 16)
    guard = symbol_address("boot_stack")
    check(guard <= rsp < guard + 4096 + 512,
          f"faulting RSP {rsp:#x} is not at the boot stack's guard page ({guard:#x})")


@test
def fault_failed_assert_names_the_expression():
    expect_report("assert_failure",
                  r"^PANIC: assertion failed: answer == 42$",
                  r"^  at kernel/test/faults\.c:\d+ in assert_failure\(\)$")


@test
def fault_ubsan_reports_kind_and_location():
    expect_report("ubsan_overflow",
                  r"^PANIC: UBSan: signed addition overflow at kernel/test/faults\.c:\d+:\d+$")


@test
def fault_smashed_canary_panics():
    expect_report("stack_smash",
                  r"^PANIC: stack smashing detected: a canary was overwritten in the function "
                  r"that returned to 0x[0-9a-f]+",
                  r"<smash_own_stack\+")


@test
def fault_panic_inside_panic_prints_one_line_and_halts():
    text = expect_report("panic_in_panic", r"^PANIC while panicking, first at "
                         r"kernel/test/faults\.c:\d+ in panic_in_panic\(\); halting$")
    check(text.count("PANIC") == 2, f"expected the first panic and one line:\n{tail(text)}")


@test
def fault_inside_an_exception_report_is_named_once_and_halts():
    text = expect_report("fault_inside_report",
                         r"^EXCEPTION #UD invalid opcode \(vector 6, error code 0\) at 0x[0-9a-f]+ "
                         r"<fault_inside_report\+",
                         r"^EXCEPTION #PF page fault at rip 0x[0-9a-f]{16} while reporting an "
                         r"exception; halting$")
    check(text.count("EXCEPTION") == 2, f"expected two EXCEPTION lines:\n{tail(text)}")


# ---- memory maps QEMU cannot make, added through fw_cfg (kernel/test/e820_extra.c) --

def boot_with_e820(entries, cpu="qemu64"):
    """Boots the test kernel with extra E820 entries ("base:length:type", hex) to
    `keel: ready`; it then stops at the unknown fault scenario, running no KTESTs."""
    extra = ["-cpu", cpu, "-fw_cfg", f"name=opt/keel/e820,string={' '.join(entries)}",
             "-fw_cfg", "name=opt/keel/fault,string=none"]
    with QemuRun(TEST_IMAGE, "ide", extra=extra) as vm:
        return vm.wait_for(READY, TIMEOUT)


@test
def ram_past_the_cpus_physical_addresses_is_left_out_and_named():
    # Usable from 4 GiB to past 2^64: the direct map must stop at the CPU's 40 bits.
    text = boot_with_e820(["100000000:ffffffffffffffff:1"])
    check(re.search(r"^memory: \d+ MiB of usable memory past 0x10000000000 ignored \(the CPU "
                    r"has 40-bit physical addresses", text, re.M),
          f"no line about the memory left out:\n{tail(text)}")
    check(re.search(r"^  0000000100000000-ffffffffffffffff usable$", text, re.M),
          f"the wrapping entry is not shown up to the top:\n{tail(text)}")


@test
def ram_ending_just_past_a_tib_gets_its_page_tables():
    # The direct map's tables for 1 TiB + 2 MiB: one PD and one PDPT more than 1 TiB.
    text = boot_with_e820(["10000000000:200000:1"], cpu="qemu64,phys-bits=44")
    check(re.search(r"^frames: \d+ total", text, re.M), f"no frame count:\n{tail(text)}")


@test
def fault_panic_backtrace_names_the_callers_in_order():
    text = expect_report("panic_backtrace", r"^PANIC: backtrace test$",
                         r"^  at kernel/test/faults\.c:\d+ in backtrace_level3\(\)$")
    frames = re.findall(r"^  #\d+ +0x[0-9a-f]+ <(\w+)\+0x[0-9a-f]+>$", text, re.M)
    want = ["backtrace_level3", "backtrace_level2", "backtrace_level1", "panic_backtrace",
            "scenario_run", "ktest_main", "kmain"]
    check(frames[:len(want)] == want, f"backtrace is {frames}, expected it to start {want}")


@test
def console_output_from_an_interrupt_handler_never_splits_a_line():
    text, _ = boot_test_kernel("console_stress", until=r"^console stress: done")
    body = text.split("scenario: console_stress\n", 1)[-1].split("console stress: done")[0]
    lines = body.splitlines()
    main = [l for l in lines if re.fullmatch(r"main line \d{3} -{40}", l)]
    irq = [l for l in lines if re.fullmatch(r"irq line \d{3} \+{40}", l)]
    broken = [l for l in lines if l not in main and l not in irq]
    check(not broken, f"{len(broken)} mixed lines, e.g. {broken[:3]}")
    check(len(main) == 300 and len(irq) == 100, f"{len(main)} main and {len(irq)} irq lines")
    check(any(lines.index(a) < lines.index(b) for a in irq for b in main[-1:]),
          "no interrupt output arrived while the main loop was printing")
