import type { ErrorReply, Failed, LeaseApi, StatusReply } from '@leasehold/api';
import { beliefEndsAtWallMs, type LeaseConfig } from '@leasehold/core';
import type { Static } from 'typebox';
import type { AgentLease, AgentLeaseState } from './agent-state.js';

/*
 * What the agent commands decide (`leasehold claim / heartbeat / release / gate`), as functions
 * over the typed API client, the agent's kept leases and its wall clock: the CLI prints what they
 * answer, and the simulator runs them, so the gate an agent's hook relies on is the one judged.
 */

/** What an agent command needs. */
export interface AgentHost {
  readonly agent: string;
  readonly api: LeaseApi;
  readonly state: AgentLeaseState;
  /** The agent's wall clock: separate commands of one agent share no other. */
  readonly wallMs: () => number;
  /** The belief margins (`safetyMarginMs`, `clockDriftPpmMax`, `maxClockSkewMs`). */
  readonly config: LeaseConfig;
  /** Longest one request may take, beyond the wait it asks for. */
  readonly requestMs: number;
  /** The service, as the kept leases name it (`backend`). */
  readonly description: string;
  /** A new request id for each claim (a copy of the request the network delivers twice is one). */
  readonly requestId: () => string;
}

type ErrorBody = Static<typeof ErrorReply>;

/** An answer no command expected. */
export type AgentFailure =
  /** 400: the service named the field. */
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string }
  /** Not answered (unreachable, timed out, an undeclared answer), 429 or 503: try again later. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  /** Any other refusal (401, 403, ...), as the service put it. */
  | { readonly kind: 'refused'; readonly status: number; readonly error: ErrorBody };

export type ClaimOutcome =
  | {
      readonly kind: 'claimed';
      readonly lease: AgentLease;
      readonly tookOverFrom: string | null;
    }
  /** This agent already holds it, with the lease it kept. */
  | { readonly kind: 'alreadyHeld'; readonly lease: AgentLease; readonly expiresAt: string }
  | {
      readonly kind: 'held';
      readonly holder: string;
      readonly token: number;
      readonly expiresAt: string;
      readonly retryAfterMs: number;
      /** Held under this agent's id, by a session that kept another lease (or none). */
      readonly mine: boolean;
      /** Held under the lease this agent kept, whose release it sent and never saw confirmed. */
      readonly releasePending: boolean;
    }
  /** Granted, but the proof could not be kept: the lease was given back. */
  | { readonly kind: 'notKept'; readonly error: Error }
  | AgentFailure;

export interface ClaimOptions {
  readonly ttlMs?: number;
  readonly waitMs?: number;
  /** The lease's own renewal limit, kept with it (`max_renewals`). */
  readonly maxRenewals?: number;
  /** The lease's own maximum age, at least its TTL (`max_age_ms`). */
  readonly maxAgeMs?: number;
  /** Take the lease over from its holder (an admin action: the holder is fenced). */
  readonly force?: boolean;
}

export async function claimLease(
  host: AgentHost,
  resource: string,
  options: ClaimOptions = {},
): Promise<ClaimOutcome> {
  // The lease's token as of now: the claim may be granted only above it, so a copy of the
  // request delivered long after (once the service forgot its request id) is refused, not
  // granted a second time (I-8).
  const status = await host.api.call('status', { params: { resource } }, host.requestMs);
  if (status.kind !== 'reply' || status.status !== 200) return agentFailure(status);
  const body = (tokenFloor: number) => ({
    resource,
    holder: host.agent,
    request_id: host.requestId(),
    token_floor: tokenFloor,
    ...(options.ttlMs === undefined ? {} : { ttl_ms: options.ttlMs }),
    ...(options.waitMs === undefined ? {} : { wait_ms: options.waitMs }),
    ...(options.maxRenewals === undefined ? {} : { max_renewals: options.maxRenewals }),
    ...(options.maxAgeMs === undefined ? {} : { max_age_ms: options.maxAgeMs }),
  });
  const timeoutMs = host.requestMs + (options.waitMs ?? 0);
  let sentAtMs = host.wallMs();
  let answer = await host.api.call('acquire', { body: body(status.body.token + 1) }, timeoutMs);
  let tookOverFrom: string | null = null;
  if (
    options.force === true &&
    answer.kind === 'reply' &&
    answer.status === 409 &&
    answer.body.holder !== host.agent
  ) {
    tookOverFrom = answer.body.holder;
    const forced = await host.api.call(
      'forceRelease',
      { body: { resource, expected_holder: tookOverFrom } },
      host.requestMs,
    );
    if (forced.kind !== 'reply' || (forced.status !== 200 && forced.status !== 409))
      return agentFailure(forced);
    const floor = forced.status === 200 ? forced.body.token + 1 : answer.body.token + 1;
    sentAtMs = host.wallMs();
    answer = await host.api.call('acquire', { body: body(floor) }, timeoutMs);
  }
  if (answer.kind !== 'reply') return agentFailure(answer);
  if (answer.status === 409) return heldOutcome(host, resource, answer.body);
  if (answer.status !== 201) return agentFailure(answer);
  const granted = answer.body;
  const lease: AgentLease = {
    lease_id: granted.lease_id,
    owner_key: granted.owner_key,
    token: granted.token,
    expires_at: granted.expires_at,
    ttl_ms: granted.ttl_ms,
    backend: host.description,
    // The grant is the first write: a heartbeat right after it has nothing to renew.
    heartbeat_at_ms: sentAtMs,
    belief_from_ms: sentAtMs,
  };
  const failed = host.state.put(resource, lease);
  if (failed !== null) {
    // Without its owner key the lease could never be renewed or released: give it back.
    await host.api.call(
      'release',
      { body: { lease_id: lease.lease_id, owner_key: lease.owner_key } },
      host.requestMs,
    );
    return { kind: 'notKept', error: failed };
  }
  return { kind: 'claimed', lease, tookOverFrom };
}

function heldOutcome(
  host: AgentHost,
  resource: string,
  held: { holder: string; token: number; expires_at: string; retry_after_ms: number },
): ClaimOutcome {
  const mine = held.holder === host.agent;
  const known = host.state.read(resource);
  const kept = mine && known !== undefined && known.token === held.token;
  // A kept lease with a release on its way is not held any more as far as this agent may act.
  if (kept && known.releasing !== true)
    return { kind: 'alreadyHeld', lease: known, expiresAt: held.expires_at };
  return {
    kind: 'held',
    holder: held.holder,
    token: held.token,
    expiresAt: held.expires_at,
    retryAfterMs: held.retry_after_ms,
    mine,
    releasePending: kept,
  };
}

export type HeartbeatOutcome =
  /** Inside the agent's own throttle: nothing was sent. */
  | { readonly kind: 'throttled'; readonly lease: AgentLease; readonly sinceMs: number }
  | {
      readonly kind: 'renewed';
      /** The service's throttle (`min_interval_ms`) skipped the write: the expiry did not move. */
      readonly skipped: boolean;
      readonly lease: AgentLease;
      /** The kept lease could not be updated (only the throttle's memory is lost). */
      readonly stateError: Error | null;
    }
  /** The lease ended (expired, released, taken over) or is not this agent's: forgotten. */
  | { readonly kind: 'lost'; readonly status: number; readonly error: ErrorBody }
  | { readonly kind: 'notHeld' }
  /** A release of it was sent and not confirmed (`AgentLease.releasing`): nothing was sent. */
  | { readonly kind: 'releasing'; readonly token: number }
  | AgentFailure;

export interface HeartbeatOptions {
  /** Skip when the last heartbeat was sent this recently (a throttle for hooks). */
  readonly minIntervalMs?: number;
  readonly ttlMs?: number;
}

export async function heartbeatLease(
  host: AgentHost,
  resource: string,
  options: HeartbeatOptions = {},
): Promise<HeartbeatOutcome> {
  const lease = host.state.read(resource);
  if (lease === undefined) return { kind: 'notHeld' };
  // A renewal cannot outrun a release already on its way: the lease may be free by the time the
  // renewal is answered.
  if (lease.releasing === true) return { kind: 'releasing', token: lease.token };
  const sentAtMs = host.wallMs();
  const sinceMs = sentAtMs - (lease.heartbeat_at_ms ?? 0);
  const minIntervalMs = options.minIntervalMs;
  if (minIntervalMs !== undefined && sinceMs < minIntervalMs)
    return { kind: 'throttled', lease, sinceMs };
  const answer = await host.api.call(
    'renew',
    {
      body: {
        lease_id: lease.lease_id,
        owner_key: lease.owner_key,
        ...(options.ttlMs === undefined ? {} : { ttl_ms: options.ttlMs }),
        ...(minIntervalMs === undefined ? {} : { min_interval_ms: minIntervalMs }),
      },
    },
    host.requestMs,
  );
  if (answer.kind === 'reply' && [403, 404, 410].includes(answer.status)) {
    host.state.forget(resource);
    return { kind: 'lost', status: answer.status, error: answer.body as ErrorBody };
  }
  if (answer.kind !== 'reply' || answer.status !== 200) return agentFailure(answer);
  const renewed = answer.body;
  const next: AgentLease = {
    ...lease,
    token: renewed.token,
    expires_at: renewed.expires_at,
    ttl_ms: renewed.ttl_ms,
    heartbeat_at_ms: sentAtMs,
    // A renewal the service skipped wrote nothing: the belief still counts from the last write.
    ...(renewed.skipped ? {} : { belief_from_ms: sentAtMs }),
  };
  const stateError = host.state.put(resource, next);
  return { kind: 'renewed', skipped: renewed.skipped, lease: next, stateError };
}

export type ReleaseLeaseOutcome =
  | {
      readonly kind: 'released';
      readonly token: number;
      /** It had already ended (the service's reason), so there was nothing to release. */
      readonly alreadyEnded: string | null;
    }
  /** An admin release of whoever held it (`expectedHolder`). */
  | { readonly kind: 'forceReleased'; readonly previousHolder: string; readonly token: number }
  | { readonly kind: 'notHeld' }
  /** The pending release could not be written down, so nothing was sent. */
  | { readonly kind: 'notKept'; readonly error: Error }
  | AgentFailure;

export async function releaseLease(
  host: AgentHost,
  resource: string,
  options: { readonly expectedHolder?: string } = {},
): Promise<ReleaseLeaseOutcome> {
  if (options.expectedHolder !== undefined) {
    const answer = await host.api.call(
      'forceRelease',
      { body: { resource, expected_holder: options.expectedHolder } },
      host.requestMs,
    );
    if (answer.kind !== 'reply' || answer.status !== 200) return agentFailure(answer);
    return {
      kind: 'forceReleased',
      previousHolder: answer.body.previous_holder,
      token: answer.body.token,
    };
  }
  const lease = host.state.read(resource);
  if (lease === undefined) return { kind: 'notHeld' };
  // Written down before it is sent: from the send on, the release may apply at any moment (a
  // request the network delays past its timeout still arrives), so the lease is not acted on
  // again whatever this command hears back, or if it never finishes.
  if (lease.releasing !== true) {
    const failed = host.state.put(resource, { ...lease, releasing: true });
    if (failed !== null) return { kind: 'notKept', error: failed };
  }
  const answer = await host.api.call(
    'release',
    { body: { lease_id: lease.lease_id, owner_key: lease.owner_key } },
    host.requestMs,
  );
  if (answer.kind === 'reply' && (answer.status === 200 || answer.status === 410)) {
    host.state.forget(resource);
    const ended = answer.status === 410 ? ((answer.body as ErrorBody).reason ?? 'ended') : null;
    return { kind: 'released', token: lease.token, alreadyEnded: ended };
  }
  return agentFailure(answer);
}

export type GateOutcome =
  /** A release of the kept lease was sent and not confirmed: it may apply at any moment. */
  | { readonly kind: 'releasing'; readonly token: number }
  /** This agent holds the lease: it may act as owner until `untilWallMs` on its wall clock. */
  | {
      readonly kind: 'holds';
      readonly token: number;
      readonly untilWallMs: number;
      /** On the service's clock, as it answered. */
      readonly expiresAt: string | null;
    }
  | { readonly kind: 'notHeld' }
  /** The service says the lease is not this agent's (any more), or its belief has run out. */
  | {
      readonly kind: 'notHolder';
      readonly status: Static<typeof StatusReply>;
      /** The service still has it held by this agent, but the agent's belief ran out. */
      readonly beliefEnded: boolean;
    }
  | AgentFailure;

/**
 * The gate before acting as owner (a hook before an edit): yes only while the service has the
 * lease held by this agent under the token it kept, and the agent's belief has not run out on its
 * own wall clock, counted from the send of the request that granted or last renewed it
 * (`beliefEndsAtWallMs`), and no release of it is pending. The answer holds until `untilWallMs`,
 * no longer.
 */
export async function gateLease(host: AgentHost, resource: string): Promise<GateOutcome> {
  const lease = host.state.read(resource);
  if (lease === undefined) return { kind: 'notHeld' };
  if (lease.releasing === true) return { kind: 'releasing', token: lease.token };
  const untilWallMs = beliefEndsAtWallMs(lease.belief_from_ms ?? 0, lease.ttl_ms, host.config);
  const answer = await host.api.call('status', { params: { resource } }, host.requestMs);
  if (answer.kind !== 'reply' || answer.status !== 200) return agentFailure(answer);
  const status = answer.body;
  const theirs =
    status.status !== 'held' || status.holder !== host.agent || status.token !== lease.token;
  const beliefEnded = host.wallMs() >= untilWallMs;
  if (theirs || beliefEnded) return { kind: 'notHolder', status, beliefEnded: !theirs };
  return { kind: 'holds', token: lease.token, untilWallMs, expiresAt: status.expires_at };
}

/** An answer no command expected, as what the caller can do about it. */
export function agentFailure(
  answer: Failed | { readonly kind: 'reply'; readonly status: number; readonly body: unknown },
): AgentFailure {
  if (answer.kind === 'failed') return { kind: 'unavailable', reason: answer.reason };
  const body = answer.body as ErrorBody;
  if (answer.status === 400)
    return { kind: 'invalid', field: body.field ?? 'request', message: body.message };
  if (answer.status === 429 || answer.status === 503)
    return { kind: 'unavailable', reason: body.message };
  return { kind: 'refused', status: answer.status, error: body };
}
