"""Host unit tests of kernel/mm/pmm.c and e820.c's sanitising: tests/host/test_pmm.c, built and run the way
tests/test_unit.py builds and runs the kernel/lib ones (its helpers, reused), as
unit_pmm_<group> tests plus unit_pmm_builds and unit_pmm_exits_cleanly."""

import test_unit

# pmm.c calls panic_at (its weak pmm_report_misuse) and e820.c kprintf (e820_print);
# test_pmm.c defines all three.
test_unit.register_binary("pmm", ("tests/host/test_pmm.c",
                                   ["kernel/mm/pmm.c", "kernel/mm/e820.c"], None))
