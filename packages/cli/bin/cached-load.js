// Runs a bundled CommonJS file with V8's code cache, kept beside it (Node 20 has no compile cache
// of its own). The first run compiles as usual and, as the process exits, writes what V8 compiled
// while the command ran (the functions it called, not only the top level); later runs skip that
// work. V8 checks the cache against the source and its own version and flags, and a cache it
// rejects is compiled from the source and written again; a directory that is not writable (a
// system-wide install) only means no cache. Written to a temporary name and renamed, so two
// processes never read half a file.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** The exports of the CommonJS file at `filename`, run through the code cache beside it. */
function loadCached(filename) {
  const cacheFile = `${filename}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once('exit', () => {
      try {
        const temporary = `${cacheFile}.${process.pid}`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
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
