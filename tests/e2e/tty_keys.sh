#!/bin/sh
# Keys on a real terminal (a pseudo-terminal from script(1)): after Ctrl-D
# leaves a lesson, readline must not keep the Ctrl-D and print an extra
# blank line after every later command. Skipped without script(1).
bin=${1:-build/paramlab}
command -v script >/dev/null 2>&1 || { echo "tty_keys: no script(1), skipped"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
{
    printf 'data moons n=100; model mlp 4\n'
    sleep 0.5
    printf 'lesson 1\n'
    sleep 1
    printf '\004'
    sleep 0.5
    printf 'W1\n'
    sleep 0.3
    printf 'quit\n'
} | TERM=xterm PARAMLAB_HISTORY="$dir/history" timeout 20 script -qec "$bin -q" /dev/null >"$dir/out" 2>&1
# without escapes and carriage returns, the line after the W1 typed
sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\r//g' "$dir/out" >"$dir/plain"
grep -q "you left the lesson" "$dir/plain" || { echo "tty_keys: Ctrl-D did not leave the lesson:"; tail -5 "$dir/plain"; exit 1; }
after=$(sed -n '/next:forward> W1$/{n;p;q}' "$dir/plain")
case $after in
"W1  ("*) ;;
*) echo "tty_keys: after Ctrl-D left a lesson, W1's output starts with '$after', not its table"; exit 1 ;;
esac
echo "tty_keys: ok (Ctrl-D leaves a lesson, and the next command prints no extra blank line)"
