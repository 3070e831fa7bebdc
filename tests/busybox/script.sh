# Run by busybox's sh on Keel (as /init's script) and on this machine's Linux; the
# two outputs must be the same, line for line (tests/test_busybox.py).
echo "== words and quoting"
set -- "a b" c
echo "$# args: [$1] [$2]"
x=$(echo substituted)
echo "command substitution: $x, nested: $(echo $(echo deep))"
echo "arithmetic: $((6 * 7)) $(( (1 << 10) % 1000 ))"
greet() { echo "function got $1"; return 3; }
greet hello; echo "its status: $?"
for i in 1 2 3; do printf '%s-' "$i"; done; echo
n=0; while [ $n -lt 4 ]; do n=$((n + 1)); done; echo "while: $n"
case "file.txt" in *.txt) echo "case: text" ;; *) echo "case: other" ;; esac
echo "== pipes and applets"
echo "a b c" | wc -w
seq 1 10 | sort -rn | head -3 | tr '\n' ' '; echo
printf 'banana\napple\ncherry\napple\n' | sort | uniq -c | sed 's/^ *//'
echo "hello world" | awk '{ print $2, length($1) }'
echo "one two three" | cut -d' ' -f2
printf 'x\ny\nz\n' | grep -n y
echo "keel" | md5sum
echo "== files"
d=/tmp/bbtest
mkdir -p "$d/sub"
echo "first" > "$d/f"; echo "second" >> "$d/f"
cat "$d/f"
wc -l < "$d/f"
cp "$d/f" "$d/sub/g"; ls "$d" "$d/sub"
find "$d" -type f | sort | sed "s|$d|D|"
dd if=/dev/zero of="$d/z" bs=1k count=3 2>/dev/null; ls -l "$d/z" | awk '{ print $5 }'
head -c 5 "$d/f"; echo; tail -1 "$d/f"
ls "$d" | xargs echo "xargs:"
rm -r "$d"; [ -e "$d" ] || echo "removed"
echo "== processes and signals"
(exit 7); echo "subshell status: $?"
false || echo "or: ran"
true && echo "and: ran"
sleep 5 & pid=$!
kill $pid; wait $pid 2>/dev/null; echo "killed sleep: status $?"
( sleep 0.2; echo "background done" ) &
wait; echo "waited"
trap 'echo "trap: USR1 caught"' USR1
kill -USR1 $$; echo "after the trap"
trap 'echo "trap: exit"' EXIT
echo "== end"
