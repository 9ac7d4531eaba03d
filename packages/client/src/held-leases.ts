import { assert } from '@leasehold/core';
import { HELD_LEASES_MAX } from './limits.js';
import type { Lease } from './outcomes.js';

/**
 * The leases a client holds, by resource, as its own grants, renewals and releases left them: the
 * gate of `holds` and the list `releaseAll` works through. Bounded by `leasesMax`: when full, an
 * entry whose belief has ended goes first, else the oldest (its lease then simply runs out).
 */
export class HeldLeases {
  readonly #leases = new Map<string, Lease>();
  /** The token of each resource's release sent and not yet answered released or notHolder. */
  readonly #releasing = new Map<string, number>();
  readonly #leasesMax: number;

  constructor(leasesMax: number = HELD_LEASES_MAX) {
    assert(leasesMax >= 1 && leasesMax <= HELD_LEASES_MAX, 'leasesMax within HELD_LEASES_MAX');
    this.#leasesMax = leasesMax;
  }

  /**
   * A grant or renewal of `lease` succeeded. A grant (an acquire answered granted) is believed
   * whatever release was sent before it; a renewal does not outrun a release of its own lease.
   */
  note(lease: Lease, nowMonoMs: number, granted = false): void {
    const known = this.#leases.get(lease.resource);
    // A late reply for an older token never replaces the newer grant (tokens only go up, I-5).
    if (known !== undefined && known.token > lease.token) return;
    this.#leases.delete(lease.resource);
    if (granted || known === undefined || known.token < lease.token)
      this.#releasing.delete(lease.resource);
    if (this.#leases.size >= this.#leasesMax) this.#evictOne(nowMonoMs);
    this.#leases.set(lease.resource, lease);
  }

  /** `resource` is no longer held under `token` (released, or the store says another holds it). */
  forget(resource: string, token: number): void {
    const known = this.#leases.get(resource);
    if (known !== undefined && known.token <= token) {
      this.#leases.delete(resource);
      this.#releasing.delete(resource);
    }
  }

  /**
   * A release of `resource` under `token` is on its way: whatever its answer (or none), it may
   * apply, so the lease is not believed any more; it stays listed for `releaseAll` to send again.
   */
  releasing(resource: string, token: number): void {
    const known = this.#leases.get(resource);
    if (known !== undefined && known.token <= token) this.#releasing.set(resource, token);
  }

  /** The lease on `resource` if belief in it has not ended at `nowMonoMs` (nor been released). */
  believed(resource: string, nowMonoMs: number): Lease | null {
    const lease = this.#leases.get(resource);
    if (lease === undefined || nowMonoMs >= lease.validUntilMonoMs) return null;
    return lease.token <= (this.#releasing.get(resource) ?? 0) ? null : lease;
  }

  /** Every tracked lease, believed or not (a lease past its belief may still be in the store). */
  all(): Lease[] {
    return [...this.#leases.values()];
  }

  get size(): number {
    return this.#leases.size;
  }

  #evictOne(nowMonoMs: number): void {
    for (const [resource, lease] of this.#leases) {
      if (nowMonoMs >= lease.validUntilMonoMs) {
        this.#leases.delete(resource);
        this.#releasing.delete(resource);
        return;
      }
    }
    const oldest = this.#leases.keys().next();
    if (oldest.done !== true) {
      this.#leases.delete(oldest.value);
      this.#releasing.delete(oldest.value);
    }
  }
}
