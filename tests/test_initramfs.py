"""The INITRAMFS=PATH contract: `make INITRAMFS=DIR` and `make INITRAMFS=ARCHIVE.cpio`
build images whose root file system is that tree; the kernel runs its /init as pid 1
with Linux's argv, envp and console descriptors, says how it ended, and falls back
to the kernel shell; without /init the kernel shell runs; a root too big for a
floppy gets a hard disk image and a message instead of a failed build."""

import os
import re
import shutil
import subprocess

from harness import (BUILD, MAKE_JOBS, READY, ROOT, QemuRun, check, run, scratch_dir, tail,
                     test)

USER = BUILD / "user"
OUT = BUILD / "initramfs-test"  # BUILD and DISK of these images: one compile, then relinks


def make_image(root):
    """Builds OUT/hdd.img (and floppy.img if it fits) with `root` as the initramfs;
    returns make's stderr."""
    out = run(["make", MAKE_JOBS, "-s", f"BUILD={OUT.relative_to(ROOT)}", f"DISK={OUT.relative_to(ROOT)}",
               f"INITRAMFS={root}", f"{OUT.relative_to(ROOT)}/hdd.img",
               f"{OUT.relative_to(ROOT)}/floppy.img"], cwd=ROOT,
              env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")})
    check(out.returncode == 0, f"make INITRAMFS={root} failed:\n{out.stderr[-3000:]}")
    return out.stderr


def boot_until(pattern):
    with QemuRun(OUT / "hdd.img", "ide") as vm:
        return vm.wait_for(pattern, 60, which="serial")


def tree(files):
    """A directory holding `files` ({path in the root: source file}), all mode 0755."""
    top = scratch_dir() / "root"
    for path, source in files.items():
        (top / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, top / path)
        (top / path).chmod(0o755)
    return top


@test
def a_directorys_init_runs_as_pid_1_with_linuxs_argv_envp_and_console():
    make_image(tree({"init": USER / "hello", "bin/echo": USER / "echo"}))
    text = boot_until(r"^keel> ")  # after /init, the kernel shell takes over
    check(re.search(READY, text, re.M), f"no keel: ready:\n{tail(text)}")
    check(re.search(r"^hello from user space, pid 1\r?$", text, re.M),
          f"/init did not run as pid 1:\n{tail(text)}")
    argv = re.findall(r"^argv\[\d+\] = (.*?)\r?$", text, re.M)
    env = re.findall(r"^env (.*?)\r?$", text, re.M)
    check(argv == ["/init"], f"argv is {argv}, not ['/init']")
    check(env == ["HOME=/", "TERM=linux", "PATH=/bin:/sbin:/usr/bin"], f"envp is {env}")
    check("write to fd 99: Bad file descriptor" in text and "malloc(100000): ok" in text,
          f"/init's output on the console is incomplete:\n{tail(text)}")
    check(re.search(r"^keel: init exited with status 3\r?$", text, re.M),
          f"hello exits 3 (user/hello.c), the kernel said otherwise:\n{tail(text)}")


@test
def a_cpio_archives_init_runs_and_its_exit_status_is_reported():
    root = tree({"init": USER / "false"})
    archive = scratch_dir() / "root.cpio"
    names = subprocess.run(["find", "."], cwd=root, capture_output=True, text=True).stdout
    with open(archive, "wb") as f:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc"], cwd=root, input=names.encode(),
                       stdout=f, check=True)
    make_image(archive)
    text = boot_until(r"^keel: init exited with status \d+|^keel> ")
    check(re.search(r"^keel: init exited with status 1\r?$", text, re.M),
          f"/bin/false as /init: no 'keel: init exited with status 1':\n{tail(text)}")


@test
def without_init_the_kernel_shell_runs():
    make_image(tree({"bin/echo": USER / "echo"}))
    text = boot_until(r"^keel> ")
    check("init exited" not in text, f"a root without /init ran something:\n{tail(text)}")


@test
def a_root_too_big_for_a_floppy_skips_the_floppy_image_with_a_message():
    root = tree({"init": USER / "hello"})
    (root / "big").write_bytes(os.urandom(2 * 1024 * 1024))  # random: no compression helps
    stderr = make_image(root)
    check(re.search(r"floppy\.img: skipped: the kernel \(\d+ sectors\) does not fit on a 1\.44 MB "
                    r"floppy", stderr), f"no message about the floppy image:\n{stderr[-2000:]}")
    check(not (OUT / "floppy.img").exists(), "a floppy image was written all the same")
    text = boot_until(r"^keel: init exited with status \d+")
    check(re.search(r"^hello from user space, pid 1\r?$", text, re.M),
          f"the big image's /init did not run:\n{tail(text)}")
