/** What an agent remembers of one lease between its commands: the proof it owns it. */
export interface AgentLease {
  readonly lease_id: string;
  readonly owner_key: string;
  readonly token: number;
  /** On the service's clock, as it answered. */
  readonly expires_at: string;
  readonly ttl_ms: number;
  /** The service (URL or local file) that granted it. */
  readonly backend: string;
  /** Wall ms (this agent's clock) of the last heartbeat sent, skipped or not (the throttle). */
  readonly heartbeat_at_ms?: number;
  /**
   * Wall ms (this agent's clock) when the request that granted or last renewed the lease was
   * sent: the agent's belief counts from there (`beliefEndsAtWallMs`), never from a reply.
   */
  readonly belief_from_ms?: number;
  /**
   * A release of this lease was sent and not confirmed: it may still apply at any moment, so the
   * gate says no and a heartbeat renews nothing until a release is answered (the proof is kept
   * so that it can be sent again).
   */
  readonly releasing?: boolean;
}

/**
 * Where an agent keeps its leases between commands: a private file for the agent CLI (each
 * command is a process of its own), memory for one process or the simulator. Writes answer the
 * error they met instead of throwing: a lease whose proof cannot be kept is given back.
 */
export interface AgentLeaseState {
  read(resource: string): AgentLease | undefined;
  put(resource: string, lease: AgentLease): Error | null;
  forget(resource: string): Error | null;
}

/** An agent's leases in memory (one process; the simulator, where a crash keeps the "file"). */
export class MemoryAgentState implements AgentLeaseState {
  readonly #leases = new Map<string, AgentLease>();

  read(resource: string): AgentLease | undefined {
    return this.#leases.get(resource);
  }

  put(resource: string, lease: AgentLease): null {
    this.#leases.set(resource, lease);
    return null;
  }

  forget(resource: string): null {
    this.#leases.delete(resource);
    return null;
  }
}
