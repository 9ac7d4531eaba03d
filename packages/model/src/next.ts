import { acquireRead, acquireReply, acquireWrite } from './acquire-actions.js';
import { expire, forceReleases } from './admin-actions.js';
import {
  abandon,
  clockJumps,
  crash,
  fencedWriteArrive,
  fencedWriteSend,
  replyLost,
  tick,
  writeFail,
} from './environment-actions.js';
import type { ModelConfig } from './model-config.js';
import { releaseRead, releaseReply, releaseWrite } from './release-actions.js';
import { renewRead, renewReply, renewWrite } from './renew-actions.js';
import { cleanersOf, clockCount, decidersOf, type ModelState } from './state.js';
import type { Transition } from './transition.js';

/**
 * Next: every enabled action of spec/Lease.tla from `state`, in a fixed order (C-8). The spec
 * writes `Expire(d)` under `\E n \in Node : \E d \in Deciders(n)`; in the service every node has
 * the same deciders, so each `Expire(d)` is listed once, for each clock that can decide.
 */
export function successors(state: ModelState, config: ModelConfig): Transition[] {
  const out: Transition[] = [tick(state)];
  for (let node = 0; node < state.nodes.length; node++) {
    const deciders = decidersOf(state, node);
    for (const d of deciders) add(out, acquireRead(state, node, d, config));
    add(out, acquireWrite(state, node, config));
    add(out, acquireReply(state, node, config));
    for (const d of deciders) add(out, renewRead(state, node, d, config));
    add(out, renewWrite(state, node, config));
    add(out, renewReply(state, node, config));
    add(out, releaseRead(state, node, config));
    add(out, releaseWrite(state, node, config));
    add(out, releaseReply(state, node));
    add(out, writeFail(state, node, config));
    add(out, replyLost(state, node, config));
    add(out, fencedWriteSend(state, node));
    add(out, fencedWriteArrive(state, node, config));
    add(out, abandon(state, node));
    add(out, crash(state, node));
  }
  if (state.rec.status === 'held') {
    out.push(...forceReleases(state, config));
    for (const d of cleanersOf(state)) add(out, expire(state, d, config));
  }
  if (config.clockJumps)
    for (let clock = 0; clock < clockCount(state); clock++)
      out.push(...clockJumps(state, clock, config));
  return out;
}

function add(out: Transition[], t: Transition | null): void {
  if (t !== null) out.push(t);
}
