#!/usr/bin/env python3
"""Runs every test and ends with 'N passed, N failed'. `run.py PATTERN` runs the tests
whose names contain PATTERN."""

import importlib
import sys
import time
import traceback
from pathlib import Path

import harness

# Every tests/test_*.py registers its tests when imported: no list to edit here.
for module in sorted(Path(__file__).parent.glob("test_*.py")):
    importlib.import_module(module.stem)


def main():
    wanted = sys.argv[1:]
    tests = [t for t in harness.TESTS if not wanted or any(w in t.__name__ for w in wanted)]
    passed = failed = 0
    started = time.monotonic()
    for t in tests:
        t0 = time.monotonic()
        try:
            t()
        except harness.Failure as e:
            failed += 1
            print(f"{t.__name__} ... FAILED: {e}", flush=True)
            continue
        except Exception:
            failed += 1
            print(f"{t.__name__} ... FAILED: crashed:\n{traceback.format_exc()}", flush=True)
            continue
        passed += 1
        print(f"{t.__name__} ... ok ({time.monotonic() - t0:.1f} s)", flush=True)
    print(f"({len(tests)} tests in {time.monotonic() - started:.0f} s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
