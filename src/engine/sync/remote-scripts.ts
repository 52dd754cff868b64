/**
 * The container side of sync: small POSIX sh programs run through `exec`,
 * needing only busybox-class tools (sh, tar, dd, find, stat, xargs, mv, rm,
 * mkdir, sha256sum, mktemp, sleep). Nothing is installed in the container.
 *
 * Requests carry an exact byte count and are read with
 * `dd iflag=fullblock,count_bytes`, because busybox `head -c` and `tar x`
 * both read past the end of their input on a pipe.
 */

/**
 * Shared start of every script. Names containing a newline would break the
 * line-based listings (and could forge protocol lines), so every `find`
 * reports them as `!N <hex of the name>` through `$RN` and skips them:
 * `\( -name "*$NL*" -exec sh -c "$RN" sh {} \; -prune \) -o`.
 */
const PRELUDE = `NL='
'
RN='printf "!N %s\\n" "$(printf %s "$1" | od -An -tx1 -v | tr -d " \\n")"'
export NL RN
`;
const NEWLINE_NAMES = `\\( -name "*$NL*" -exec sh -c "$RN" sh {} \\; -prune \\) -o`;

/**
 * Upstream server: `$1` = container folder (created if missing). Prints
 * `!MISSING <tools>` and exits when the image lacks a tool sync uses. Reads
 * `<op> <bytes> <id>` lines, each followed by that many bytes, and answers
 * `!OK <id> <exit code>` after each:
 * T = extract a tar, R = `rm -rf` a NUL list, M = `mv` NUL pairs,
 * H = `sha256sum` a NUL list, S = `stat` a NUL list, L = list whole
 * subtrees of a NUL list (output lines come before the OK; missing paths
 * print nothing).
 */
export const SERVER_SCRIPT = `${PRELUDE}
need=
for t in tar dd xargs rm mv mkdir find stat sha256sum mktemp od tr sed date touch sleep cat; do command -v "$t" >/dev/null 2>&1 || need="$need $t"; done
if [ -n "$need" ]; then echo "!MISSING$need"; exit 5; fi
mkdir -p -- "$1" 2>/dev/null
cd -- "$1" 2>/dev/null || { echo "!FATAL cannot create or enter $1"; exit 3; }
echo "!READY $(pwd)"
rd() { dd bs=65536 count="$1" iflag=fullblock,count_bytes 2>/dev/null; }
while read -r op n id; do
  case "$op" in
    T) rd "$n" | tar x -o -f - ;;
    R) rd "$n" | xargs -0 rm -rf -- ;;
    M) rd "$n" | xargs -0 -n 2 mv -f -- ;;
    H) rd "$n" | xargs -0 sha256sum -- 2>/dev/null ;;
    S) rd "$n" | xargs -0 stat -c '%f %s %Y %y %n' -- 2>/dev/null ;;
    L) rd "$n" | xargs -0 sh -c 'find "$@" ${NEWLINE_NAMES} -exec stat -c "%f %s %Y %y %n" {} + 2>/dev/null' sh ;;
    P) true ;;
    *) echo "!FATAL unknown request"; exit 2 ;;
  esac
  echo "!OK $id $?"
done
`;

/**
 * Change watcher: `$1` = absolute container folder, `$2` = seconds between
 * checks, `$3` = seconds between checks after 20 checks found nothing (idle
 * cost halves, worst-case latency stays about a second), the rest = find
 * prune tokens. busybox has no inotify tool, so each
 * check runs `find -newer <stamp>` (one lstat per path, no reads, no hashes).
 * busybox compares whole seconds, so the stamp is set one second before the
 * previous check started: an edit in the same second as a check is reported
 * again by the next ones instead of never (the client drops repeats). Changed folders get their complete child list
 * (`!D` blocks) so deletes and moved-in files are seen. It prints only when
 * something changed, `!GONE` when the folder is removed or replaced, and
 * exits when stdin closes (an orphaned exec would otherwise poll forever;
 * stdin is passed on as fd 3 because background jobs get /dev/null).
 */
export const WATCH_SCRIPT = `${PRELUDE}
R=$1; I=$2; IDLE=$3; shift 3
cd -- "$R" 2>/dev/null || { echo "!GONE"; exit 4; }
T=$(mktemp -d 2>/dev/null) || { echo "!FATAL no writable temp folder in the container (mktemp -d failed)"; exit 5; }
export T
trap 'rm -rf "$T"' EXIT
trap 'exit 0' TERM INT HUP PIPE
exec 3<&0
( cat <&3 >/dev/null; kill $$ ) 2>/dev/null &
renice -n 10 -p $$ >/dev/null 2>&1
F='%f %s %Y %y %n'; export F
touch -d "@$(( $(date +%s) - 1 ))" "$T/a"
echo "!READY"
quiet=0
while :; do
  if [ "$quiet" -ge 20 ]; then sleep "$IDLE"; else sleep "$I"; fi
  [ . -ef "$R" ] || { echo "!GONE"; exit 4; }
  touch -d "@$(( $(date +%s) - 1 ))" "$T/c"
  find . "$@" \\( -name "*$NL*" -prune \\( ! -newer "$T/a" -o -exec sh -c "$RN" sh {} \\; \\) \\) -o -newer "$T/a" -exec stat -c "$F" {} + >"$T/o" 2>/dev/null
  if [ -s "$T/o" ]; then
    echo "!B"; cat "$T/o"
    sed -n 's/^4[0-9a-f]\\{3\\} [0-9]* [0-9-]* [^ ]* [^ ]* [^ ]* //p' "$T/o" | while IFS= read -r d; do
      find "$d" -mindepth 1 -maxdepth 1 ${NEWLINE_NAMES} -exec stat -c "$F" {} + >"$T/d" 2>/dev/null && { echo "!D $d"; cat "$T/d"; }
    done
    echo "!E"
    quiet=0
  else
    quiet=$((quiet + 1))
  fi
  mv -f "$T/c" "$T/a"
done
`;

/** Full listing: `$1` = folder, rest = prune tokens; ends with `!END`; gzip-compressed when gzip exists. */
export const LIST_SCRIPT = `${PRELUDE}
cd -- "$1" 2>/dev/null || exit 3
shift
F='%f %s %Y %y %n'
list() { find . "$@" ${NEWLINE_NAMES} -exec stat -c "$F" {} + 2>/dev/null; echo '!END'; }
if command -v gzip >/dev/null 2>&1; then list "$@" | gzip -1; else list "$@"; fi
`;

/** Fetch: `$1` = folder; stdin = `<bytes>\\n` then a NUL list of `./paths`; stdout = tar (possibly several concatenated). */
export const FETCH_SCRIPT = `
cd -- "$1" 2>/dev/null || exit 3
read -r n
dd bs=65536 count="$n" iflag=fullblock,count_bytes 2>/dev/null | xargs -0 tar c -f - --no-recursion
`;

/** The argv for running one of the scripts with `sh -c`. */
export function shArgs(script: string, ...args: string[]): string[] {
  return ['sh', '-c', script, 'devspace-sync', ...args];
}
