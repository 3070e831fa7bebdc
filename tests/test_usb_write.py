"""tools/usb-write (make usb DEV=/dev/sdX): every refusal, and verified writes.

No test here touches a real disk.  Each builds a fake machine in a scratch directory:
a fake sysfs tree (KEEL_USB_SYSFS), fake mount and swap tables (KEEL_USB_MOUNTS,
KEEL_USB_SWAPS) and a fake /dev (KEEL_USB_DEVDIR) whose "disks" are regular files,
accepted in place of block devices only under KEEL_USB_TEST_ALLOW_REGULAR_FILE=1.
One test also uses a real loop device on a scratch file when the machine allows it.
Refusal tests pass --yes, proving it skips no check, and that the target's bytes are
unchanged."""

import hashlib
import os
import pty
import select
import shutil
import signal
import subprocess
import time

from harness import ROOT, check, run, scratch_dir, test

TOOL = ROOT / "tools" / "usb-write"
MiB = 1 << 20
USB_PATH = "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0"
SATA_PATH = "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0"


def _major():
    """A device major for fake disks that cannot be this machine's root device."""
    root = os.major(os.stat("/").st_dev)
    return 240 if root != 240 else 241


class Fake:
    """A scratch machine: fake sysfs, mount/swap tables, /dev, and a 3 MiB image."""

    def __init__(self):
        self.dir = scratch_dir()
        self.sys = self.dir / "sys"
        self.dev = self.dir / "dev"
        for d in ("block", "class/block", "dev/block"):
            (self.sys / d).mkdir(parents=True)
        self.dev.mkdir()
        self.mounts = self.dir / "mounts"
        self.mounts.write_text("proc /proc proc rw 0 0\n/dev/nvme0n1p2 / ext4 rw 0 0\n")
        self.swaps = self.dir / "swaps"
        self.swaps.write_text("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n")
        self.image = self.dir / "hdd.img"
        self.image.write_bytes(os.urandom(3 * MiB))
        self.minor = 0

    def _entry(self, path, name, size, number):
        path.mkdir(parents=True)
        (path / "size").write_text(f"{size // 512}\n")
        (path / "dev").write_text(f"{number}\n")
        (path / "holders").mkdir()
        (self.sys / "class" / "block" / name).symlink_to(os.path.relpath(path, self.sys / "class" / "block"))
        (self.sys / "dev" / "block" / number).symlink_to(os.path.relpath(path, self.sys / "dev" / "block"))

    def disk(self, name, size=8 * MiB, removable=1, usb=False, ro=0, parts=(),
             number=None, stand_in=True):
        """A whole disk in sysfs (and a regular file standing in for its /dev node)."""
        number = number or f"{_major()}:{self.minor}"
        self.minor += 16
        scsi = self.sys / (USB_PATH if usb else SATA_PATH)
        path = scsi / "block" / name
        self._entry(path, name, size, number)
        (path / "removable").write_text(f"{removable}\n")
        (path / "ro").write_text(f"{ro}\n")
        scsi.joinpath("vendor").write_text("FakeCo  \n")
        scsi.joinpath("model").write_text("Test Stick 3000\n")
        (path / "device").symlink_to("../..")
        (self.sys / "block" / name).symlink_to(os.path.relpath(path, self.sys / "block"))
        for i, (part, psize) in enumerate(parts, 1):
            major, minor = number.split(":")
            self._entry(path / part, part, psize, f"{major}:{int(minor) + i}")
            (path / part / "partition").write_text(f"{i}\n")
            if stand_in:
                (self.dev / part).write_bytes(b"\xee" * psize)
        if stand_in:
            (self.dev / name).write_bytes(b"\xee" * size)
        return self.dev / name

    def holder(self, part, name, mapper):
        """A device-mapper device (e.g. dm-crypt or LVM) stacked on `part`."""
        path = self.sys / "devices" / "virtual" / "block" / name
        self._entry(path, name, 1 * MiB, f"254:{90 + self.minor}")
        (path / "dm").mkdir()
        (path / "dm" / "name").write_text(mapper + "\n")
        target = self.sys / "class" / "block" / part / "holders" / name
        target.symlink_to(os.path.relpath(path, target.parent))

    def env(self, allow_file=True):
        env = dict(os.environ, KEEL_USB_SYSFS=str(self.sys), KEEL_USB_MOUNTS=str(self.mounts),
                   KEEL_USB_SWAPS=str(self.swaps), KEEL_USB_DEVDIR=str(self.dev))
        env.pop("KEEL_USB_TEST_ALLOW_REGULAR_FILE", None)
        if allow_file:
            env["KEEL_USB_TEST_ALLOW_REGULAR_FILE"] = "1"
        return env

    def run(self, dev, yes=True, allow_file=True, env=None):
        args = [str(TOOL)] + (["--yes"] if yes else []) + [str(self.image), str(dev)]
        # A new session: no controlling terminal, so the tool can never ask ours.
        return subprocess.run(args, env=env or self.env(allow_file), capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60,
                              start_new_session=True)

    def done(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest() if os.path.exists(path) else None


def refused(fake, dev, why, **kw):
    """Runs the tool on dev; checks it refused for `why` and left dev untouched."""
    before = digest(dev)
    out = fake.run(dev, **kw)
    line = f"usb-write: refusing to write {dev}: {why}"
    check(out.returncode == 1, f"exit {out.returncode}, not 1, for '{why}':\n"
          f"{out.stdout}\n{out.stderr}")
    check(line in out.stderr, f"expected '{line}' on stderr, got:\n{out.stderr}")
    check(len([l for l in out.stderr.splitlines() if "refusing" in l]) == 1,
          f"not exactly one refusal line:\n{out.stderr}")
    check(digest(dev) == before, f"{dev} was modified by a refused write")
    check("verified" not in out.stdout and "WILL BE DESTROYED" not in out.stdout,
          f"it went on after refusing:\n{out.stdout}")
    return out


def refusal_test(build):
    """A test that builds a fake machine with `build`, which returns (DEV, reason) or
    (DEV, reason, run options), and checks that the tool refuses DEV for that reason."""
    def body():
        fake = Fake()
        try:
            dev, why, *options = build(fake)
            refused(fake, dev, why, **(options[0] if options else {}))
        finally:
            fake.done()
    body.__name__ = build.__name__
    return test(body)


def check_written(fake, out, target):
    check(out.returncode == 0, f"exit {out.returncode}:\n{out.stdout}\n{out.stderr}")
    size = fake.image.stat().st_size
    check(f"verified {size} bytes" in out.stdout, f"no 'verified {size} bytes':\n{out.stdout}")
    data = open(target, "rb").read()
    check(data[:size] == fake.image.read_bytes(), f"{target} does not start with the image")
    check(data[size:] == b"\xee" * (len(data) - size), f"{target} was written past the image")


# ---- refusals -----------------------------------------------------------------

@refusal_test
def usb_write_refuses_a_missing_device(fake):
    return fake.dev / "sdq", "no such device"


@refusal_test
def usb_write_refuses_a_regular_file_without_the_test_override(fake):
    dev = fake.disk("sdb")
    return dev, "not a block device", {"allow_file": False}


@test
def usb_write_refuses_a_character_device():
    fake = Fake()
    try:
        out = fake.run("/dev/null", allow_file=True)
        line = "usb-write: refusing to write /dev/null: not a block device"
        check(out.returncode == 1 and line in out.stderr, f"expected '{line}', got:\n{out.stderr}")
    finally:
        fake.done()


@refusal_test
def usb_write_refuses_a_partition(fake):
    fake.disk("sdb", parts=[("sdb1", 4 * MiB)])
    return fake.dev / "sdb1", f"is a partition of sdb; name the whole disk {fake.dev}/sdb"


@refusal_test
def usb_write_refuses_an_internal_disk(fake):
    dev = fake.disk("sda", removable=0, usb=False)
    return dev, "not removable and not on USB (it looks like an internal disk)"


@refusal_test
def usb_write_refuses_the_disk_holding_root(fake):
    dev = fake.disk("sdb", usb=True, parts=[("sdb1", 1 * MiB), ("sdb2", 4 * MiB)])
    fake.mounts.write_text("proc /proc proc rw 0 0\n/dev/sdb2 / ext4 rw 0 0\n")
    return dev, "holds the root filesystem (/dev/sdb2 is mounted on /)"


@refusal_test
def usb_write_refuses_a_disk_with_a_mounted_partition(fake):
    dev = fake.disk("sdb", usb=True, parts=[("sdb1", 4 * MiB)])
    with fake.mounts.open("a") as f:
        f.write("/dev/sdb1 /media/user/MY\\040STICK vfat rw 0 0\n")
    return dev, "/dev/sdb1 is mounted on /media/user/MY STICK (unmount it first)"


@refusal_test
def usb_write_refuses_a_whole_disk_that_is_mounted(fake):
    dev = fake.disk("sdb", usb=True)
    with fake.mounts.open("a") as f:
        f.write(f"{dev} /mnt iso9660 ro 0 0\n")
    return dev, f"{dev} is mounted on /mnt (unmount it first)"


@refusal_test
def usb_write_refuses_a_disk_whose_mapper_device_is_mounted(fake):
    dev = fake.disk("sdb", usb=True, parts=[("sdb1", 4 * MiB)])
    fake.holder("sdb1", "dm-3", "cryptstick")
    with fake.mounts.open("a") as f:
        f.write("/dev/mapper/cryptstick /home/user/secret ext4 rw 0 0\n")
    return dev, "/dev/mapper/cryptstick is mounted on /home/user/secret"


@refusal_test
def usb_write_refuses_a_disk_used_as_swap(fake):
    dev = fake.disk("sdb", parts=[("sdb1", 1 * MiB), ("sdb2", 4 * MiB)])
    with fake.swaps.open("a") as f:
        f.write("/dev/sdb2                               partition\t4096\t0\t-2\n")
    return dev, "/dev/sdb2 is in use as swap"


@refusal_test
def usb_write_refuses_a_disk_held_by_device_mapper(fake):
    dev = fake.disk("sdb", parts=[("sdb1", 4 * MiB)])
    fake.holder("sdb1", "dm-0", "vg0-data")
    return dev, "is in use by dm-0: dm-0 on sdb1 (/dev/mapper/vg0-data)"


@refusal_test
def usb_write_refuses_a_read_only_disk(fake):
    return fake.disk("sdb", ro=1), "is read-only"


@refusal_test
def usb_write_refuses_an_empty_card_reader(fake):
    return fake.disk("sdb", size=0), "has no medium"


@refusal_test
def usb_write_refuses_a_disk_smaller_than_the_image(fake):
    dev = fake.disk("sdb", size=2 * MiB)
    return dev, f"is smaller than the image ({2 * MiB} bytes < {3 * MiB} bytes)"


@refusal_test
def usb_write_refuses_without_a_terminal_or_yes(fake):
    dev = fake.disk("sdb", usb=True)
    return dev, "no terminal to ask on; use --yes for scripted use", {"yes": False}


@test
def usb_write_refuses_a_missing_image():
    fake = Fake()
    try:
        dev = fake.disk("sdb")
        before = digest(dev)
        fake.image.unlink()
        out = fake.run(dev)
        check(out.returncode == 2 and f"usb-write: cannot read image {fake.image}" in out.stderr,
              f"exit {out.returncode}, stderr:\n{out.stderr}")
        check(digest(dev) == before, f"{dev} was modified")
    finally:
        fake.done()


# ---- the question on the terminal ---------------------------------------------

def on_terminal(fake, dev, answer):
    """Runs the tool (without --yes) on a pseudo-terminal of its own, types `answer`
    when it asks; returns (exit status, everything it showed)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(str(TOOL), [str(TOOL), str(fake.image), str(dev)], fake.env())
        finally:
            os._exit(127)
    shown, typed = b"", False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if not select.select([fd], [], [], 0.5)[0]:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:          # EIO: the tool exited and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            if not typed and b"anything else aborts: " in shown:
                os.write(fd, answer.encode() + b"\n")
                typed = True
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


@test
def usb_write_refuses_a_wrongly_typed_name():
    fake = Fake()
    try:
        dev = fake.disk("sdb", usb=True)
        before = digest(dev)
        status, shown = on_terminal(fake, dev, "sdc")
        line = f"usb-write: refusing to write {dev}: you typed 'sdc', not 'sdb'"
        check(status == 1 and line in shown, f"exit {status}, expected '{line}' in:\n{shown}")
        check(digest(dev) == before, f"{dev} was modified after a wrong answer")
    finally:
        fake.done()


@test
def usb_write_writes_when_the_name_is_typed():
    fake = Fake()
    try:
        dev = fake.disk("sdb", usb=True)
        status, shown = on_terminal(fake, dev, "sdb")
        check(status == 0 and f"verified {3 * MiB} bytes" in shown,
              f"exit {status}, no 'verified' in:\n{shown}")
        check(open(dev, "rb").read(3 * MiB) == fake.image.read_bytes(), "the image was not written")
    finally:
        fake.done()


# ---- successful writes --------------------------------------------------------

@test
def usb_write_shows_the_device_then_writes_and_verifies():
    """A stick on USB that does not say it is removable, named by a /dev/disk/by-id
    link, with two partitions: shown, written with --yes, verified."""
    fake = Fake()
    try:
        dev = fake.disk("sdb", removable=0, usb=True, parts=[("sdb1", 2 * MiB), ("sdb2", 5 * MiB)])
        link = fake.dev / "disk" / "by-id" / "usb-FakeCo_Test_Stick_3000-0:0"
        link.parent.mkdir(parents=True)
        link.symlink_to("../../sdb")
        out = fake.run(link)
        check_written(fake, out, dev)
        for shown in ("FakeCo Test Stick 3000", "8.4 MB (8.0 MiB)", "on USB", "sdb1", "sdb2",
                      "2.1 MB (2.0 MiB)", str(fake.image), f"{3 * MiB} bytes",
                      f"EVERYTHING ON {link}", "WILL BE DESTROYED"):
            check(shown in out.stdout, f"'{shown}' is not shown:\n{out.stdout}")
    finally:
        fake.done()


def attach_loop(backing):
    """A loop device on `backing`, or None if this machine does not allow them."""
    if not shutil.which("losetup"):
        return None
    out = run(["losetup", "-f", "--show", str(backing)])
    dev = out.stdout.strip()
    return dev if out.returncode == 0 and dev.startswith("/dev/loop") else None


@test
def usb_write_loop_device_refusals_and_verified_write_or_file_fallback():
    """A real block device: a loop device on a scratch file, faked removable in the
    fake sysfs.  A wrong sysfs dev number and an exclusive opener (as a mount would
    be) are refused; then a real write, verified; then a write to a loop device
    smaller than its fake sysfs claims fails with exit 3.  Where loop devices are not
    allowed, a verified write goes to the regular-file stand-in instead."""
    fake = Fake()
    backing, small = fake.dir / "stick.img", fake.dir / "small.img"
    backing.write_bytes(b"\xee" * (8 * MiB))
    small.write_bytes(b"\xee" * (2 * MiB))
    loops = []
    try:
        loop = attach_loop(backing)
        if loop is None:
            print("  note: no loop devices here; writing the regular-file stand-in instead")
            dev = fake.disk("sdb", usb=True)
            check_written(fake, fake.run(dev), dev)
            return
        loops.append(loop)
        short = attach_loop(small)
        check(short, "a second loop device could not be attached")
        loops.append(short)
        name, short_name = os.path.basename(loop), os.path.basename(short)
        number = open(f"/sys/class/block/{name}/dev").read().strip()
        env = fake.env(allow_file=False)
        env["KEEL_USB_DEVDIR"] = "/dev"

        # sysfs that names the loop device with another device number: refused.
        fake.disk(name, removable=1, number=f"{_major()}:200", stand_in=False)
        (fake.sys / "dev" / "block" / f"{_major()}:200").unlink()
        refused(fake, loop, f"it is device {number} but sysfs says {name} is {_major()}:200",
                env=env)

        # sysfs that tells the truth, but the device is held exclusively: refused.
        (fake.sys / "class" / "block" / name / "dev").write_text(number + "\n")
        (fake.sys / "dev" / "block" / number).symlink_to(f"../../class/block/{name}")
        held = os.open(loop, os.O_RDONLY | os.O_EXCL)
        try:
            refused(fake, loop, "the kernel says it is busy", env=env)
        finally:
            os.close(held)

        # Free: written and verified through the loop device.
        out = fake.run(loop, env=env)
        check("TEST MODE" not in out.stderr, "a real block device went through the test mode")
        run(["losetup", "-d", loops.pop(0)])
        check_written(fake, out, backing)

        # A device that ends before sysfs says it does: the write fails, and says where.
        fake.disk(short_name, size=8 * MiB,
                  number=open(f"/sys/class/block/{short_name}/dev").read().strip(),
                  stand_in=False)
        out = fake.run(short, env=env)
        line = f"usb-write: write to {short} failed at byte {2 * MiB}: No space left on device"
        check(out.returncode == 3 and line in out.stderr,
              f"exit {out.returncode}, expected '{line}' in:\n{out.stderr}")
        check("verified" not in out.stdout, f"a failed write was verified:\n{out.stdout}")
    finally:
        for loop in loops:
            run(["losetup", "-d", loop])
        fake.done()
