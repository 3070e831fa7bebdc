"""The build itself: incremental, and loud when the boot sector overflows.
The tests work on copies of the source tree: those that only change and rebuild
share one, built once (built_tree), and each leaves it as it found it."""

import atexit
import os
import re
import shutil
import subprocess

from harness import (BUILD, MAKE_JOBS, READY, ROOT, QemuRun, check, check_kernel_boot, run,
                     scratch_dir, test)


def copy_of_tree():
    work = scratch_dir()
    files = run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, work / name)
    return work


_shared_tree = None


def built_tree():
    """A copy of the tree built once by plain `make`, for the tests below in turn."""
    global _shared_tree
    if _shared_tree is None:
        _shared_tree = copy_of_tree()
        atexit.register(shutil.rmtree, _shared_tree, ignore_errors=True)
        make(_shared_tree)  # no goal: the contract says plain make writes the images
    return _shared_tree


def make(tree, *args):
    # Without the flags of a make above (make -s test would silence the commands
    # these tests read).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = run(["make", MAKE_JOBS, *args], cwd=tree, env=env)
    check(out.returncode == 0 or "expect_fail" in args,
          f"make {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out


def compiled(out):
    return sorted(re.findall(r"-c (kernel/\S+\.c)", out.stdout))


@test
def build_is_incremental_and_reassembles_the_mbr_only_when_the_kernel_changes():
    tree = built_tree()
    for name in ("build/kernel.elf", "build/kernel.bin", "disk/hdd.img", "disk/floppy.img"):
        check((tree / name).is_file(), f"plain make did not write {name}")
    again = make(tree, "all")
    said = [l for l in again.stdout.splitlines()
            if not re.match(r"make(\[\d+\])?: (Entering|Leaving) directory", l)]
    check(not said or "Nothing to be done" in again.stdout,
          f"a second make rebuilt something:\n{again.stdout}")

    (tree / "kernel/lib/string.c").touch()
    out = make(tree, "all")
    check(compiled(out) == ["kernel/lib/string.c"],
          f"touching string.c recompiled {compiled(out)}")
    check("mbr.asm" not in out.stdout,
          "the MBR was reassembled though the kernel bytes did not change")

    (tree / "kernel/bootinfo.h").touch()
    out = make(tree, "all")
    check("kernel/start.c" in compiled(out) and "kernel/lib/string.c" not in compiled(out),
          f"touching bootinfo.h recompiled {compiled(out)}")

    main_c = tree / "kernel/main.c"
    text = main_c.read_text()
    try:
        main_c.write_text(text.replace("Keel x86_64 kernel", "Keel x86_64 kernel!"))
        out = make(tree, "all")
        check(compiled(out) == ["kernel/main.c"], f"editing main.c recompiled {compiled(out)}")
        check("mbr.asm" in out.stdout and "hdd.img" in out.stdout,
              f"the kernel changed but the MBR and images were not rebuilt:\n{out.stdout}")
    finally:
        main_c.write_text(text)
        make(tree, "all")


@test
def changing_a_build_option_rebuilds_what_it_changes():
    tree = built_tree()
    out = make(tree, "BOCHS_BREAK=1", "all")
    check("kernel/main.c" in compiled(out) and "mbr.asm" in out.stdout,
          f"make BOCHS_BREAK=1 after make rebuilt {compiled(out)}:\n{out.stdout[-2000:]}")
    out = make(tree, "all")
    check("kernel/main.c" in compiled(out), f"going back rebuilt {compiled(out)}")
    out = make(tree, "KERNEL_PAD_KIB=4", "all")
    check(not compiled(out) and "kernel.load" in out.stdout,
          f"a new padding recompiled {compiled(out)} or left kernel.load alone")
    make(tree, "-n", "BOCHS_BREAK=1", "all")
    check(not list((tree / "build").glob("*.new")), "a dry run left option files behind")
    out = make(tree, "KERNEL_PAD_KIB=4", "all")
    check(not compiled(out), f"a dry run with another option changed the next build: "
          f"{compiled(out)}")
    victim = tree / "kernel/dev/floppy.c"
    text = victim.read_text()
    victim.unlink()
    try:
        out = run(["make", MAKE_JOBS, "all"], cwd=tree)
        check(out.returncode != 0 and "floppy_motor_off" in out.stderr,
              f"deleting a source file still linked the old object:\n{out.stdout[-1000:]}")
    finally:
        victim.write_text(text)
        make(tree, "all")


def defined_symbols(*files):
    out = run(["nm", "--defined-only", *map(str, files)]).stdout
    return set(re.findall(r"^[0-9a-f]+ [A-Za-z] (\S+)$", out, re.M))


@test
def shipped_kernel_holds_no_test_code():
    """Nothing defined by the test kernel's own objects (kernel/test/, *_test.c) is in
    build/kernel.elf, nor any KTEST entry; a test-only function left in a production
    file would show here by its name."""
    objects = list((BUILD / "test" / "kernel").rglob("*.o"))
    test_objs = [o for o in objects if o.stem.endswith("_test") or "/kernel/test/" in str(o)]
    check(len(test_objs) >= 10, f"the test kernel has only {len(test_objs)} test objects")
    production = defined_symbols(*(o for o in objects if o not in test_objs))
    test_only = defined_symbols(*test_objs) - production
    shipped = defined_symbols(BUILD / "kernel.elf")
    check(not test_only & shipped, f"test code in build/kernel.elf: {sorted(test_only & shipped)}")
    named = [s for s in shipped if re.search(r"ktest|scenario|fwcfg|qemu_exit|e820_add_test", s)]
    check(not named, f"test symbols in build/kernel.elf: {named}")
    sections = run(["objdump", "-h", str(BUILD / "kernel.elf")]).stdout
    check(not re.search(r"\s\.(ktests|kscenarios)\s+0*[1-9a-f]", sections),
          "build/kernel.elf has KTEST or scenario entries")
    for name in ["apic_unusable", "calibrate_apic_timer", "vga_write"]:  # VISIBLE_IF_KTEST
        check(not re.search(rf"^[0-9a-f]+ [A-Z] {name}$",
                            run(["nm", str(BUILD / "kernel.elf")]).stdout, re.M),
              f"{name} is global in build/kernel.elf; only the test kernel exports it")


@test
def kernel_files_call_only_into_their_own_layer_or_lower():
    """tools/depgraph --check: the layering docs/ARCHITECTURE.md describes, over what
    each object really calls (nm), in the shipped kernel and the test kernel."""
    for build in (BUILD, BUILD / "test"):
        out = run([str(ROOT / "tools/depgraph"), "--check", str(build)], cwd=ROOT)
        check(out.returncode == 0, f"{build}: {out.stderr.strip()}")
        check(re.search(r"^main\.c -> .*mm/mem\.c", out.stdout, re.M),
              f"{build}: the graph misses main.c's calls:\n{out.stdout}")


@test
def an_overflowing_boot_sector_fails_the_build_naming_the_excess():
    tree = built_tree()
    mbr = tree / "boot/mbr.asm"
    text = mbr.read_text()
    try:
        mbr.write_text(text.replace("code_end:", "        times 40 nop\ncode_end:"))
        out = run(["make", MAKE_JOBS, "all"], cwd=tree)
        check(out.returncode != 0, "make succeeded with 40 extra bytes in the boot sector")
        m = re.search(r"the boot code is (\d+) bytes over its 446-byte limit", out.stderr)
        check(m, f"no overflow message in:\n{out.stderr}")
        used = int(re.search(r"(\d+) of 446", run(["make", "-s", "size"], cwd=ROOT).stdout).group(1))
        check(int(m.group(1)) == used + 40 - 446,
              f"says {m.group(1)} bytes over; expected {used + 40 - 446}")
    finally:
        mbr.write_text(text)


def clean_built_tree():
    """make clean in the shared tree, which it must empty; the next built_tree() makes
    a new one. The last test to use the tree calls it."""
    global _shared_tree
    tree, _shared_tree = _shared_tree, None
    if tree is None:
        return
    make(tree, "clean")
    left = [p.name for p in (tree / "build", tree / "disk" / "hdd.img") if p.exists()]
    shutil.rmtree(tree, ignore_errors=True)
    check(not left, f"make clean left {left}")


@test
def kernel_builds_warning_free_with_clang_and_boots():
    tree = copy_of_tree()
    try:
        out = run(["make", MAKE_JOBS, "CC=clang", "all"], cwd=tree)
        check(out.returncode == 0, f"clang build failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
        # make's own warnings (under make -j: "jobserver unavailable") are not clang's.
        warnings = [l for l in out.stderr.splitlines() if "warning:" in l and not l.startswith("make")]
        check(not warnings, f"clang warned:\n{out.stderr[-3000:]}")
        with QemuRun(tree / "disk/hdd.img", "ide") as vm:
            check_kernel_boot(vm.wait_for(READY, 60, which="serial"), "clang-built kernel")
        # Test code is built into the test kernel only: it must be clang-clean too.
        out = run(["make", MAKE_JOBS, "CC=clang", "test-kernel"], cwd=tree)
        warnings = [l for l in out.stderr.splitlines() if "warning:" in l and not l.startswith("make")]
        check(out.returncode == 0 and not warnings,
              f"clang build of the test kernel failed or warned:\n{out.stderr[-3000:]}")
    finally:
        shutil.rmtree(tree)


@test
def release_kernel_builds_in_its_own_directory_and_boots_without_heap_canaries():
    out = run(["make", MAKE_JOBS, "RELEASE=1", "all"], cwd=ROOT)
    check(out.returncode == 0, f"make RELEASE=1 failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    release = ROOT / "build/release"
    for name in ("kernel.elf", "kernel.bin", "hdd.img", "floppy.img"):
        check((release / name).is_file(), f"make RELEASE=1 wrote no build/release/{name}")
    with QemuRun(release / "hdd.img", "ide") as vm:
        boot = vm.wait_for(READY, 60, which="serial")
    check_kernel_boot(boot, "release kernel")
    check("no canaries (release build)" in boot,
          f"the release kernel's heap line does not say it has no canaries:\n{boot[-2000:]}")
    out = run(["make", MAKE_JOBS, "all"], cwd=ROOT)
    check(out.returncode == 0, f"make all failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    with QemuRun(ROOT / "disk/hdd.img", "ide") as vm:
        boot = vm.wait_for(READY, 60, which="serial")
    check("heap:" in boot and "no canaries" not in boot,
          f"the default kernel's heap line is missing or says it has no canaries:\n{boot[-2000:]}")

