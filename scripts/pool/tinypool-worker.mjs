// The sweep task of `npm run bench:pool` as a tinypool worker: one task per call, as tinypool is
// meant to be used. Plain JavaScript over the built packages, as both pools run in the benchmark.
import { findScenario, runTask } from '@leasehold/sim';

export default async function run(task) {
  const scenario = findScenario(task.scenario);
  if (scenario === undefined) throw new Error(`unknown scenario ${task.scenario}`);
  const result = await runTask(
    { index: task.index, scenario, seed: task.seed, determinism: task.determinism },
    task.overrides,
  );
  return { ...result, index: task.index };
}
