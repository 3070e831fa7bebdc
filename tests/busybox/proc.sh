# /proc under Debian's busybox (tests/test_procfs.py). The part up to "== keel" must
# print on Keel what it prints on this machine's Linux, line for line: numbers that
# differ between machines are masked. The part after it runs on Keel only, and the
# test checks what it prints against what the kernel says.
echo "== same as on Linux"
wc -w < /proc/self/stat
cut -d' ' -f2-3 /proc/self/stat
sh -c 'read -r pid rest < /proc/self/stat; [ "$pid" = "$$" ] && echo "stat: the reader'"'"'s pid"'
head -1 /proc/self/status
grep -E '^(Name|State|Uid|Gid|Threads|SigBlk):' /proc/self/status
cat /proc/self/comm
basename "$(readlink /proc/self/exe)"
ls /proc/self/fd | grep -E '^[012]$'
readlink /proc/self/fd/1 | sed 's/[0-9][0-9]*/N/'
grep -E '^(MemTotal|MemFree|MemAvailable|Cached|SwapTotal|SReclaimable):' /proc/meminfo |
	sed 's/  *[0-9][0-9]* kB$/ N kB/'
wc -w < /proc/uptime
sed 's/[0-9][0-9]*/N/g' /proc/uptime /proc/loadavg
head -1 /proc/stat | sed 's/[0-9][0-9]*/N/g'
grep -E '^(processor|vendor_id|cpu family|model|model name|stepping|flags)[[:space:]]*:' \
	/proc/cpuinfo | cut -d: -f1 | sort -u
grep -c '^proc /proc proc ' /proc/mounts
(cd /proc/self/fd && pwd -P | sed 's/[0-9][0-9]*/N/')
[ -d /proc/1 ] && [ ! -e /proc/999999 ] && echo "/proc/1 is there, /proc/999999 is not"
rm /proc/meminfo
rmdir /proc/self/fd
mkdir /proc/x
mkdir /proc/self
rmdir /proc
ln /proc/meminfo /tmp/meminfo
echo x > /proc/meminfo
echo x > /proc/self/stat
echo "== keel"
sh -c 'echo "ps pid: $$"; exec ps'
dd if=/dev/zero of=/tmp/256k bs=4096 count=64 2>/dev/null
free
grep -E '^(MemTotal|MemFree|Cached):' /proc/meminfo
uptime
cat /proc/uptime
sh -c 'echo "status pid: $$"; exec cat /proc/self/status'
readlink /proc/self/exe
ls -l /proc/self/fd 2>/dev/null | sed 's/.* \([0-9]* -> \)/\1/'
sleep 5 &
pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	case "$(tr '\0' ' ' < /proc/$pid/cmdline)" in sleep*) break ;; esac
	sleep 0.1
done
echo "sleep $pid: $(tr '\0' ' ' < /proc/$pid/cmdline)"
sh -c 'echo "top pid: $$"; exec top -b -n 1'
mount -t proc proc /proc && echo "mount proc: 0"
mount -t devtmpfs devtmpfs /dev && echo "mount devtmpfs: 0"
mount -t tmpfs tmpfs /tmp && echo "mount tmpfs: 0"
mount -t sysfs sysfs /tmp
mount
umount /tmp && echo "umount tmpfs: 0"
umount /proc
kill $pid
wait
rm /tmp/256k
reads() {
	for i in $(seq "$1"); do
		cat /proc/self/status /proc/self/stat /proc/meminfo /proc/cpuinfo /proc/mounts \
			/proc/self/cmdline /proc/1/statm > /dev/null
		ls -l /proc/ /proc/self/ /proc/self/fd/ /proc/1/fd/ > /dev/null 2>&1
	done
}
reads 1
before=$(grep MemFree /proc/meminfo)
reads 20
echo "free before 20 rounds of reads: $before"
echo "free after them: $(grep MemFree /proc/meminfo)"
echo "== end"
