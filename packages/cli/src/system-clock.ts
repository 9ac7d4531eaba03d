// The CLI's one reader of real time (CONSTRAINTS.md C-4): every other file asks these. The global
// `performance` is used, not node:perf_hooks, which would cost every agent command its load.

/** Milliseconds since the epoch, as this machine's wall clock says. */
export function wallNowMs(): number {
  return Date.now();
}

/** A monotonic reading in (fractional) milliseconds, for durations. */
export function monoNowMs(): number {
  return performance.now();
}
