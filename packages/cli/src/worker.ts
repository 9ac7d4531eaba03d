/**
 * A sweep worker (one per --jobs): receives tasks over IPC, runs them, and sends each result back
 * with the wall time it took. Started by `runInWorkers` with tsx registered.
 */
import { findScenario, runTask, type RunOverrides, type TaskOptions } from '@leasehold/sim';
import { loadImplementation } from './load-implementation.js';
import { monoNowMs } from './system-clock.js';

export interface WorkerTask {
  readonly index: number;
  readonly scenario: string;
  readonly seed: string;
  readonly determinism: boolean;
}

export interface WorkerRequest {
  readonly tasks: readonly WorkerTask[];
  readonly overrides: RunOverrides;
  readonly implPath?: string;
}

process.once('message', (request: WorkerRequest) => {
  void (async () => {
    const implementation =
      request.implPath === undefined
        ? undefined
        : await loadImplementation(request.implPath, process.cwd());
    for (const task of request.tasks) {
      const scenario = findScenario(task.scenario);
      if (scenario === undefined) throw new Error(`worker: unknown scenario ${task.scenario}`);
      const options: TaskOptions = {
        ...request.overrides,
        ...(implementation === undefined ? {} : { implementation }),
      };
      const started = monoNowMs();
      const result = await runTask(
        { index: task.index, scenario, seed: task.seed, determinism: task.determinism },
        options,
      );
      const message = { ...result, index: task.index, wallMs: monoNowMs() - started };
      // Wait until each message is handed to the channel: disconnecting with messages still
      // queued would drop them.
      await new Promise<void>((resolve, reject) =>
        process.send?.(message, undefined, undefined, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    }
    process.disconnect?.();
  })();
});
