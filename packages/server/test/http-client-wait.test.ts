import type { ApiRequest, Transport } from '@leasehold/api';
import { HttpLeaseClient, ManualClock } from '@leasehold/client';
import { resolveConfig } from '@leasehold/core';
import { handleRequest } from '@leasehold/server';
import { describe, expect, it } from 'vitest';
import { openTestService } from './test-service';

// A blocking acquire over HTTP: how long the client waits for each round's answer. The service
// waits on its own clock; the client must not give up on a round before a service whose clock
// runs slow (within the drift bound) answers it.

describe('HttpLeaseClient, a blocking acquire', () => {
  it('waits for each round past wait_ms by what clocks within the drift bound may add', async () => {
    const clock = new ManualClock(1_767_225_600_000, 0);
    const service = await openTestService(clock);
    const rounds: { waitMs: number; timeoutMs: number }[] = [];
    // Each waiting request is answered as the service answers it at the end of its wait: the
    // clock moves on by the wait, and the request is decided then.
    const transport: Transport = {
      async send(request: ApiRequest, options) {
        const body = { ...(request.body as Record<string, unknown>) };
        if (typeof body.wait_ms === 'number') {
          rounds.push({ waitMs: body.wait_ms, timeoutMs: options.timeoutMs });
          clock.advance(body.wait_ms);
          delete body.wait_ms;
        }
        const answer = await handleRequest(service, { ...request, body } as ApiRequest, null);
        return {
          kind: 'reply',
          status: answer.status,
          body: JSON.parse(JSON.stringify(answer.body)) as unknown,
        };
      },
    };
    const resolved = resolveConfig({ clockDriftPpmMax: 100_000 });
    if (resolved.kind !== 'ok') throw new Error(resolved.reason);
    const client = (holder: string) =>
      new HttpLeaseClient({
        transport,
        clock,
        holder,
        config: resolved.config,
        requestMsMax: 5_000,
      });
    const got = await client('a').acquire('job', { ttlMs: 60_000 });
    expect(got.kind).toBe('granted');
    const waited = await client('b').acquire('job', { ttlMs: 60_000, waitMs: 1_000 });
    expect(waited).toMatchObject({ kind: 'held', holder: 'a' });
    expect(rounds).toEqual([{ waitMs: 1_000, timeoutMs: 5_000 + 1_000 + 223 }]);
  });
});
