"""Host unit tests of the kernel heap (kernel/mm/heap.c): tests/host/test_heap.c,
built and run the way tests/test_unit.py builds the kernel/lib tests (ASan and UBSan,
heap.c compiled on its own with the kernel's flags). Its groups become unit_heap_*."""

import test_unit
from harness import test

test_unit.BINARIES["heap"] = ("tests/host/test_heap.c", ["kernel/mm/heap.c"], None)


def register():
    exe, error = test_unit.build("heap")
    groups = None
    if exe:
        groups, error = test_unit.list_groups(exe)
    test(test_unit.build_test("heap", error))
    if groups:
        run = test_unit.Run(exe)
        for group in groups:
            test(test_unit.group_test("heap", group, run))
        test(test_unit.exit_test("heap", groups, run))


register()
