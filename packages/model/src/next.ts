import { acquireRead, acquireReply, acquireWrite } from './acquire-actions.js';
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
import type { ModelState } from './state.js';
import type { Transition } from './transition.js';

/** Next: every enabled action of spec/Lease.tla from `state`, in a fixed order (C-8). */
export function successors(state: ModelState, config: ModelConfig): Transition[] {
  const out: Transition[] = [tick(state)];
  for (let node = 0; node < state.nodes.length; node++) {
    const candidates = [
      acquireRead(state, node, config),
      acquireWrite(state, node, config),
      acquireReply(state, node, config),
      renewRead(state, node, config),
      renewWrite(state, node, config),
      renewReply(state, node, config),
      releaseRead(state, node, config),
      releaseWrite(state, node, config),
      releaseReply(state, node),
      writeFail(state, node, config),
      replyLost(state, node, config),
      fencedWriteSend(state, node),
      fencedWriteArrive(state, node, config),
      abandon(state, node),
      crash(state, node),
    ];
    for (const t of candidates) if (t !== null) out.push(t);
    if (config.clockJumps) out.push(...clockJumps(state, node, config));
  }
  return out;
}
