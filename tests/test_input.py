"""Host unit tests of the input path's pure logic: the scancode decoder
(kernel/dev/keymap.c) and the shell's line editor with its serial terminal decoder
(kernel/shell/line_editor.c). Built and run exactly as test_unit.py builds and runs
kernel/lib's tests (ASan and UBSan, one test per case group the binary lists), so
they are named unit_keymap_<group> and unit_line_editor_<group>."""

import test_unit
from harness import test

INPUT_BINARIES = {
    "keymap": ("tests/host/test_keymap.c", ["kernel/dev/keymap.c"], None),
    # The editor maps keymap events to its keys, so keymap.c is linked in too.
    "line_editor": ("tests/host/test_line_editor.c",
                    ["kernel/shell/line_editor.c", "kernel/dev/keymap.c"], None),
}


def register():
    test_unit.BINARIES.update(INPUT_BINARIES)  # build() looks the sources up there
    for name in INPUT_BINARIES:
        exe, error = test_unit.build(name)
        groups = None
        if exe:
            groups, error = test_unit.list_groups(exe)
        test(test_unit.build_test(name, error))
        if groups:
            run = test_unit.Run(exe)
            for group in groups:
                test(test_unit.group_test(name, group, run))
            test(test_unit.exit_test(name, groups, run))


register()
