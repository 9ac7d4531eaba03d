import type { Prng } from './prng.js';

/** Where true time starts in every run: 2026-01-01T00:00:00Z. */
export const EPOCH_MS = 1_767_225_600_000;

/** Tie-break keys are drawn below this (2^30): collisions fall back to insertion order. */
const TIE_BOUND = 1 << 30;

interface QueuedEvent {
  readonly atMs: number;
  /** Drawn from the scheduler stream: which of several events at one instant runs first. */
  readonly tie: number;
  readonly seq: number;
  readonly fire: () => void | Promise<void>;
  /** Set by `cancel`: the event is dropped when it comes up, without counting as a step. */
  cancelled: boolean;
}

/** A queued event, which `Scheduler.cancel` can withdraw before it fires (an aborted sleep). */
export interface Queued {
  readonly atMs: number;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Calls `resume` once every microtask queued so far, and every one they queue, has run: the point
 * where all simulated code has settled (it only ever awaits the world, whose events this queue
 * fires). Not a clock: nothing simulated can tell when it fires, only that everything ran first.
 */
function afterMicrotasks(resume: () => void): void {
  // Node runs a tick queued from a microtask only once the microtask queue is empty: the barrier
  // costs no turn of the event loop (setImmediate's did, a tenth of a service run's time).
  queueMicrotask(() => process.nextTick(resume));
}

/**
 * True time and the event queue. When several events are enabled at one instant, the scheduler's
 * PRNG stream picks which runs first (each event draws a tie-break key when it is queued), so
 * interleavings do not come only from latency draws. Node code runs one piece at a time: waking a
 * node resolves its await, and the scheduler waits until that node awaits again (or finishes)
 * before it fires the next event, so every run is sequential and exactly reproducible.
 *
 * A node normally runs one flow (its workload), which says when it awaits again (`yielded`). A
 * node that runs several at once (a keep-alive renewing beside the work it guards) is woken with
 * `drain`: a woken flow may settle promises other flows of its node await, or finish into a
 * promise nobody awaits any more (a renewal that lost its race with the belief end), so the
 * scheduler waits until no code is left to run at all (every microtask drained) instead. Nodes
 * only meet through the world's events, so the other nodes' flows stay parked meanwhile, and
 * microtasks run in one fixed order: such runs are exactly reproducible too.
 */
export class Scheduler {
  readonly #heap: QueuedEvent[] = [];
  readonly #prng: Prng;
  #seq = 0;
  #nowMs = EPOCH_MS;
  #step = 0;
  #yield: Deferred | null = null;
  /** Whether the wake in progress waits for every flow of its node to settle. */
  #draining = false;
  /** Events that ran while another was enabled at the same instant (coverage). */
  choices = 0;

  constructor(prng: Prng) {
    this.#prng = prng;
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  /** Milliseconds since the run started. */
  get elapsedMs(): number {
    return this.#nowMs - EPOCH_MS;
  }

  get step(): number {
    return this.#step;
  }

  get pending(): number {
    return this.#heap.length;
  }

  /** Queues `fire` at `atMs` (never in the past). */
  at(atMs: number, fire: () => void | Promise<void>): Queued {
    const heap = this.#heap;
    const event: QueuedEvent = {
      atMs: Math.max(atMs, this.#nowMs),
      tie: this.#prng.int(TIE_BOUND),
      seq: this.#seq++,
      fire,
      cancelled: false,
    };
    // Sift up: parents move down into the hole until the event's place is found.
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!before(event, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  /** Withdraws a queued event: it is dropped when it comes up, without counting as a step. */
  cancel(queued: Queued): void {
    (queued as QueuedEvent).cancelled = true;
  }

  /**
   * Fires the next event; false when none is left. An event that wakes no node code is done when
   * it returns (true); one that does is done when the promise returned settles (that code has).
   */
  runOne(): boolean | Promise<void> {
    let event = this.#pop();
    while (event?.cancelled === true) event = this.#pop();
    if (event === undefined) return false;
    this.#nowMs = event.atMs;
    this.#step += 1;
    const next = this.#heap[0];
    if (next !== undefined && next.atMs === event.atMs) this.choices += 1;
    const pending = event.fire();
    return pending ?? true;
  }

  /**
   * Resolves a node's await (`resume`) and waits until that node awaits again or finishes, or, with
   * `drain` (a node running several flows), until all of its code has settled.
   */
  wake(resume: () => void, drain = false): Promise<void> {
    const waiter = deferred();
    this.#draining = drain;
    this.#yield = drain ? null : waiter;
    resume();
    if (drain) afterMicrotasks(waiter.resolve);
    return waiter.promise;
  }

  /** Node code calls this at every await it makes on the world (and when it finishes). */
  yielded(): void {
    const waiter = this.#yield;
    if (waiter === null) return;
    this.#yield = null;
    if (this.#draining) afterMicrotasks(waiter.resolve);
    else waiter.resolve();
  }

  /**
   * The woken node starts a flow beside the one that runs: this wake, too, waits for all of its
   * code to settle.
   */
  drainThisWake(): void {
    this.#draining = true;
  }

  #pop(): QueuedEvent | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    // Sift down: the smaller child moves up into the hole until `last` fits there.
    const size = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  if (a.atMs !== b.atMs) return a.atMs < b.atMs;
  if (a.tie !== b.tie) return a.tie < b.tie;
  return a.seq < b.seq;
}
