"""Host unit tests of kernel/mm/pmm.c: tests/host/test_pmm.c, built and run the way
tests/test_unit.py builds and runs the kernel/lib ones (its helpers, reused), as
unit_pmm_<group> tests plus unit_pmm_builds and unit_pmm_exits_cleanly."""

import test_unit
from harness import test

NAME = "pmm"

# pmm.c calls panic_at (its weak pmm_report_misuse); test_pmm.c defines both.
if NAME not in test_unit.BINARIES:
    test_unit.BINARIES[NAME] = ("tests/host/test_pmm.c", ["kernel/mm/pmm.c"], None)
    exe, error = test_unit.build(NAME)
    groups = None
    if exe:
        groups, error = test_unit.list_groups(exe)
    test(test_unit.build_test(NAME, error))
    if groups:
        run = test_unit.Run(exe)
        for group in groups:
            test(test_unit.group_test(NAME, group, run))
        test(test_unit.exit_test(NAME, groups, run))
