import type { Step } from '@leasehold/step';

/** One acquire call the workload made with a wait (0: a plain acquire). */
interface Wait {
  readonly op: number;
  readonly waitMs: number;
  readonly startMonoMs: number;
  /** The node's monotonic reading by which a new round may start, at the latest. */
  readonly deadlineMonoMs: number;
}

/**
 * A sleep ends at the first true millisecond its target reading is reached; a fast monotonic
 * clock may read one more by then.
 */
const WAKE_SLACK_MS = 1;

/** Faults that delay a node at an await: a round it decided on in time may start late. */
const DELAYS: ReadonlySet<string> = new Set(['nodePause', 'suspendBeyondMargin', 'nodeCrash']);

/**
 * The wait of an acquire (`waitMs`: an acquire is non-blocking, or blocks up to its wait; README,
 * "Using the client"), judged on the node's own monotonic clock from what the world saw: an acquire
 * told to wait answers `held` only once its wait has run out, and starts no new round after that (a
 * new round is a read sent right after a read that found the lease held, with no write between). A
 * plain acquire (no wait) makes one round. Where a pause or suspension delayed the node since its
 * last read, a late round is its scheduler's doing, not the client's, and is let through.
 */
export class AcquireWait {
  readonly #waits = new Map<string, Wait>();
  /** node -> its last reply in the waiting op was a read answered ok, and nothing delayed it since. */
  readonly #roundDone = new Map<string, boolean>();

  /** `node` calls acquire for `op` at monotonic reading `monoMs`, told to wait `waitMs`. */
  expect(node: string, op: number, monoMs: number, waitMs: number): void {
    this.#waits.set(node, {
      op,
      waitMs,
      startMonoMs: monoMs,
      deadlineMonoMs: monoMs + waitMs + WAKE_SLACK_MS,
    });
    this.#roundDone.set(node, false);
  }

  /** Why the step breaks the wait rule, or null. */
  onStep(step: Step): string | null {
    switch (step.kind) {
      case 'reply': {
        const wait = this.#waits.get(step.node);
        if (wait !== undefined && step.op === wait.op)
          this.#roundDone.set(step.node, step.req === 'read' && step.result === 'ok');
        return null;
      }
      case 'fault':
        if (step.node !== null && DELAYS.has(step.fault)) this.#roundDone.set(step.node, false);
        return null;
      case 'call': {
        const wait = this.#waits.get(step.node);
        if (wait === undefined || step.op !== wait.op) return null;
        const newRound = step.req === 'read' && this.#roundDone.get(step.node) === true;
        this.#roundDone.set(step.node, false);
        if (!newRound || step.monoMs <= wait.deadlineMonoMs) return null;
        return wait.waitMs === 0
          ? `${step.node}'s acquire (op ${wait.op}, no wait) read the lease held and started another round`
          : `${step.node}'s acquire (op ${wait.op}) started a round ${step.monoMs - wait.startMonoMs} ms after it began, past its wait of ${wait.waitMs} ms`;
      }
      case 'start':
      case 'crash':
        this.#waits.delete(step.node);
        this.#roundDone.delete(step.node);
        return null;
      default:
        return null;
    }
  }

  /** `node` answered `held` for `op` at monotonic reading `monoMs`: why that is too early, or null. */
  heldAnswer(node: string, op: number, monoMs: number): string | null {
    const wait = this.#waits.get(node);
    this.#waits.delete(node);
    if (wait === undefined || wait.op !== op) return null;
    if (monoMs >= wait.startMonoMs + wait.waitMs) return null;
    return `${node}'s acquire (op ${op}) answered held ${monoMs - wait.startMonoMs} ms after it began, before its wait of ${wait.waitMs} ms ran out`;
  }

  /** The op ended (any answer): its wait no longer applies. */
  ended(node: string, op: number): void {
    if (this.#waits.get(node)?.op === op) this.#waits.delete(node);
  }
}
