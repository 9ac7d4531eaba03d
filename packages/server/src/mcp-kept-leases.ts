import type { AgentHost, AgentLease, AgentLeaseState } from '@leasehold/client';
import { MCP_KEPT_LEASES_MAX } from './limits.js';

/**
 * Where the MCP server keeps the proof of what its agent claimed (lease ids and owner keys): the
 * agent never sees an owner key, so only this server can renew or release what it claimed.
 */
export interface KeptLeases extends AgentLeaseState {
  /** Every resource with a kept lease, in no particular order. */
  resources(): readonly string[];
}

/** The agent an MCP server serves: the agent decisions' host, with leases it can list. */
export interface McpAgentHost extends AgentHost {
  readonly state: KeptLeases;
}

/**
 * An agent's kept leases in memory, bounded: a lease past the bound is not kept, and the agent
 * decisions give a lease whose proof was not kept back at once (`claimLease`, `notKept`).
 */
export class MemoryKeptLeases implements KeptLeases {
  readonly #leases = new Map<string, AgentLease>();
  readonly #max: number;

  constructor(max: number = MCP_KEPT_LEASES_MAX) {
    this.#max = max;
  }

  get size(): number {
    return this.#leases.size;
  }

  read(resource: string): AgentLease | undefined {
    return this.#leases.get(resource);
  }

  put(resource: string, lease: AgentLease): Error | null {
    if (!this.#leases.has(resource) && this.#leases.size >= this.#max) {
      return new Error(`an agent keeps at most ${this.#max} leases here (MCP_KEPT_LEASES_MAX)`);
    }
    this.#leases.set(resource, lease);
    return null;
  }

  forget(resource: string): null {
    this.#leases.delete(resource);
    return null;
  }

  resources(): readonly string[] {
    return [...this.#leases.keys()];
  }
}
