/**
 * The invariant table. Ids and names are shared word for word with spec/Lease.tla,
 * CONSTRAINTS.md, the simulator's checker and test titles (CONSTRAINTS.md C-6).
 */
export const INVARIANTS = [
  {
    id: 'I-1',
    name: 'LeaseUniqueness',
    statement:
      'at any true instant, at most one node believes it holds a valid lease on a resource',
  },
  {
    id: 'I-2',
    name: 'BeliefConsistency',
    statement:
      "a node that believes it holds a lease is the store's current holder with the same token, and the lease is not claimable by anyone",
  },
  {
    id: 'I-3',
    name: 'RenewalRequiresOwnership',
    statement:
      'every successful renew was made by the current holder with the current token before expiry; failed mutations change nothing',
  },
  {
    id: 'I-4',
    name: 'ExpiredLeaseClaimable',
    statement:
      'an expired lease (past grace and skew margin) never blocks an acquire; after faults heal, a waiting node acquires within a stated bound',
  },
  {
    id: 'I-5',
    name: 'FencingMonotonic',
    statement: 'tokens strictly increase per resource, across everything',
  },
  {
    id: 'I-6',
    name: 'FencedResourceSafety',
    statement:
      'a fenced resource never accepts a write whose token is lower than the highest it has accepted, and every accepted token was really granted to the writer',
  },
  {
    id: 'I-7',
    name: 'NoResurrection',
    statement: 'no renew succeeds on a lease that expired, was released or was force-released',
  },
  {
    id: 'I-8',
    name: 'IdempotentAcquire',
    statement: 'retries of one acquire (same requestId) yield at most one grant',
  },
] as const;

export type InvariantId = (typeof INVARIANTS)[number]['id'];
export type InvariantName = (typeof INVARIANTS)[number]['name'];

export interface InvariantViolation {
  readonly invariant: InvariantId;
  readonly name: InvariantName;
  readonly message: string;
}

const NAME_BY_ID = new Map<InvariantId, InvariantName>(INVARIANTS.map((i) => [i.id, i.name]));

export function invariantName(id: InvariantId): InvariantName {
  return NAME_BY_ID.get(id)!;
}

export function violation(invariant: InvariantId, message: string): InvariantViolation {
  return { invariant, name: invariantName(invariant), message };
}

/** A node's belief that it holds a lease, as the checker sees it at one true instant. */
export interface Belief {
  readonly node: string;
  readonly resource: string;
  readonly token: number;
}
