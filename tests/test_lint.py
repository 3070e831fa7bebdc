"""Lint as part of make test: the layout .clang-format asks for, and cppcheck."""

from harness import ROOT, check, run, test


@test
def lint_is_clean():
    out = run(["make", "-s", "--no-print-directory", "lint"], cwd=ROOT)
    check(out.returncode == 0, f"make lint failed:\n{out.stdout}\n{out.stderr}"[:4000])
