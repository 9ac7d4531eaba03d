import type { Prng } from './prng.js';
import type { WorldContext } from './world-context.js';
import { fires } from './faults.js';
import { PARTITION_MS_MAX, PARTITION_MS_MIN } from './limits.js';

/** The shapes of partition Jepsen's nemeses use, over the world's endpoints. */
export const PARTITION_SHAPES = ['isolate', 'halves', 'majority', 'bridge', 'oneWay'] as const;
export type PartitionShape = (typeof PARTITION_SHAPES)[number];

/** The store's endpoint (replicas reach it through the network too). */
export const STORE_ENDPOINT = 'store';

/**
 * The network between the world's endpoints (agents, replicas of the lease service, the store):
 * which links are cut right now. A partition cuts every link between two groups (in one
 * direction only for a one-way cut) for a while, then heals; a message sent over a cut link is
 * lost, so its sender waits out its timeout, never knowing whether it arrived. The delivery of
 * each message (latency, loss, duplication) is drawn by the part that sends it; this part only
 * answers whether a link is open, and starts partitions.
 */
export class Network {
  readonly #ctx: WorldContext;
  readonly #endpoints: () => readonly string[];
  /** Cut links, as `from\0to`. */
  #cuts = new Set<string>();
  #healsAtMs = -Infinity;

  readonly #holding: (endpoint: string) => boolean;

  constructor(
    ctx: WorldContext,
    endpoints: () => readonly string[],
    holding: (endpoint: string) => boolean,
  ) {
    this.#ctx = ctx;
    this.#endpoints = endpoints;
    this.#holding = holding;
  }

  /** Whether a message from `from` to `to` is lost to a partition now. */
  cut(from: string, to: string): boolean {
    if (this.#cuts.size === 0) return false;
    if (this.#ctx.scheduler.nowMs >= this.#healsAtMs) {
      this.#cuts = new Set();
      return false;
    }
    return this.#cuts.has(`${from}\0${to}`);
  }

  /** At a message send: with the seed's partition rate, a partition starts (unless one is on). */
  maybePartition(): void {
    const ctx = this.#ctx;
    if (ctx.phase() !== 'safety' || !fires(ctx.swarm(), 'netPartition', ctx.faults)) return;
    if (this.#cuts.size > 0 && ctx.scheduler.nowMs < this.#healsAtMs) return;
    const endpoints = this.#endpoints();
    if (endpoints.length < 2) return;
    const faults = ctx.faults;
    const shape = faults.pick(PARTITION_SHAPES);
    const { cuts, text } = partition(shape, endpoints, faults);
    if (cuts.size === 0) return;
    const lastsMs = faults.between(PARTITION_MS_MIN, PARTITION_MS_MAX);
    if (!ctx.strikes('netPartition', null)) return;
    this.#cuts = cuts;
    this.#healsAtMs = ctx.scheduler.nowMs + lastsMs;
    ctx.fired('netPartition', text, lastsMs);
    const cutOff = (endpoint: string) =>
      endpoints.some((other) => other !== endpoint && cuts.has(`${endpoint}\0${other}`));
    if (endpoints.some((endpoint) => this.#holding(endpoint) && cutOff(endpoint)))
      ctx.mark('holderPartitioned');
  }

  /** Heal: every link open again. */
  heal(): void {
    this.#cuts = new Set();
    this.#healsAtMs = -Infinity;
  }
}

/** The links a partition of `shape` cuts, and how the trace names it (`a,b|c,d`, `a>b,c`). */
function partition(
  shape: PartitionShape,
  endpoints: readonly string[],
  prng: Prng,
): { cuts: Set<string>; text: string } {
  const shuffled = shuffle(endpoints, prng);
  const cuts = new Set<string>();
  const across = (a: readonly string[], b: readonly string[], bothWays: boolean) => {
    for (const x of a)
      for (const y of b) {
        cuts.add(`${x}\0${y}`);
        if (bothWays) cuts.add(`${y}\0${x}`);
      }
  };
  switch (shape) {
    case 'isolate': {
      const [one, ...rest] = shuffled;
      across([one!], rest, true);
      return { cuts, text: `isolate ${one}` };
    }
    case 'halves':
    case 'majority': {
      const size =
        shape === 'halves'
          ? Math.floor(shuffled.length / 2)
          : Math.max(1, Math.floor((shuffled.length - 1) / 2));
      const a = shuffled.slice(0, size);
      const b = shuffled.slice(size);
      across(a, b, true);
      return { cuts, text: `${shape} ${a.join(',')}|${b.join(',')}` };
    }
    case 'bridge': {
      if (shuffled.length < 3) return partition('isolate', endpoints, prng);
      const [bridge, ...rest] = shuffled;
      const half = Math.floor(rest.length / 2);
      const a = rest.slice(0, half);
      const b = rest.slice(half);
      across(a, b, true);
      return { cuts, text: `bridge ${a.join(',')}|${bridge}|${b.join(',')}` };
    }
    case 'oneWay': {
      const size = prng.between(1, shuffled.length - 1);
      const a = shuffled.slice(0, size);
      const b = shuffled.slice(size);
      across(a, b, false);
      return { cuts, text: `oneWay ${a.join(',')}>${b.join(',')}` };
    }
  }
}

/** A copy of `items` in an order drawn from `prng` (Fisher-Yates). */
function shuffle(items: readonly string[], prng: Prng): string[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
