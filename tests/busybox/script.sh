# Run by busybox's sh on Keel (as /init's script) and on this machine's Linux; the
# two outputs must be the same, line for line (tests/test_busybox.py). Work happens in
# a directory of its own, named by the shell's pid (other runs may share /tmp), which
# is never printed. ps is left out until /proc is there.
echo "== words and quoting"
set -- "a b" c
echo "$# args: [$1] [$2]"
x=$(echo substituted)
echo "command substitution: $x, nested: $(echo $(echo deep)), old style: `echo ticks`"
echo "arithmetic: $((6 * 7)) $(( (1 << 10) % 1000 ))"
greet() { echo "function got $1"; return 3; }
greet hello; echo "its status: $?"
case "file.txt" in *.txt) echo "case: text" ;; *) echo "case: other" ;; esac
lines=$(printf 'one\ntwo\n'); echo "substitution keeps inner newlines: $(echo "$lines" | wc -l)"
echo "== loops"
for i in 1 2 3; do printf '%s-' "$i"; done; echo
n=0; while [ $n -lt 4 ]; do n=$((n + 1)); done; echo "while: $n"
n=0; until [ $n -ge 3 ]; do n=$((n + 1)); done; echo "until: $n"
for i in 1 2 3 4 5 6; do
	[ $i -eq 2 ] && continue
	[ $i -eq 5 ] && break
	printf '%s ' "$i"
done; echo "(continue, break)"
printf 'x 1\ny 2\nz 3\n' | while read -r name value; do echo "read: $name=$value"; done
for f in $(seq 3); do for g in a b; do printf '%s%s ' "$f" "$g"; done; done; echo
echo "== pipelines and redirections"
d=/tmp/bbtest.$$
mkdir -p "$d" && cd "$d" || exit 1
echo "a b c" | wc -w
seq 1 10 | sort -rn | head -3 | tr '\n' ' '; echo
false | true; echo "pipeline status is the last's: $?"
! false; echo "negated: $?"
echo first > out; echo second >> out; cat out
cat < out | wc -l
{ echo to stdout; echo to stderr >&2; } > both 2>&1; cat both
{ echo hidden >&2; } 2>/dev/null; echo "stderr to /dev/null"
ls nothing-here 2> err; echo "ls of nothing: status $?, $(wc -l < err) line of error"
exec 3> fd3; echo "through fd 3" >&3; exec 3>&-; cat fd3
cat <<EOF
here-document: $((1 + 1)) and $(echo sub)
EOF
cat <<'EOF'
quoted here-document: $HOME stays
EOF
echo "== files and ls"
mkdir -p tree/a/b tree/c
echo one > tree/a/one.txt; echo two two > tree/a/b/two.txt
printf 'three\nthree\n' > tree/c/three.log; : > tree/empty
ln -s a/one.txt tree/link
ls tree; ls -1 tree/a
ls -a tree/c; ls -A tree/c
ls -F tree | tr '\n' ' '; echo
ls -p tree | tr '\n' ' '; echo
ls -R tree
ls -S tree/a/one.txt tree/a/b/two.txt tree/c/three.log
ls -r tree | tr '\n' ' '; echo
ls -d tree/*/ | tr '\n' ' '; echo
[ -L tree/link ] && echo "symlink: $(cat tree/link)"
cp tree/a/one.txt copy; mv copy moved; ls moved; rm moved
echo "== cat"
cat tree/a/one.txt tree/a/b/two.txt
printf 'x\n\n\ny\n' | cat -n
printf 'x\n\n\ny\n' | cat -b
printf 'tab\there\n' | cat -A
echo stdin | cat tree/a/one.txt - tree/a/one.txt
echo "== grep"
printf 'apple pie\nBanana split\ncherry tart\napple jam\n' > food
grep apple food
grep -i banana food
grep -v apple food
grep -c apple food
grep -n tart food
grep -o 'a[a-z]*' food | head -4
grep -w jam food
grep -x 'cherry tart' food
grep -E 'pie|jam' food
grep -F 'a[' food; echo "fixed string, no match: $?"
grep -q cherry food && echo "quiet: found"
grep -r two tree | sed 's|:.*||'
grep -l three -r tree
grep -e apple -e cherry food | wc -l
echo "== sed"
sed 's/apple/APPLE/' food
sed 's/a/A/g' food | head -2
sed -n '2p' food
sed -n '/cherry/,$p' food
sed '1d;3d' food
sed -e 's/ .*//' -e 'y/abc/ABC/' food
sed 's/\(apple\) \(.*\)/\2 \1/' food | head -1
sed '2i\
inserted' food | head -3
sed '$a\
appended' food | tail -2
cp food food2; sed -i 's/pie/cake/' food2; head -1 food2
echo "== awk"
echo "hello world" | awk '{ print $2, length($1) }'
awk '{ print NR": "$1 }' food
awk -F' ' '$1 == "apple" { n++ } END { print "apples:", n }' food
printf '3 x\n1 y\n2 z\n' | awk '{ s += $1 } END { printf "sum %d, avg %.2f\n", s, s / NR }'
echo "a:b:c" | awk -F: '{ print $3 $1; print NF }'
awk 'BEGIN { split("c b a", w, " "); for (i = 3; i >= 1; i--) printf "%s", w[i]; print "" }'
echo "The Cat" | awk '{ gsub(/a/, "4"); print toupper($0), substr($0, 2, 3) }'
printf 'k1 1\nk2 2\nk1 3\n' | awk '{ t[$1] += $2 } END { print "k1", t["k1"]; print "k2", t["k2"] }'
awk 'BEGIN { x = 7; if (x % 2) print "odd"; else print "even"; while (x > 5) x--; print x }'
echo "== sort and uniq"
printf 'banana\napple\ncherry\napple\n' | sort | uniq -c | sed 's/^ *//'
printf '10\n9\n100\n' | sort; printf '10\n9\n100\n' | sort -n | tr '\n' ' '; echo
printf 'b 2\na 3\nc 1\n' | sort -k2 -n
printf 'b:2\na:3\nc:1\n' | sort -t: -k1,1r
printf 'x\ny\nx\nz\n' | sort -u | tr '\n' ' '; echo
printf 'a\na\nb\nc\nc\n' | uniq -d | tr '\n' ' '; echo
printf 'a\na\nb\nc\nc\n' | uniq -u
printf 'A\na\nb\n' | sort -f | uniq -i | tr '\n' ' '; echo
echo "== find and xargs"
find tree | sort
find tree -type f | sort
find tree -type d -name b
find tree -name '*.txt' | sort
find tree -maxdepth 1 -type f | sort
find tree -mindepth 2 -type f | sort
find tree -type l
find tree -type f -size +0 -name '*.log'
find tree -empty
find tree -name one.txt -exec cat {} \;
find tree -type f | sort | xargs cat | wc -l
find tree -name '*.txt' -print0 | xargs -0 ls | sort
echo 1 2 3 4 5 | xargs -n 2 echo
printf 'x\ny\n' | xargs -I{} echo "item {}"
echo "a b" | xargs echo "xargs:"
echo "== dd, md5sum, head, tail, wc"
dd if=/dev/zero of=zero bs=1k count=3 2>&1 | head -2
wc -c < zero
seq 1 2000 > nums
dd if=nums of=part bs=10 skip=2 count=3 2>/dev/null; cat part; echo
dd if=nums bs=4 count=1 2>/dev/null | od -c | head -1
printf 'abcdef' | dd bs=1 skip=2 count=3 2>/dev/null; echo
md5sum zero nums
echo "keel" | md5sum
md5sum nums zero > sums; md5sum -c sums
echo changed >> nums; md5sum -c sums 2>/dev/null; echo "md5sum -c after a change: $?"
head -3 nums; head -c 7 nums; echo
head -n 2 tree/a/one.txt tree/c/three.log
tail -2 nums; tail -c 5 nums
tail -n +1999 nums
tail -n 1 tree/a/one.txt tree/c/three.log
wc nums; wc -l nums; wc -w food; wc -c food
wc -l food nums
echo "== processes and signals"
(exit 7); echo "subshell status: $?"
false || echo "or: ran"
true && echo "and: ran"
sleep 5 & pid=$!
kill $pid; wait $pid 2>/dev/null; echo "killed sleep: status $?"
sleep 5 & pid=$!
kill -9 $pid; wait $pid 2>/dev/null; echo "kill -9: status $?"
sleep 5 & pid=$!
kill -0 $pid && echo "kill -0: alive"
kill -s TERM $pid; wait $pid 2>/dev/null; echo "kill -s TERM: status $?"
kill -0 $pid 2>/dev/null || echo "kill -0: gone"
( sleep 0.2; echo "background done" ) &
wait; echo "waited"
( exit 3 ) & p1=$!; ( exit 4 ) & p2=$!
wait $p2; s2=$?; wait $p1; echo "wait for each: $? $s2"
for i in 1 2 3; do ( sleep 0.1; echo "job $i" > job$i ) & done; wait; cat job1 job2 job3
trap 'echo "trap: USR1 caught"' USR1
kill -USR1 $$; echo "after the trap"
trap 'echo "trap: TERM caught"' TERM
kill -TERM $$; echo "after TERM"
trap - USR1 TERM
sh -c 'trap "echo \"child shell trap: INT\"; exit 5" INT; kill -INT $$; sleep 5'
echo "child shell ended with $?"
cd /; rm -r "$d"; [ -e "$d" ] || echo "removed"
trap 'echo "trap: exit"' EXIT
echo "== end"
