#!/usr/bin/env bash
# A coding agent's lifecycle, held to one lease (Claude Code hooks; any agent with hooks that run a
# command works the same way):
#
#   leasehold-hook.sh session-start   claim the lease when the session starts
#   leasehold-hook.sh pre-edit        before an edit: allow it only while this session holds the
#                                     lease (claiming it if it is free); otherwise block (exit 2)
#   leasehold-hook.sh post-tool       after every tool use: a heartbeat, throttled
#   leasehold-hook.sh session-end     release the lease
#
# The hook's JSON arrives on stdin; its session_id names the agent (claude-<session_id>) unless
# LEASEHOLD_AGENT is set. What is leased: LEASEHOLD_RESOURCE, else the git branch of the project
# (branch:<name>, or project:<directory> outside git). Where: LEASEHOLD_URL (a lease server), else the SQLite file LEASEHOLD_DB
# (default: the git repository's own, shared by all its worktrees; .leasehold/leases.db in the
# project outside git). Tuning: LEASEHOLD_TTL (default 30m),
# LEASEHOLD_HEARTBEAT_INTERVAL (default 5m). LEASEHOLD_BIN runs another leasehold binary.
set -uo pipefail

event="${1:-}"
project="${CLAUDE_PROJECT_DIR:-$PWD}"
input="$(cat)"
leasehold() { ${LEASEHOLD_BIN:-npx --no-install leasehold} "$@"; }

field() { # the named string field of the hook's JSON input, or nothing
  node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{try{const v=JSON.parse(t)[process.argv[1]];if(typeof v==="string")process.stdout.write(v)}catch{}})' "$1" <<<"$input"
}

session="$(field session_id)"
export LEASEHOLD_AGENT="${LEASEHOLD_AGENT:-claude-${session:-$$}}"
export LEASEHOLD_STATE_DIR="${LEASEHOLD_STATE_DIR:-$project/.leasehold}"
if [ -z "${LEASEHOLD_URL:-}" ] && [ -z "${LEASEHOLD_DB:-}" ] && ! git -C "$project" rev-parse --git-dir >/dev/null 2>&1; then
  export LEASEHOLD_DB="$project/.leasehold/leases.db"
fi
resource="${LEASEHOLD_RESOURCE:-}"
if [ -z "$resource" ]; then
  if branch="$(git -C "$project" symbolic-ref --short HEAD 2>/dev/null)"; then
    resource="branch:$branch"
  else
    resource="project:$(basename "$project")"
  fi
fi
ttl="${LEASEHOLD_TTL:-30m}"

case "$event" in
  session-start)
    # A session cannot be refused; a lease held elsewhere is reported, and edits wait for it.
    if ! out="$(leasehold claim "$resource" --ttl "$ttl" 2>&1)"; then
      echo "$out"
      echo "leasehold: edits are blocked until $LEASEHOLD_AGENT holds $resource"
    else
      echo "leasehold: $out"
    fi
    exit 0
    ;;
  pre-edit)
    # Fail closed: only exit 2 blocks an edit, so any unexpected failure becomes one.
    trap 'echo "leasehold: the lease gate failed; edit blocked" >&2; exit 2' ERR
    if leasehold gate "$resource" 2>/dev/null; then exit 0; fi
    if out="$(leasehold claim "$resource" --ttl "$ttl" 2>&1)"; then exit 0; fi
    echo "$out (edit blocked)" >&2
    exit 2
    ;;
  post-tool)
    # A lost lease is told to the agent (exit 2 shows it stderr); a throttled beat costs nothing.
    out="$(leasehold heartbeat "$resource" --min-interval "${LEASEHOLD_HEARTBEAT_INTERVAL:-5m}" 2>&1)"
    case $? in
      0) exit 0 ;;
      1) echo "$out; stop editing $resource" >&2; exit 2 ;;
      *) echo "$out (heartbeat failed)" >&2; exit 1 ;;
    esac
    ;;
  session-end)
    leasehold release "$resource" >/dev/null 2>&1 || true
    exit 0
    ;;
  *)
    echo "usage: leasehold-hook.sh session-start|pre-edit|post-tool|session-end < hook-input.json" >&2
    exit 64
    ;;
esac
