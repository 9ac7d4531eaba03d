// Runs a bundled CommonJS file with V8's code cache, kept beside it (Node 20 has no compile cache
// of its own). A run compiles what the cache lacks and, as the process exits, writes what V8 has
// compiled (the functions the command called, not only the top level, and those the cache held):
// the first run of each command (`run`: the name written beside the cache) adds its functions, and
// later runs skip that work. V8 checks the cache against the source and its own version and flags,
// and a cache it rejects is compiled from the source and written again; a directory that is not
// writable (a system-wide install) only means no cache. Written to temporary names and renamed,
// so two processes never read half a file.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** Replaces `file` with `data` (a temporary file, renamed). */
function replace(file, data) {
  const temporary = `${file}.${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

function readOr(file, encoding, fallback) {
  try {
    return readFileSync(file, encoding);
  } catch {
    return fallback;
  }
}

/**
 * The exports of the CommonJS file at `filename`, run through the code cache beside it; `run`
 * names what this process runs (a command), so a cache made by other commands grows by its code.
 */
function loadCached(filename, run) {
  const cacheFile = `${filename}.cache`;
  const runsFile = `${filename}.cache-runs`;
  const cachedData = readOr(cacheFile, undefined, undefined);
  const script = new Script(Module.wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  const runs = fresh
    ? []
    : readOr(runsFile, 'utf8', '')
        .split('\n')
        .filter((r) => r !== '');
  if (fresh || !runs.includes(run)) {
    process.once('exit', () => {
      try {
        replace(cacheFile, script.createCachedData());
        replace(runsFile, [...runs, run].join('\n'));
      } catch {
        // Not writable: the next run compiles again.
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    createRequire(filename),
    module,
    filename,
    dirname(filename),
  );
  return module.exports;
}

module.exports = { loadCached };
