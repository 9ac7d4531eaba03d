import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What an agent remembers of one lease between commands: the proof it owns it. */
export interface HeldLease {
  readonly lease_id: string;
  readonly owner_key: string;
  readonly token: number;
  readonly expires_at: string;
  readonly ttl_ms: number;
  /** The service (URL or local file) that granted it. */
  readonly backend: string;
  /** Wall ms of the last renewal sent (the heartbeat throttle). */
  readonly heartbeat_at_ms?: number;
}

export interface AgentState {
  readonly leases: Record<string, HeldLease>;
}

/**
 * The agent's state file: its leases' ids and owner keys (secrets: the file is private to the
 * user), one file per agent in the state directory. Written whole to a temporary file and renamed
 * over the old one, so a crash never leaves half a file.
 */
export class AgentStateFile {
  readonly path: string;

  constructor(dir: string, agent: string) {
    this.path = join(dir, `agent-${encodeURIComponent(agent)}.json`);
  }

  read(): AgentState {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return { leases: {} };
    }
    try {
      const parsed = JSON.parse(text) as Partial<AgentState>;
      return { leases: { ...(parsed.leases ?? {}) } };
    } catch {
      return { leases: {} };
    }
  }

  write(state: AgentState): void {
    mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
  }

  /** Applies `change` to the stored state; returns the error of a failed write instead of throwing. */
  update(change: (leases: Record<string, HeldLease>) => void): Error | null {
    const state = this.read();
    change(state.leases);
    try {
      this.write(state);
      return null;
    } catch (error) {
      return error as Error;
    }
  }

  /** Forgets the lease on `resource` (released or lost). */
  forget(resource: string): Error | null {
    const state = this.read();
    const leases = Object.fromEntries(Object.entries(state.leases).filter(([r]) => r !== resource));
    try {
      this.write({ leases });
      return null;
    } catch (error) {
      return error as Error;
    }
  }
}
