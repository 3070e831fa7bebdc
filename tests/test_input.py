"""Host unit tests of the input path's pure logic: the scancode decoder
(kernel/dev/keymap.c) and the shell's line editor with its serial terminal decoder
(kernel/shell/line_editor.c). Built and run exactly as test_unit.py builds and runs
kernel/lib's tests (ASan and UBSan, one test per case group the binary lists), so
they are named unit_keymap_<group> and unit_line_editor_<group>."""

import test_unit

test_unit.register_binary("keymap", ("tests/host/test_keymap.c", ["kernel/dev/keymap.c"], None))
# The editor maps keymap events to its keys, so keymap.c is linked in too.
test_unit.register_binary("line_editor", ("tests/host/test_line_editor.c",
                                          ["kernel/shell/line_editor.c", "kernel/dev/keymap.c"],
                                          None))
