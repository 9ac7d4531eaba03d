import { describe, expect, it } from 'vitest';
import { Prng } from '../src/prng';
import { Scheduler } from '../src/scheduler';

/** A flow's await on the world: resolved by an event the scheduler fires at `atMs`. */
function awaitAt(
  scheduler: Scheduler,
  atMs: number,
  log: string[],
  name: string,
  drain = false,
): Promise<void> {
  scheduler.yielded();
  return new Promise((resolve) => {
    scheduler.at(atMs, () =>
      scheduler.wake(() => {
        log.push(`wake ${name}`);
        resolve();
      }, drain),
    );
  });
}

async function runAll(scheduler: Scheduler): Promise<number> {
  let fired = 0;
  for (let ran = scheduler.runOne(); ran !== false; ran = scheduler.runOne()) {
    await ran;
    fired += 1;
  }
  return fired;
}

describe('Scheduler', () => {
  it('fires a node one piece at a time: the next event waits until the woken flow awaits again', async () => {
    const scheduler = new Scheduler(new Prng('1', 'scheduler'));
    const log: string[] = [];
    const t0 = scheduler.nowMs;
    void (async () => {
      await awaitAt(scheduler, t0 + 10, log, 'a');
      for (let i = 0; i < 5; i++) await Promise.resolve();
      log.push('a worked');
      await awaitAt(scheduler, t0 + 20, log, 'a');
      log.push('a done');
      scheduler.yielded();
    })();
    scheduler.at(t0 + 10, () => {
      log.push('other event');
    });
    await runAll(scheduler);
    // Whichever of the two events at 10 ms fired first, nothing ran between a's wake and its work.
    expect(log[log.indexOf('wake a') + 1]).toBe('a worked');
    expect(log.slice(-2)).toEqual(['wake a', 'a done']);
    expect(log).toContain('other event');
  });

  it('while a node runs several flows, a wake waits for all of them, also for one nobody awaits any more', async () => {
    const scheduler = new Scheduler(new Prng('2', 'scheduler'));
    const log: string[] = [];
    const t0 = scheduler.nowMs;
    // A renewal that lost its race: its continuation settles a promise nobody awaits, and never
    // calls yielded. Without the drain the scheduler would wait for it forever.
    const orphan = awaitAt(scheduler, t0 + 5, log, 'orphan', true).then(async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
      log.push('orphan finished');
    });
    void Promise.race([orphan, Promise.resolve()]);
    void (async () => {
      await awaitAt(scheduler, t0 + 10, log, 'work', true);
      log.push('work done');
      scheduler.yielded();
    })();
    scheduler.at(t0 + 7, () => {
      log.push('event at 7');
    });
    await runAll(scheduler);
    expect(log).toEqual(['wake orphan', 'orphan finished', 'event at 7', 'wake work', 'work done']);
  });

  it('a flow started beside the woken one during its wake makes that wake wait for both', async () => {
    const scheduler = new Scheduler(new Prng('4', 'scheduler'));
    const log: string[] = [];
    const t0 = scheduler.nowMs;
    void (async () => {
      await awaitAt(scheduler, t0 + 10, log, 'work');
      // A keep-alive starts beside the work: it awaits the world first, then the work goes on.
      scheduler.drainThisWake();
      void awaitAt(scheduler, t0 + 50, log, 'keep-alive', true);
      for (let i = 0; i < 10; i++) await Promise.resolve();
      log.push('work went on');
      await awaitAt(scheduler, t0 + 30, log, 'work', true);
    })();
    scheduler.at(t0 + 10, () => {
      log.push('other event at 10');
    });
    await runAll(scheduler);
    expect(log[log.indexOf('wake work') + 1]).toBe('work went on');
  });

  it('drops a cancelled event without counting it as a step', async () => {
    const scheduler = new Scheduler(new Prng('3', 'scheduler'));
    const log: string[] = [];
    const t0 = scheduler.nowMs;
    const withdrawn = scheduler.at(t0 + 5, () => {
      log.push('withdrawn fired');
    });
    scheduler.at(t0 + 6, () => {
      log.push('kept');
    });
    scheduler.cancel(withdrawn);
    expect(await runAll(scheduler)).toBe(1);
    expect(scheduler.step).toBe(1);
    expect(log).toEqual(['kept']);
  });
});
