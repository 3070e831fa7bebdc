"""Host unit tests of kernel/dev/acpi.c: tests/host/test_acpi.c, over fake BIOS memory
and over the real tables of QEMU and Bochs in tests/host/acpi_tables/. Built and run
by tests/test_unit.py's machinery (ASan, UBSan, the kernel's warnings): one test per
case group, named unit_acpi_<group>, plus unit_acpi_builds and unit_acpi_exits_cleanly."""

from harness import ROOT
from test_unit import BINARIES, OUT, build, register_built

NAME = "acpi"
# test_unit registered its own binaries when it was imported; build() finds ours here.
BINARIES[NAME] = ("tests/host/test_acpi.c", ["kernel/dev/acpi.c", "kernel/lib/format.c"], None)
FIXTURES = ROOT / "tests" / "host" / "acpi_tables"


def register():
    # The fixtures are .incbin'd: a newer one makes the binary stale, which build()
    # (it watches C sources and headers only) would not notice.
    exe = OUT / f"test_{NAME}"
    try:
        built = exe.stat().st_mtime_ns
        if any(f.stat().st_mtime_ns > built for f in FIXTURES.glob("*.bin")):
            exe.with_suffix(".cmd").unlink(missing_ok=True)
    except OSError:
        pass
    register_built(NAME, *build(NAME))


register()
