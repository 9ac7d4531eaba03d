#!/usr/bin/env bash
# A coding agent's edits, held to leases on the files it edits (Claude Code hooks; any agent with
# hooks that run a command works the same way). Paths are leased relative to the repository root,
# so agents in separate worktrees of one repository contend for the same files:
#
#   leasehold-hook.sh setup           once per repository (session-start repeats it): .leasehold/
#                                     in .gitignore, and the commit guard (leasehold guard --install)
#   leasehold-hook.sh session-start   names the session to its shell (CLAUDE_ENV_FILE), so the
#                                     commit guard knows whose commit it is; runs setup
#   leasehold-hook.sh pre-edit        before an Edit/Write: allow it only while this session holds
#                                     the file (claiming it if it is free); otherwise block (exit 2)
#   leasehold-hook.sh pre-bash        before a Bash command: claim every path it visibly writes
#                                     (hook-paths.mjs); one held by another agent blocks it (exit 2)
#   leasehold-hook.sh post-tool       after every tool use: a heartbeat of every lease, throttled
#   leasehold-hook.sh session-end     release every lease of the session
#
# The hook's JSON arrives on stdin; its session_id names the agent (claude-<session_id>) unless
# LEASEHOLD_AGENT is set. Where the leases live: LEASEHOLD_URL (a lease server), else the SQLite
# file LEASEHOLD_DB (default: the git repository's own, shared by all its worktrees;
# .leasehold/leases.db in the project outside git). Tuning: LEASEHOLD_TTL (default 30m),
# LEASEHOLD_HEARTBEAT_INTERVAL (default 5m). LEASEHOLD_BIN runs another leasehold binary.
set -uo pipefail

event="${1:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="${CLAUDE_PROJECT_DIR:-$PWD}"
if [ -t 0 ]; then input='{}'; else input="$(cat)"; fi
leasehold() { ${LEASEHOLD_BIN:-npx --no-install leasehold} "$@"; }

field() { # the named string field of the hook's JSON input, or nothing
  node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{try{const v=JSON.parse(t)[process.argv[1]];if(typeof v==="string")process.stdout.write(v)}catch{}})' "$1" <<<"$input"
}
paths() { # the repository paths the tool call writes (edit or bash), one a line
  node "$here/hook-paths.mjs" "$root" "$1" <<<"$input"
}

session="$(field session_id)"
export LEASEHOLD_AGENT="${LEASEHOLD_AGENT:-claude-${session:-$$}}"
export LEASEHOLD_STATE_DIR="${LEASEHOLD_STATE_DIR:-$project/.leasehold}"
if root="$(git -C "$project" rev-parse --show-toplevel 2>/dev/null)"; then
  in_git=yes
else
  in_git=no
  root="$project"
  if [ -z "${LEASEHOLD_URL:-}" ] && [ -z "${LEASEHOLD_DB:-}" ]; then
    export LEASEHOLD_DB="$project/.leasehold/leases.db"
  fi
fi
ttl="${LEASEHOLD_TTL:-30m}"

setup() { # repeated, it changes nothing
  [ "$in_git" = yes ] || return 0
  if ! git -C "$root" check-ignore -q .leasehold/; then
    # The agents' state (owner keys): never committed.
    if [ -s "$root/.gitignore" ] && [ -n "$(tail -c 1 "$root/.gitignore")" ]; then echo >>"$root/.gitignore"; fi
    echo '.leasehold/' >>"$root/.gitignore"
    echo "leasehold: .leasehold/ added to $root/.gitignore"
  fi
  # Refuses (and says so) to replace a pre-commit hook that is not leasehold's.
  (cd "$root" && leasehold guard --install) 2>&1
}

case "$event" in
  setup)
    setup
    exit 0
    ;;
  session-start)
    # The agent's own shell commands (git commit, and the guard it runs) act as this session.
    if [ -n "${CLAUDE_ENV_FILE:-}" ]; then
      printf 'export LEASEHOLD_AGENT=%q\nexport LEASEHOLD_STATE_DIR=%q\n' \
        "$LEASEHOLD_AGENT" "$LEASEHOLD_STATE_DIR" >>"$CLAUDE_ENV_FILE"
    fi
    setup
    echo "leasehold: this session is $LEASEHOLD_AGENT; each file is leased as it is edited"
    exit 0
    ;;
  pre-edit)
    # Fail closed: only exit 2 blocks an edit, so any unexpected failure becomes one.
    trap 'echo "leasehold: the lease gate failed; edit blocked" >&2; exit 2' ERR
    path="$(paths edit)"
    if [ -z "$path" ]; then exit 0; fi # outside the repository: nobody's lease
    if leasehold gate "$path" >/dev/null 2>&1; then exit 0; fi
    if out="$(leasehold claim "$path" --ttl "$ttl" 2>&1)"; then exit 0; fi
    echo "$out (edit blocked)" >&2
    exit 2
    ;;
  pre-bash)
    trap 'echo "leasehold: the lease gate failed; command blocked" >&2; exit 2' ERR
    list="$(paths bash)"
    if [ -z "$list" ]; then exit 0; fi # writes no path it names (or none in the repository)
    mapfile -t written <<<"$list"
    # All or none: a command that writes a held path gets none of the others.
    if out="$(leasehold claim "${written[@]}" --ttl "$ttl" 2>&1)"; then exit 0; fi
    echo "$out (the command writes ${written[*]}: blocked)" >&2
    exit 2
    ;;
  post-tool)
    # A lost lease is told to the agent (exit 2 shows it stderr); a throttled beat costs nothing.
    out="$(leasehold heartbeat --all --min-interval "${LEASEHOLD_HEARTBEAT_INTERVAL:-5m}" 2>&1)"
    case $? in
      0) exit 0 ;;
      1) echo "$out; stop editing the files named: claim them again first" >&2; exit 2 ;;
      *) echo "$out (heartbeat failed)" >&2; exit 1 ;;
    esac
    ;;
  session-end)
    leasehold release --all >/dev/null 2>&1 || true
    exit 0
    ;;
  *)
    echo "usage: leasehold-hook.sh setup|session-start|pre-edit|pre-bash|post-tool|session-end < hook-input.json" >&2
    exit 64
    ;;
esac
