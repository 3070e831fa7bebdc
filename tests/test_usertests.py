"""user/usertests.c on the shipped image: the shell runs `usertests` once (the boot is
shared), and each of its tests is a test here, passing when its line says ok. The
same binary passes on Linux, which is its reference; its last check is that sysinfo's
free memory is back, exactly, after every test has run. Also: the summary says 0
failed, usertests exits 0, and the kernel never panicked."""

import re

from harness import BUILD, ROOT, Failure, check, tail, test
from test_userspace import user_shell

SOURCE = ROOT / "user" / "usertests.c"
LINE = re.compile(r"^usertests: (\S+) (ok|FAILED)(?: \(.*\)$|: (.*)$|$)")
TIMEOUT = 240  # usertests takes well under a minute under TCG; the margin is for slow hosts
_run = {}


def names():
    """The tests in usertests' table, in order: T(name) entries."""
    text = SOURCE.read_text()
    table = text[text.index("static const struct test tests[]"):]
    table = table[:table.index("};")]
    return re.findall(r"\bT\((\w+)\)", table) + ["freeram"]


def run():
    """Boots the shipped image, runs usertests at the shell, returns its output (the
    console's text, kernel lines included) and its exit status, once per suite run."""
    if "out" not in _run:
        try:
            with user_shell() as m:
                m.type("usertests\r")
                out = m.wait_for(r"^usertests: \d+ passed, \d+ failed\r?$", TIMEOUT)
                out += m.wait_for(r"\n\$ ", 60)
                status = m.run("echo status $?")
                _run["out"] = out.replace("\r\n", "\n")
                _run["status"] = status
                _run["console"] = m.output
            (BUILD / "usertests.log").write_text(m.output)  # the whole console, to read
        except Failure as e:
            _run["out"] = None
            _run["error"] = str(e)
    if _run["out"] is None:
        raise Failure(f"usertests did not finish: {_run['error']}")
    return _run["out"]


def results(out):
    """{name: (verdict, [failure lines])} from usertests' output."""
    found = {}
    last = None
    for line in out.split("\n"):
        m = LINE.match(line)
        if m:
            last = m.group(1)
            found[last] = (m.group(2), [m.group(3)] if m.group(3) else [])
        elif line.startswith("usertests:     ") and last in found:
            found[last][1].append(line.split(": ", 2)[-1])
    return found


def register(name):
    def one_usertest():
        out = run()
        got = results(out).get(name)
        check(got is not None, f"usertests printed no line for {name}:\n{tail(out, 15)}")
        verdict, lines = got
        check(verdict == "ok", f"usertests {name} failed on Keel (it passes on Linux):\n"
              + "\n".join("    | " + l for l in lines))

    one_usertest.__name__ = f"usertests_{name}"
    test(one_usertest)


for _name in names():
    register(_name)


@test
def usertests_summary_says_none_failed_and_it_exits_0():
    out = run()
    summary = re.search(r"^usertests: (\d+) passed, (\d+) failed$", out, re.M)
    check(summary, f"no summary line:\n{tail(out)}")
    failing = [l for l in out.split("\n") if re.match(r"^usertests: (\S+ FAILED|    )", l)]
    check(summary.group(2) == "0", f"usertests: {summary.group(1)} passed, "
          f"{summary.group(2)} failed:\n" + "\n".join("    | " + l for l in failing))
    expected = len(names())
    check(int(summary.group(1)) == expected, f"{summary.group(1)} passed, not all {expected}")
    check(re.search(r"^status 0\r?$", _run["status"], re.M),
          f"usertests' exit status is not 0: {_run['status']!r}")


@test
def usertests_leaves_the_kernel_standing():
    run()
    console = _run["console"]
    check("PANIC" not in console, f"the kernel panicked during usertests:\n{tail(console, 40)}")
    # usertests' enosys test calls number 500 twice: the console names it once.
    reports = re.findall(r"^keel: pid \d+ \(usertests\): system call 500 \(\?\) is not "
                         r"implemented: ENOSYS\r?$", console, re.M)
    check(len(reports) == 1, f"{len(reports)} reports of the unknown call 500, not one:\n"
          f"{tail(console, 20)}")
