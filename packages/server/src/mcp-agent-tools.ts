import { WAIT_MS_MAX } from '@leasehold/api';
import {
  agentFailure,
  claimLeases,
  gateLease,
  heartbeatLease,
  releaseLease,
  type AgentLease,
  type ClaimOutcome,
  type ReleaseLeaseOutcome,
  type Taken,
} from '@leasehold/client';
import { formatDuration } from '@leasehold/core';
import { compareResources } from '@leasehold/store';
import {
  done,
  durationArgument,
  failureAnswer,
  failureText,
  refused,
  statusText,
  timeLeft,
  type Status,
  type ToolAnswer,
} from './mcp-answer.js';
import type { McpAgentHost } from './mcp-kept-leases.js';

/*
 * The tools an agent calls on its own leases: claim, renew, release, gate. Each runs the agent
 * decisions of `@leasehold/client` (the ones the agent CLI runs and the simulator judges) over the
 * leases this server keeps for the agent.
 */

export interface ClaimInput {
  readonly resources: readonly string[];
  readonly ttl?: string | undefined;
  readonly wait?: string | undefined;
  readonly max_renewals?: number | undefined;
  readonly max_age?: string | undefined;
}

/**
 * Claims every resource or none, as `acquireAll` does: deduplicated and taken in one canonical
 * order (`compareResources`), so two agents that want overlapping sets never each hold what the
 * other waits for; on the first refusal, what this call took is released again, newest first. A
 * lease the agent held before the call stays held.
 */
export async function claimTool(host: McpAgentHost, input: ClaimInput): Promise<ToolAnswer> {
  const ttl = durationArgument('ttl', input.ttl);
  if (ttl.kind === 'invalid') return ttl.answer;
  const wait = durationArgument('wait', input.wait);
  if (wait.kind === 'invalid') return wait.answer;
  if (wait.ms !== undefined && wait.ms > WAIT_MS_MAX) {
    return refused(`wait must be at most ${formatDuration(WAIT_MS_MAX)}`, {
      problem: 'invalid',
      field: 'wait',
    });
  }
  // The agents' all-or-nothing claim, as `leasehold claim a b c` runs it.
  const maxAge = durationArgument('max_age', input.max_age);
  if (maxAge.kind === 'invalid') return maxAge.answer;
  const all = await claimLeases(host, input.resources, {
    ...(ttl.ms === undefined ? {} : { ttlMs: ttl.ms }),
    ...(wait.ms === undefined ? {} : { waitMs: wait.ms }),
    ...(input.max_renewals === undefined ? {} : { maxRenewals: input.max_renewals }),
    ...(maxAge.ms === undefined ? {} : { maxAgeMs: maxAge.ms }),
  });
  switch (all.kind) {
    case 'claimedAll':
      return claimed(host, all.taken);
    case 'refused':
      return claimRefused(
        host,
        all.resource,
        all.outcome,
        new Set(input.resources).size,
        givenBackProblems(all.givenBack),
      );
    case 'invalid':
      return refused(`resources ${all.reason}`, { problem: 'invalid', field: 'resources' });
  }
}

/** The lines of what a refused claim took and could not give back. */
function givenBackProblems(
  givenBack: readonly { readonly resource: string; readonly outcome: ReleaseLeaseOutcome }[],
): string[] {
  const problems: string[] = [];
  for (const { resource, outcome: released } of givenBack) {
    let why: string;
    switch (released.kind) {
      case 'released':
        continue;
      case 'notHeld':
      case 'forceReleased':
        why = 'its lease was not kept';
        break;
      case 'notKept':
        why = released.error.message;
        break;
      default:
        why = failureText(released, `release of ${resource}`);
    }
    problems.push(`${resource} could not be given back (${why}): it stays held until it expires`);
  }
  return problems;
}

function claimed(
  host: McpAgentHost,
  taken: readonly { resource: string; outcome: Taken }[],
): ToolAnswer {
  const leases = taken.map(({ resource, outcome }) => {
    const lease: AgentLease = outcome.lease;
    const expiresAt = outcome.kind === 'claimed' ? lease.expires_at : outcome.expiresAt;
    return {
      resource,
      token: lease.token,
      expires_at: expiresAt,
      ttl_ms: lease.ttl_ms,
      already_held: outcome.kind === 'alreadyHeld',
      taken_over_from: outcome.kind === 'claimed' ? outcome.tookOverFrom : null,
    };
  });
  const lines = leases.map(
    (l) =>
      `- ${l.resource}: token ${l.token}, expires ${l.expires_at} (ttl ${formatDuration(l.ttl_ms)})${l.already_held ? ', already held by this agent' : ''}`,
  );
  const them = leases.length === 1 ? 'it' : 'them';
  const text = [
    `claimed ${leases.length === 1 ? leases[0]!.resource : `all ${leases.length} resources`} as ${host.agent}:`,
    ...lines,
    `while you work, renew ${them} (renew) before ${them === 'it' ? 'it expires' : 'they expire'}; release ${them} (release) when done`,
  ].join('\n');
  return done(text, { agent: host.agent, claimed: true, leases });
}

function claimRefused(
  host: McpAgentHost,
  resource: string,
  outcome: Exclude<ClaimOutcome, Taken>,
  count: number,
  givenBack: readonly string[],
): ToolAnswer {
  const none = count === 1 ? '' : ` (none of the ${count} resources was claimed)`;
  const after = givenBack.length === 0 ? '' : `\n${givenBack.join('\n')}`;
  const data = { agent: host.agent, claimed: false, resource };
  switch (outcome.kind) {
    case 'held': {
      if (outcome.releasePending)
        return refused(`${releasePendingText(host, resource, outcome.token)}${none}${after}`, {
          ...data,
          releasing: true,
          token: outcome.token,
        });
      const who = outcome.mine
        ? `${outcome.holder} (this agent's id, under a lease this server did not take: another session of this agent?)`
        : outcome.holder;
      const text = `${resource} is held by ${who} (token ${outcome.token}) for another ${timeLeft(outcome.retryAfterMs)}; wait (claim again with wait, up to ${formatDuration(WAIT_MS_MAX)}), or work on something else${none}${after}`;
      return refused(text, {
        ...data,
        holder: outcome.holder,
        token: outcome.token,
        expires_at: outcome.expiresAt,
        retry_after_ms: outcome.retryAfterMs,
      });
    }
    case 'notKept':
      return refused(
        `${resource} was granted, but its owner key could not be kept (${outcome.error.message}), so it was given back: release leases you no longer need, then claim again${none}${after}`,
        { ...data, problem: 'notKept' },
      );
    default: {
      const answer = failureAnswer(outcome, `claim of ${resource}${none}`);
      return { ...answer, content: [{ type: 'text', text: `${textOf(answer)}${after}` }] };
    }
  }
}

function textOf(answer: ToolAnswer): string {
  const first = answer.content[0];
  return first?.type === 'text' ? first.text : '';
}

function releasePendingText(host: McpAgentHost, resource: string, token: number): string {
  return `${host.agent} sent a release of ${resource} (token ${token}) that was not confirmed and may still apply: call release for it again, then claim it if you need it`;
}

function notHeldText(host: McpAgentHost, resource: string): string {
  return `${host.agent} holds no lease on ${resource} that this server took; claim it first`;
}

/** Renews the named leases, or every lease kept for the agent; each on its own. */
export async function renewTool(
  host: McpAgentHost,
  input: { readonly resources?: readonly string[] | undefined; readonly ttl?: string | undefined },
): Promise<ToolAnswer> {
  const ttl = durationArgument('ttl', input.ttl);
  if (ttl.kind === 'invalid') return ttl.answer;
  const resources = [...new Set(input.resources ?? host.state.resources())].sort(compareResources);
  if (resources.length === 0)
    return refused(`${host.agent} holds no leases that this server took; claim first`, {
      agent: host.agent,
      renewed: [],
      problems: [],
    });
  const renewed: { resource: string; token: number; expires_at: string }[] = [];
  const problems: { resource: string; problem: string; text: string }[] = [];
  for (const resource of resources) {
    const beat = await heartbeatLease(
      host,
      resource,
      ttl.ms === undefined ? {} : { ttlMs: ttl.ms },
    );
    switch (beat.kind) {
      case 'renewed':
      case 'throttled':
        renewed.push({ resource, token: beat.lease.token, expires_at: beat.lease.expires_at });
        break;
      case 'notHeld':
        problems.push({ resource, problem: 'notHeld', text: notHeldText(host, resource) });
        break;
      case 'releasing':
        problems.push({
          resource,
          problem: 'releasing',
          text: releasePendingText(host, resource, beat.token),
        });
        break;
      case 'lost':
        problems.push({
          resource,
          problem: 'lost',
          text: `${resource} is lost (${beat.error.message}): another agent may hold it now; stop working on it, and claim it again if you still need it`,
        });
        break;
      default:
        problems.push({
          resource,
          problem: beat.kind,
          text: failureText(beat, `renewal of ${resource}`),
        });
    }
  }
  const lines = [
    ...renewed.map((r) => `renewed ${r.resource}: token ${r.token}, expires ${r.expires_at}`),
    ...problems.map((p) => p.text),
  ];
  const data = { agent: host.agent, renewed, problems };
  return problems.length === 0 ? done(lines.join('\n'), data) : refused(lines.join('\n'), data);
}

/** Releases the named leases, each on its own. */
export async function releaseTool(
  host: McpAgentHost,
  input: { readonly resources: readonly string[] },
): Promise<ToolAnswer> {
  const released: { resource: string; token: number }[] = [];
  const notHeld: string[] = [];
  const problems: { resource: string; text: string }[] = [];
  for (const resource of [...new Set(input.resources)].sort(compareResources)) {
    const outcome = await releaseLease(host, resource);
    if (outcome.kind === 'released') released.push({ resource, token: outcome.token });
    else if (outcome.kind === 'notHeld') notHeld.push(resource);
    else if (outcome.kind === 'notKept')
      problems.push({
        resource,
        text: `${resource}: the release could not be written down (${outcome.error.message}), so none was sent; call release again`,
      });
    else if (outcome.kind === 'forceReleased')
      problems.push({ resource, text: `${resource} was released as an admin` });
    else problems.push({ resource, text: failureText(outcome, `release of ${resource}`) });
  }
  const lines = [
    ...released.map((r) => `released ${r.resource} (token ${r.token}); other agents may claim it`),
    ...notHeld.map(
      (r) => `${notHeldText(host, r).replace(/; claim it first$/, '')}: nothing to release`,
    ),
    ...problems.map((p) => p.text),
  ];
  const data = {
    agent: host.agent,
    released,
    not_held: notHeld,
    problems: problems.map((p) => ({ resource: p.resource, text: p.text })),
  };
  return problems.length === 0 ? done(lines.join('\n'), data) : refused(lines.join('\n'), data);
}

/** Who holds `resource` and until when, and whether this agent does (and may act on it). */
export async function gateTool(
  host: McpAgentHost,
  resource: string,
  requestMs: number,
): Promise<ToolAnswer> {
  const gated = await gateLease(host, resource);
  switch (gated.kind) {
    case 'holds': {
      const leftMs = gated.untilWallMs - host.wallMs();
      return done(
        `${host.agent} holds ${resource} (token ${gated.token}) until ${gated.expiresAt ?? '?'}; it may act on it for another ${timeLeft(leftMs)}: renew before then`,
        {
          resource,
          agent: host.agent,
          holds: true,
          token: gated.token,
          expires_at: gated.expiresAt,
          act_for_ms: Math.max(0, leftMs),
        },
      );
    }
    case 'releasing':
      return done(releasePendingText(host, resource, gated.token), {
        resource,
        agent: host.agent,
        holds: false,
        releasing: true,
        token: gated.token,
      });
    case 'notHolder': {
      const status = gated.status;
      const text = gated.beliefEnded
        ? `${resource} is held by ${host.agent}, but it was not renewed in time for this agent to be sure of it: renew it now, or claim it again`
        : notHoldingText(host, status);
      return done(text, { agent: host.agent, holds: false, ...status });
    }
    case 'notHeld': {
      const answer = await host.api.call('status', { params: { resource } }, requestMs);
      if (answer.kind !== 'reply' || answer.status !== 200)
        return failureAnswer(agentFailure(answer), `gate of ${resource}`);
      return done(notHoldingText(host, answer.body), {
        agent: host.agent,
        holds: false,
        ...answer.body,
      });
    }
    default:
      return failureAnswer(gated, `gate of ${resource}`);
  }
}

/** What the service says of a lease this agent does not hold through this server. */
function notHoldingText(host: McpAgentHost, status: Status): string {
  if (status.status === 'held' && status.holder === host.agent) {
    return `${status.resource} is held under ${host.agent}'s id (token ${status.token}, until ${status.expires_at ?? '?'}), by a lease this server did not take (another session of this agent?): this server cannot renew or release it`;
  }
  return `${statusText(status)}; ${host.agent} does not hold it`;
}
