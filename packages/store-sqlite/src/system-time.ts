// The SQLite store's one use of real time (CONSTRAINTS.md C-4): the wall clock that stamps a
// record's history when the caller gives none, and the timer a watch polls the file with.

/** Milliseconds since the epoch, as this machine's wall clock says. */
export function systemWallMs(): number {
  return Date.now();
}

/** Calls `tick` after `ms`, on a timer that does not keep the process alive. */
export function unrefTimer(tick: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(tick, ms).unref();
}
