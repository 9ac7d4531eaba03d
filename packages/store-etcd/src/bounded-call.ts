/** The outcome of an etcd call that was given a time limit. */
export type Bounded<T> =
  { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'failed'; readonly reason: string };

/**
 * Runs `call` with a gRPC deadline and, independently, a timer: whatever the client library does
 * (dialling, retrying on other members, waiting for a circuit breaker), the caller gets an answer
 * within `timeoutMs`. The deadline cancels the request on the wire; the timer bounds everything
 * around it. This file is the package's only use of real time (CONSTRAINTS.md C-4).
 */
export async function boundedCall<T>(
  timeoutMs: number,
  what: string,
  call: (deadline: Date) => Promise<T>,
): Promise<Bounded<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'failed', reason: `etcd ${what} timed out after ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const attempt = call(new Date(Date.now() + timeoutMs)).then(
    (value): Bounded<T> => ({ kind: 'ok', value }),
    (error: unknown): Bounded<T> => ({
      kind: 'failed',
      reason: `etcd ${what}: ${describe(error)}`,
    }),
  );
  try {
    return await Promise.race([attempt, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Resolves after `ms`, or at once when `signal` aborts (a watch's pause between set-up tries). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Milliseconds on the process's monotonic clock, for intervals (leader-route.ts). */
export function monotonicMs(): number {
  return performance.now();
}
