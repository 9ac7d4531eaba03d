import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentLease, AgentLeaseState } from '@leasehold/client';

export interface AgentState {
  readonly leases: Record<string, AgentLease>;
}

/**
 * The agent's state file: its leases' ids and owner keys (secrets: the file is private to the
 * user), one file per agent in the state directory. Written whole to a temporary file and renamed
 * over the old one, so a crash never leaves half a file.
 */
export class AgentStateFile implements AgentLeaseState {
  readonly path: string;

  constructor(dir: string, agent: string) {
    this.path = join(dir, `agent-${encodeURIComponent(agent)}.json`);
  }

  /** Every kept lease (an unreadable or missing file keeps none). */
  readAll(): AgentState {
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

  read(resource: string): AgentLease | undefined {
    return this.readAll().leases[resource];
  }

  put(resource: string, lease: AgentLease): Error | null {
    const state = this.readAll();
    return this.#write({ leases: { ...state.leases, [resource]: lease } });
  }

  forget(resource: string): Error | null {
    const state = this.readAll();
    const leases = Object.fromEntries(Object.entries(state.leases).filter(([r]) => r !== resource));
    return this.#write({ leases });
  }

  #write(state: AgentState): Error | null {
    try {
      mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
      const temporary = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, this.path);
      return null;
    } catch (error) {
      return error as Error;
    }
  }
}
