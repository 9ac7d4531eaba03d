/**
 * npm run bench:core — pure decisions per second for an acquire -> renew -> release cycle on one
 * core (target: at least 2,000,000 decisions/s). Prints every run and the median of RUNS runs.
 *
 *   npm run bench:core [-- --cycles N] [--runs N]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_CONFIG,
  decideAcquire,
  decideRelease,
  decideRenew,
  type LeaseRecord,
} from '@leasehold/core';
import { median, scriptFlags } from './bench-args';

const { cycles: CYCLES, runs: RUNS } = scriptFlags(
  'bench:core',
  'pure decisions per second for an acquire -> renew -> release cycle on one core',
  {
    cycles: { int: 500_000, help: 'acquire -> renew -> release cycles per run' },
    runs: { int: 5, help: 'runs; the median is reported' },
  },
);
const DECISIONS_PER_CYCLE = 3;

function run(cycles: number): { decisionsPerSec: number; tokenLast: number } {
  let record: LeaseRecord | null = null;
  let nowMs = 1_700_000_000_000;
  const started = performance.now();
  for (let i = 0; i < cycles; i++) {
    const acquire = decideAcquire(
      record,
      {
        resource: 'bench/resource',
        holder: 'node-1',
        requestId: `a${i}`,
        ownerKey: 'k',
        ttlMs: 30_000,
      },
      nowMs,
      DEFAULT_CONFIG,
    );
    if (acquire.write === null || acquire.write.record.status !== 'held')
      throw new Error('acquire refused');
    const held = acquire.write.record;
    nowMs += 1;
    // Requests are object literals, as LeaseClient builds them (spreads make slow-mode objects).
    const renew = decideRenew(
      held,
      {
        resource: held.resource,
        holder: held.holder,
        token: held.token,
        ownerKey: held.ownerKey,
        requestId: `r${i}`,
        ttlMs: 30_000,
      },
      nowMs,
      DEFAULT_CONFIG,
    );
    if (renew.write === null) throw new Error('renew refused');
    nowMs += 1;
    const release = decideRelease(
      renew.write.record,
      {
        resource: held.resource,
        holder: held.holder,
        token: held.token,
        ownerKey: held.ownerKey,
        requestId: `x${i}`,
      },
      nowMs,
    );
    if (release.write === null) throw new Error('release refused');
    record = release.write.record;
  }
  const seconds = (performance.now() - started) / 1_000;
  return {
    decisionsPerSec: (cycles * DECISIONS_PER_CYCLE) / seconds,
    tokenLast: record?.token ?? 0,
  };
}

run(Math.min(CYCLES, 50_000)); // warm-up: let the JIT settle before measuring
const rates: number[] = [];
for (let r = 1; r <= RUNS; r++) {
  const { decisionsPerSec, tokenLast } = run(CYCLES);
  if (tokenLast !== CYCLES) throw new Error(`expected token ${CYCLES}, got ${tokenLast}`);
  rates.push(decisionsPerSec);
  console.log(
    `run ${r}/${RUNS}: ${Math.round(decisionsPerSec).toLocaleString('en-US')} decisions/s`,
  );
}
const middle = median(rates);
console.log(
  `median of ${RUNS}: ${Math.round(middle).toLocaleString('en-US')} decisions/s ` +
    `(${CYCLES.toLocaleString('en-US')} acquire->renew->release cycles per run; ` +
    `${os.cpus().length} cores, Node ${process.version}) target >= 2,000,000: ${middle >= 2_000_000 ? 'met' : 'NOT met'}`,
);
