import type { SimNode } from './node-process.js';
import { Prng } from './prng.js';
import type { World } from './world.js';

const streams = new WeakMap<World, Map<string, Prng>>();

/**
 * `node`'s own stream `name` in this run, made at its first use: what is drawn from it moves no
 * other stream, so a workload step added beside the others leaves their draws as they were.
 */
export function nodeStream(world: World, node: SimNode, name: string): Prng {
  let byName = streams.get(world);
  if (byName === undefined) {
    byName = new Map();
    streams.set(world, byName);
  }
  const key = `${name}:${node.id}`;
  let prng = byName.get(key);
  if (prng === undefined) {
    prng = new Prng(world.seed, key);
    byName.set(key, prng);
  }
  return prng;
}
