#!/usr/bin/env python3
"""The fuzzer's long run (`make bench`): user/fuzz makes 1,000,000 random system calls
with hostile arguments, in 4 workers replaced as they die or block, on the shipped
image (disk/hdd.img: the debug kernel, heap canaries on) typed at its shell over COM1.
The checks are make test's for its 50,000 (tests/test_userspace.py): no panic, every
frame back, and the shell still answers. Prints one line; the exit status is non-zero
when a check fails.

usage: tests/bench_fuzz.py [CALLS]"""

import re
import sys
import time

from harness import Failure, tail
from test_userspace import output_of, user_shell

CALLS = 1_000_000
TIMEOUT_S = 3600  # about 250 s under TCG on a 2-CPU host; the margin is for slow ones
RESULT = r"^fuzz: (\d+) calls in (\d+) workers \((\d+) killed or died\), free memory back: (\w+).*"


def fuzz(calls):
    """Runs the fuzzer; returns the result line. Raises Failure when a check fails."""
    with user_shell() as m:
        m.type(f"fuzz {calls} 4\r")
        out = m.wait_for(RESULT, TIMEOUT_S)
        result = re.search(RESULT, out, re.M)
        if "PANIC" in m.output:
            raise Failure(f"the kernel panicked:\n{tail(m.output)}")
        if int(result.group(1)) < calls:
            raise Failure(f"only {result.group(1)} calls made: {result.group(0)}")
        if result.group(4) != "yes":
            raise Failure(f"memory not all back: {result.group(0)}")
        m.wait_for(r"\n\$ ")
        if output_of(m, "echo still here") != "still here":
            raise Failure(f"the shell did not answer after the fuzzer:\n{tail(m.output)}")
        return result.group(0)


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else CALLS
    began = time.monotonic()
    try:
        line = fuzz(calls)
    except Failure as failure:
        print(f"bench_fuzz: FAILED after {time.monotonic() - began:.0f} s: {failure}")
        return 1
    print(f"bench_fuzz: {line}; no panic, the shell answers ({time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
