"""Host unit tests of the kernel heap (kernel/mm/heap.c): tests/host/test_heap.c,
built and run the way tests/test_unit.py builds the kernel/lib tests (ASan and UBSan,
heap.c compiled on its own with the kernel's flags). Its groups become unit_heap_*,
and, for the release build's heap (make RELEASE=1: no canaries), unit_heap_release_*."""

import test_unit

test_unit.register_binary("heap", ("tests/host/test_heap.c", ["kernel/mm/heap.c"], None))
test_unit.register_binary("heap_release", ("tests/host/test_heap.c", ["kernel/mm/heap.c"], None,
                                           ["-DHEAP_CANARIES=0"]))
