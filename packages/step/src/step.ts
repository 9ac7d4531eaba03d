import type { LeaseRecord } from '@leasehold/core';

/**
 * What a simulated lease world observed, one step at a time. The world writes these records from
 * what it knows itself (which node acted, that node's incarnation and clock readings, true time,
 * the workload's logical operation, the store's state before and after); nothing in a step is
 * taken from fields the implementation under test wrote into an event. One step record feeds the
 * simulator's checker, the JSON-lines trace file and the model's trace validation alike.
 */

/** What the workload meant to do: one intended operation, shared by every retry the client makes. */
export type OpKind = 'acquire' | 'renew' | 'release' | 'forceRelease' | 'expire';

export interface Op {
  /** Unique within a run; every store call the client makes while the op runs carries it. */
  readonly id: number;
  readonly kind: OpKind;
  readonly node: string;
  readonly resource: string;
  /** acquire, renew: the TTL the workload asked for. */
  readonly ttlMs: number | null;
  /** renew, release: the acquire op whose grant this acts on. */
  readonly leaseOp: number | null;
  /** forceRelease: only if this node still holds it (admin compare-and-set); null: whoever. */
  readonly expectedHolder: string | null;
  /** acquire: the request id the workload chose for it, or null when the client chooses. */
  readonly requestId: string | null;
  /** acquire: the lease's own renewal limit the workload asked for (absent: none). */
  readonly maxRenewals?: number;
  /** acquire: the lease's own maximum age the workload asked for (absent: none). */
  readonly maxAgeMs?: number;
}

export type Request = 'read' | 'cas';

/**
 * How the store handled one delivered request: `ok` (read answered, or write applied), `conflict`
 * (stale version), `failed` (an injected failure before anything was applied), `down` (the store
 * was restarting). Whether the store's state changed is judged from `before`/`after`, never from
 * this label.
 */
export type ApplyOutcome = 'ok' | 'conflict' | 'failed' | 'down';

/** Why a reply told the client `unavailable`. */
export type UnavailableCause = 'failed' | 'down' | 'reset' | 'timeout' | 'restarted';

interface At {
  /** Scheduler step (events fired so far). */
  readonly step: number;
  /** True time since the run started, ms. */
  readonly atMs: number;
}

export interface StartStep extends At {
  readonly kind: 'start';
  readonly node: string;
  readonly inc: number;
}

export interface CrashStep extends At {
  readonly kind: 'crash';
  readonly node: string;
  /** The incarnation that died. */
  readonly inc: number;
}

/** The workload begins a logical operation. */
export interface BeginStep extends At {
  readonly kind: 'begin';
  readonly op: Op;
}

/** A node sends a request to the store. */
export interface CallStep extends At {
  readonly kind: 'call';
  readonly node: string;
  readonly inc: number;
  /** Unique within a run. */
  readonly call: number;
  /** The workload's operation in progress on this node, if any. */
  readonly op: number | null;
  readonly req: Request;
  readonly resource: string;
  /** The node's own clocks when it sent the request (its decision was made at this instant). */
  readonly wallMs: number;
  readonly monoMs: number;
  /** cas only: the version it expects and the record it asks the store to write. */
  readonly expectedVersion: number | null;
  readonly proposed: LeaseRecord | null;
  /** How many copies the network will deliver (2 when it duplicates the request). */
  readonly copies: number;
  /**
   * A replica of the lease service calling for an agent: the agent, its request, and when it sent
   * that request (true ms since start, and its monotonic clock). Null for a node's own call.
   */
  readonly origin: CallOrigin | null;
}

/** Who a replica's store call is made for: the agent whose request the replica is serving. */
export interface CallOrigin {
  readonly node: string;
  /** The agent's request (`RequestStep.req`). */
  readonly req: number;
  /** Which delivery of it the replica serves (`ServeStep.serve`: a duplicate is served apart). */
  readonly serve: number;
  /** True ms since start, and the agent's monotonic clock, when the agent sent that request. */
  readonly atMs: number;
  readonly monoMs: number;
}

/** An agent sends a request to the lease service through the network (the service topology). */
export interface RequestStep extends At {
  readonly kind: 'request';
  readonly node: string;
  readonly inc: number;
  /** Unique within a run. */
  readonly req: number;
  /** The workload's operation in progress on this agent, if any. */
  readonly op: number | null;
  /** The API route (`acquire`, `renew`, `status`, ...). */
  readonly route: string;
  /** The replica the request is addressed to. */
  readonly replica: string;
  /** The agent's own clocks when it sent the request. */
  readonly wallMs: number;
  readonly monoMs: number;
  /** How many copies the network will deliver (2 when it duplicates the request). */
  readonly copies: number;
  /**
   * An acquire's token floor, as the request carried it (one above the highest token its sender
   * had seen): the service may refuse the request as superseded once the record is granted at or
   * above it and no longer keeps every grant from it on.
   */
  readonly tokenFloor?: number;
}

/** A replica starts serving one delivered copy of a request. */
export interface ServeStep extends At {
  readonly kind: 'serve';
  /** Unique within a run: one per delivered copy. */
  readonly serve: number;
  readonly req: number;
  readonly replica: string;
  /** 0 for the first delivery, 1 for a duplicate. */
  readonly copy: number;
}

/** Why an agent got no answer to a request. */
export type NoAnswerCause = 'timeout' | 'refused';

/** What reached the agent for one request: the answer's status, or why there was none. */
export interface ResponseStep extends At {
  readonly kind: 'response';
  readonly req: number;
  readonly node: string;
  readonly replica: string;
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;
  /** The delivery whose answer this is (`ServeStep.serve`), or null when no answer came. */
  readonly serve: number | null;
  readonly cause: NoAnswerCause | null;
  /** The agent's wall clock when the answer reached it. */
  readonly wallMs: number;
}

/** The store handles one delivered copy of a request. */
export interface ApplyStep extends At {
  readonly kind: 'apply';
  readonly call: number;
  readonly node: string;
  readonly req: Request;
  readonly resource: string;
  /** 0 for the first delivery, 1 for a duplicate the network delivered again. */
  readonly copy: number;
  readonly outcome: ApplyOutcome;
  /** The store's record and version just before and just after (read back from the store). */
  readonly before: LeaseRecord | null;
  readonly after: LeaseRecord | null;
  readonly versionBefore: number;
  readonly versionAfter: number;
}

/** What reached the client for one call (at most one reply per call). */
export interface ReplyStep extends At {
  readonly kind: 'reply';
  readonly call: number;
  readonly node: string;
  /** The workload's operation the call was made under. */
  readonly op: number | null;
  readonly req: Request;
  readonly resource: string;
  readonly result: 'ok' | 'conflict' | 'unavailable';
  readonly cause: UnavailableCause | null;
  /** The record a delivered read carried (null for writes and failures). */
  readonly record: LeaseRecord | null;
  /** The node's wall clock when the reply reached it (it decides at this instant). */
  readonly wallMs: number;
  /** A replica's call: the delivery of an agent's request it serves (`ServeStep.serve`). */
  readonly served: number | null;
}

/** A write reached the fenced resource guarded by the lease on `resource`. */
export interface FenceStep extends At {
  readonly kind: 'fence';
  readonly node: string;
  readonly resource: string;
  readonly token: number;
  readonly accepted: boolean;
}

/** The client answered a logical operation (what the implementation says happened). */
export interface OutcomeStep extends At {
  readonly kind: 'outcome';
  readonly op: Op;
  readonly result: string;
  /** The token of a granted or renewed lease, as the client reported it. */
  readonly token: number | null;
  /** The node's wall clock when the answer came back. */
  readonly wallMs: number;
  /** The workload is done with the op (false: it will retry the same intended operation). */
  readonly final: boolean;
  /** For an `invalid` answer, the field it named and its reason. */
  readonly invalid: { readonly field: string; readonly reason: string } | null;
  /**
   * What else the answer told the caller: its scalar fields (a grant's or renewal's lease fields
   * among them, the owner key left out), e.g. `holder` and `retryAfterMs` of a `held`.
   */
  readonly detail: AnswerDetail;
}

/** The scalar fields of an answer, by name. */
export type AnswerDetail = Readonly<Record<string, string | number | boolean | null>>;

export interface FaultStep extends At {
  readonly kind: 'fault';
  readonly fault: string;
  readonly node: string | null;
  readonly value: number | null;
}

/** One resource's record across a power loss and the recovery that followed it. */
export interface RecoveredRecord {
  readonly resource: string;
  /** The record just before the loss. */
  readonly before: LeaseRecord | null;
  /** What survived the loss (the last synced commit, or nothing). */
  readonly survived: LeaseRecord | null;
  /** The record after recovery (the survivor, then the quarantine the store wrote). */
  readonly after: LeaseRecord | null;
  readonly versionAfter: number;
}

/** The store's machine lost power: it forgot its unsynced commits and recovered. */
export interface PowerLossStep extends At {
  readonly kind: 'powerLoss';
  /** Commits the store forgot. */
  readonly lost: number;
  readonly records: readonly RecoveredRecord[];
}

export interface HealStep extends At {
  readonly kind: 'heal';
}

export interface ProbeStep extends At {
  readonly kind: 'probe';
  readonly node: string;
  readonly resource: string;
  readonly result: string;
  readonly waitedMs: number;
}

export interface ViolationStep extends At {
  readonly kind: 'violation';
  readonly invariant: string;
  readonly message: string;
}

/** Code under test (a client, store, fence or recovery) threw. */
export interface FailureStep extends At {
  readonly kind: 'failure';
  readonly message: string;
}

export type Step =
  | StartStep
  | CrashStep
  | BeginStep
  | RequestStep
  | ServeStep
  | ResponseStep
  | CallStep
  | ApplyStep
  | ReplyStep
  | FenceStep
  | OutcomeStep
  | FaultStep
  | PowerLossStep
  | HealStep
  | ProbeStep
  | ViolationStep
  | FailureStep;

export type StepKind = Step['kind'];

/** Receives every step of a run, in order. */
export type StepListener = (step: Step) => void;
