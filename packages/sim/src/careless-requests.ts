import type { ApiRequest } from '@leasehold/api';
import type { SimNode } from './node-process.js';
import { nodeStream } from './node-streams.js';
import type { Prng } from './prng.js';
import type { World } from './world.js';

/** Percent of an agent's turns, in a run whose service checks API keys, that overstep its key. */
const CARELESS_TURN_PCT = 8;

/**
 * In a run whose service checks API keys, now and then an agent oversteps its key: it claims a
 * lease in another agent's name with its own key, or calls an admin route (force-release,
 * release-holder, cleanup, the runtime settings) with a key bound to its holder only. The README's
 * promise is that a key acts only as its holder and only admin keys reach `/v1/admin/*`: every
 * such request that is answered must be answered 403 `forbidden` (the request path refuses it
 * before anything is read or written). Whether the turn was one.
 */
export async function carelessTurn(world: World, node: SimNode): Promise<boolean> {
  const network = world.serviceNetwork;
  if (network === null || network.keys === null) return false;
  const prng = nodeStream(world, node, 'careless');
  if (prng.int(100) >= CARELESS_TURN_PCT) return false;
  const others = world.processes.nodes.filter(
    (other) => other.role === 'node' && !other.probe && other.id !== node.id,
  );
  const resource = prng.pick(world.resources);
  const asOther = others.length > 0 && prng.chance(1, 2);
  const request: ApiRequest = asOther
    ? {
        route: 'acquire',
        body: { resource, holder: prng.pick(others).id, ttl_ms: prng.pick(world.settings.ttlMs) },
      }
    : adminRequest(prng, resource, node.id);
  const transport = network.transportFor(node, asOther ? 'own' : 'holderOnly');
  const reply = await transport.send(request, { timeoutMs: world.httpTimeoutMs });
  if (reply.kind !== 'reply' || world.stopped()) return true;
  world.mark(asOther ? 'actedAsAnotherRefused' : 'adminRouteRefused');
  const body = (reply.body ?? {}) as Record<string, unknown>;
  if (reply.status !== 403 || body.error !== 'forbidden') {
    const what = asOther
      ? `${node.id}'s key claimed ${JSON.stringify(resource)} as ${String((request.body as { holder: string }).holder)}`
      : `${node.id}'s key, bound to its holder only, called the admin route ${request.route}`;
    world.serviceContract(
      'api keys',
      `${what} and was answered ${reply.status} ${JSON.stringify(body).slice(0, 200)}, not 403 forbidden`,
    );
  }
  return true;
}

function adminRequest(prng: Prng, resource: string, agent: string): ApiRequest {
  switch (prng.int(4)) {
    case 0:
      return { route: 'forceRelease', body: { resource } };
    case 1:
      return { route: 'releaseHolder', body: { holder: agent } };
    case 2:
      return { route: 'cleanup', body: {} };
    default:
      return { route: 'putConfig', body: { max_renewals: prng.between(0, 3) } };
  }
}
