import { FencedResource, type Fence } from '@leasehold/core';
import { LATENCY_MS_BASE_MAX, LATENCY_MS_FAULT_MAX, LATENCY_MS_MIN } from './limits.js';
import type { NodeProcesses, SimNode } from './node-process.js';
import type { WorldContext } from './world-context.js';

/**
 * One fenced resource per lease: the thing a lease protects. Each keeps its own state (the
 * implementation's fence, or `@leasehold/core`'s `FencedResource`); the checker only watches what
 * it accepts. A write travels like a store request (latency, a stall at the sender's await) and
 * may arrive late: after its sender crashed, lost the lease, or was superseded.
 */
export class FencedResources {
  readonly #ctx: WorldContext;
  readonly #nodes: NodeProcesses;
  readonly #fences = new Map<string, Fence>();

  constructor(ctx: WorldContext, nodes: NodeProcesses) {
    this.#ctx = ctx;
    this.#nodes = nodes;
  }

  #fence(resource: string): Fence | null {
    let fence = this.#fences.get(resource);
    if (fence === undefined) {
      try {
        fence = this.#ctx.implementation.createFence?.() ?? new FencedResource();
      } catch (error) {
        this.#ctx.failure(error);
        return null;
      }
      this.#fences.set(resource, fence);
    }
    return fence;
  }

  #latencyMs(): number {
    const ctx = this.#ctx;
    const max = ctx.swarm().storeLatency === undefined ? LATENCY_MS_BASE_MAX : LATENCY_MS_FAULT_MAX;
    return ctx.network.between(LATENCY_MS_MIN, max);
  }

  /** `node` writes to the resource guarded by the lease on `resource`, carrying `token`. */
  write(node: SimNode, resource: string, token: number): Promise<boolean> {
    const ctx = this.#ctx;
    const incarnation = node.incarnation;
    ctx.scheduler.yielded();
    return new Promise((resolve) => {
      const injected = this.#nodes.atAwait(node);
      if (injected === null || ctx.stopped()) return;
      const scheduler = ctx.scheduler;
      scheduler.at(scheduler.nowMs + injected.delayMs + this.#latencyMs(), () => {
        const fence = this.#fence(resource);
        if (fence === null) return undefined;
        let accepted: boolean;
        try {
          accepted = fence.write(token).kind === 'accepted';
        } catch (error) {
          ctx.failure(error);
          return undefined;
        }
        if (!accepted) ctx.mark('fencedWriteRejected');
        ctx.record({ kind: 'fence', node: node.id, resource, token, accepted });
        scheduler.at(scheduler.nowMs + this.#latencyMs(), () =>
          this.#nodes.wake(node, incarnation, () => resolve(accepted)),
        );
        return undefined;
      });
    });
  }
}
