/**
 * npm run mutation:survivors — the last `npm run mutation` run (reports/mutation/mutation.json),
 * summarised: the score per file and every mutant the DST sweep did not kill (survived, or no
 * test reached it), one line each, as the Markdown MUTATION.md lists them.
 *
 *   npm run mutation:survivors [-- --report reports/mutation/mutation.json]
 */
import { readFileSync } from 'node:fs';
import { scriptFlags } from './bench-args';

interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number } };
}

interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: Mutant[] }>;
}

/**
 * Files in the mutated directories that no lease operation runs, by design, with why. They are
 * scored with everything else (the first figure) and listed as one group each, not mutant by
 * mutant; the second figure leaves them out.
 */
export const OFF_THE_SWEEP_PATH: Readonly<Record<string, string>> = {
  'packages/store/src/conformance.ts':
    'describeLeaseStore, the test suite a store adapter runs in its own tests: test code, not a store',
  'packages/client/src/manual-clock.ts':
    'the clock users drive in their own unit tests; the simulator brings its own clocks',
  'packages/client/src/system-clock.ts':
    'the production clock (Date.now, performance.now, timers); the simulator injects its clocks',
  'packages/core/src/duration.ts':
    'parses and prints durations like "30s" for the CLI and configuration text; no lease decision reads it',
};

/**
 * Why a mutant the sweep did not detect is not detected, by rule, first match wins. `equivalent`
 * reasons say why no run can tell the mutant apart; `gap` reasons name what the sweep does not
 * yet drive (issue 10 stays open on them); anything no rule covers is an unanalysed gap.
 */
interface Rule {
  readonly kind: 'equivalent' | 'gap';
  readonly why: string;
  readonly file?: RegExp;
  readonly code?: RegExp;
  readonly mutator?: RegExp;
  readonly status?: string;
}

const RULES: readonly Rule[] = [
  {
    kind: 'equivalent',
    why: 'wording of an assertion message (the sweep judges what happens, not the text of a guard)',
    code: /\bassert\(/,
    mutator: /StringLiteral/,
  },
  {
    kind: 'equivalent',
    why: 'a guard that holds on every input the real client sends: weakening it changes nothing a correct caller can observe (defence in depth)',
    code: /\bassert\(/,
  },
  {
    kind: 'equivalent',
    why: "a guard on the decision's inputs or a store write that holds on every input the real client sends (defence in depth)",
    file: /(core\/src\/request-checks|store\/src\/write-checks)\.ts$/,
    code: /\bfail\(|^\): void \{$|^\s+(Number\.isSafeInteger\((expectedVersion|record\.token)\)|record\.resource === resource,|event\.resource === resource,|record\.token >= current\.token,)|if \(current !== null\) \{|if \(record === null\) return;/,
  },
  {
    kind: 'equivalent',
    why: "the decision's own check of a request the client checked already: every request is checked before any store call, so a decision is never handed an invalid one",
    code: /if \(problem\) return \{ result: problem, write: null \};/,
  },
  {
    kind: 'equivalent',
    why: 'the `replayed` flag of a grant or a renewal, which the client does not pass on to its caller (its answer carries the lease)',
    file: /core\/src\/(acquire|renew)\.ts$/,
    code: /replayed: (true|false)/,
    mutator: /BooleanLiteral/,
  },
  {
    kind: 'equivalent',
    why: 'the fast path of a name check (a name of at most a third of the byte limit in UTF-16 units is short enough): without it the exact count gives the same answer',
    file: /core\/src\/validate\.ts$/,
    code: /value\.length \* 3 <= bytesMax/,
  },
  {
    kind: 'gap',
    why: 'a request field the workload never sends bad (owner key, token, holder, evicting admin, expected holder, uncertain token; only names, TTLs and request ids are drawn careless), or which field a refusal of one names',
    file: /core\/src\/request-checks\.ts$/,
    code: /checkName\('ownerKey'|checkToken\('(token|uncertainToken)'|checkHolder\(|request\.uncertainToken|request\.expectedHolder === null|checkResource\(request\.resource\) \?\?|checkName\('requestId'/,
  },
  {
    kind: 'gap',
    why: 'a renew or release of a resource without a record: the workload renews and releases only leases it was granted, so the record exists',
    file: /core\/src\/(renew|release)\.ts$/,
    code: /if \(record === null\) return \{ result: \{ kind: 'notHolder'/,
  },
  {
    kind: 'gap',
    why: 'the replay of an acquire whose outcome was unknown, against a record that has moved on since (a later grant, recent grants trimmed, a forgotten write): the fixed mutation seeds rarely produce it',
    file: /core\/src\/acquire\.ts$/,
    code: /earlier|uncertainToken|oldestKept|forgotten|RECORD_GRANT_IDS_MAX|endedGrantReason|return 'superseded'|record\.token === token \|\|/,
  },
  {
    kind: 'gap',
    why: 'the bookkeeping of writes whose outcome is unknown (the earliest send, the lowest token proposed, the send a later call inherits, when to stop retrying one): the fixed mutation seeds rarely lose the replies of two writes of one operation',
    file: /client\/src\/lease-client\.ts$/,
    code: /uncertainToken|#uncertain\.get\(request\.requestId\)\?\.sendMonoMs|sendMonoMs \+ beliefDurationMs|\(\) => lease\.validUntilMonoMs|indeterminateSendMonoMs !== null && retryUntilMonoMs|retryUntilMonoMs\(indeterminateSendMonoMs\)|entry !== undefined|entry\.sendMonoMs|if \(a === null\) return b|b === null \? a : Math\.min\(a, b\)|indeterminateSendMonoMs = Math\.min/,
  },
  {
    kind: 'gap',
    why: "an acquire's request id used again after the acquire settled (the workload gives every intended acquire its own id, so the client's note of it is never consulted again)",
    file: /client\/src\/lease-client\.ts$/,
    code: /if \(outcome\.kind === 'granted' \|\| outcome\.kind === 'expired'\)/,
  },
  {
    kind: 'gap',
    why: 'a grant whose belief had run out by the time its reply came (a reply slower than the TTL less the margin): the sweep does not draw replies that slow',
    file: /client\/src\/lease-client\.ts$/,
    code: /if \(lease\.validUntilMonoMs <= settled\.monoMs\)/,
  },
  {
    kind: 'equivalent',
    why: "the client's internal `settled` tag, which its callers only ever compare with 'unavailable'",
    file: /client\/src\/lease-client\.ts$/,
    code: /return \{ kind: 'settled', result: decision\.result/,
    mutator: /StringLiteral/,
  },
  {
    kind: 'equivalent',
    why: 'whether the client remembers the record it read: without it the next attempt reads the store again, which costs a round trip and changes no answer',
    file: /client\/src\/lease-client\.ts$/,
    code: /if \(read\.kind === 'unavailable'\) return read;/,
  },
  {
    kind: 'equivalent',
    why: 'which ids the client makes (random or counted, up or down): any unique ids do, and no trace line or answer shows them',
    file: /client\/src\/(ids|lease-client)\.ts$/,
    code: /counterIds|\+\+requests|\+\+keys|options\.ids \?\? randomIds\(\)/,
  },
  {
    kind: 'gap',
    why: 'the client re-checking a release request built from a lease it issued itself (the core checks it again; the workload never hands it a bad one)',
    file: /client\/src\/lease-client\.ts$/,
    code: /if \(invalid !== null\) return invalid;/,
  },
  {
    kind: 'equivalent',
    why: 'when the store trims its history: every trim here keeps the newest `historyEntriesMax` events, which is all the retention rule asks (at least that many, at most twice)',
    file: /store\/src\/memory-store\.ts$/,
    code: /this\.#history\.length >= 2 \* this\.#historyEntriesMax|this\.#history\.slice\(-this\.#historyEntriesMax\)/,
  },
  {
    kind: 'equivalent',
    why: "a test the listing's other test implies (a free record has no holder; with no `afterResource` nothing compares below it; resources are distinct keys, so the sort never meets two equal ones)",
    file: /store\/src\/memory-store\.ts$/,
    code: /r\.status === 'held' && r\.holder === holder|after !== undefined && compareResources|return a < b \? -1 : 1;/,
  },
  {
    kind: 'gap',
    why: 'a closed store: the simulator never closes its store before the run ends',
    file: /store\/src\/memory-store\.ts$/,
    code: /#assertOpen\(\): void \{|if \(this\.#closed\)/,
  },
  {
    kind: 'equivalent',
    why: "a fence's rejection, whose tag its callers only compare with 'accepted' and whose highest accepted token is the one already kept",
    file: /core\/src\/fencing\.ts$/,
    code: /return \{ kind: 'rejected', tokenAcceptedMax \};|if \(decision\.kind === 'accepted'\) this\.#tokenAcceptedMax/,
  },
  {
    kind: 'gap',
    why: "claimability of a free or missing record: the core's decisions test the status first, so only a direct caller of `claimable` would ask",
    file: /core\/src\/time-rules\.ts$/,
    code: /if \(record === null \|\| record\.status === 'free'\) return true;/,
  },
  {
    kind: 'gap',
    why: 'a value of the wrong type (not a string, not a number, NaN): the workload calls the client from TypeScript and never sends one',
    file: /core\/src\/validate\.ts$/,
    code: /typeof value !== '(string|number)'|export function checkToken/,
  },
  {
    kind: 'equivalent',
    why: "the wording of a refusal's reason (the field is named in front of it, and the limit where there is one, which is all the input rule asks) or a case an earlier test answers (an empty name is refused before it is measured)",
    file: /core\/src\/validate\.ts$/,
    code: /invalid\(field, '|checkInteger\(field, value, min, max, ' ms'\)|unit = ''|if \(bytes < 0\)/,
  },
  {
    kind: 'equivalent',
    why: 'the assertion helper itself: every assertion holds on what the real client sends (defence in depth)',
    file: /core\/src\/assert\.ts$/,
    code: /if \(!condition\) throw/,
  },
  {
    kind: 'gap',
    why: 'a round started 1 ms after the wait ran out: within the slack the acquire-wait check leaves for a fast monotonic clock',
    file: /client\/src\/lease-client\.ts$/,
    code: /if \(leftMs <= 0\) return outcome;/,
    mutator: /EqualityOperator/,
  },
  {
    kind: 'equivalent',
    why: "a test another implies: `claimable` answers true for a free record, so an acquire's status test adds nothing",
    file: /core\/src\/acquire\.ts$/,
    code: /if \(record !== null && record\.status === 'held' && !claimable\(record, nowMs, config\)\)/,
    mutator: /ConditionalExpression/,
  },
  {
    kind: 'gap',
    why: "a request id used again by another holder or owner key (the workload makes ids its node's own), which the acquire refuses as invalid",
    file: /core\/src\/acquire\.ts$/,
    code: /if \(current && \(record\.holder !== request\.holder/,
  },
  {
    kind: 'equivalent',
    why: "a renew by the record's holder whose token is newer than the record's, or equal with another owner key: neither happens (a node's lease is never newer than the store's, and a grant's token and owner key go together)",
    file: /core\/src\/renew\.ts$/,
    code: /if \(request\.token < record\.token\) \{/,
    mutator: /ConditionalExpression|EqualityOperator/,
  },
  {
    kind: 'equivalent',
    why: "a renew's token and owner-key comparisons joined by `&&` instead of `||`: a grant's token and owner key go together, so one differs exactly when the other does",
    file: /core\/src\/renew\.ts$/,
    code: /if \(record\.token !== request\.token \|\| record\.ownerKey !== request\.ownerKey\)/,
    mutator: /LogicalOperator/,
  },
  {
    kind: 'equivalent',
    why: "one of a renew's token and owner-key comparisons made false: the other still tells the grant apart, since a grant's token and owner key go together (defence in depth)",
    file: /core\/src\/renew\.ts$/,
    code: /if \(record\.token !== request\.token \|\| record\.ownerKey !== request\.ownerKey\)/,
    mutator: /ConditionalExpression/,
  },
  {
    kind: 'equivalent',
    why: "a retried release or force-release recognised by one of its two tests alone: a token names one grant, so its holder is the record's last holder; a request id names one operation, so a free record carrying it was freed by that force-release's own write",
    file: /core\/src\/(release|force-release)\.ts$/,
    code: /if \(record\.lastHolder === request\.holder && record\.token === request\.token\)|if \(record\.freedBy === 'forceReleased' && record\.requestId === request\.requestId\)/,
    mutator: /ConditionalExpression/,
  },
  {
    kind: 'gap',
    why: 'a renew of a grant newer than the free record (only a power loss that forgot the grant makes one): the power-loss scenarios are not validated against the model, so the answer (expired or notHolder) is not judged',
    file: /core\/src\/renew\.ts$/,
    code: /if \(record\.lastHolder !== request\.holder \|\| record\.token < request\.token\)/,
    mutator: /ConditionalExpression/,
  },
  {
    kind: 'gap',
    why: 'configuration validation: a case the careless configurations (six per run) do not draw, or the wording of a refusal',
    file: /core\/src\/config\.ts$/,
  },
  {
    kind: 'gap',
    why: 'belief for a replayed grant whose send time is unknown (counted from the wall-clock expiry): no run of the sweep loses the send time of its own write',
    file: /(core\/src\/time-rules|client\/src\/lease-client)\.ts$/,
    code: /beliefDurationMs\(ttlMs|beliefEndsAt|leftMs = expiresAtMs|monoNowMs|settled\.sendMonoMs !== null/,
  },
  {
    kind: 'equivalent',
    why: "one of a release's holder, token and owner-key comparisons weakened: the other two still tell the owner apart, since every grant gets its own owner key (defence in depth)",
    file: /core\/src\/release\.ts$/,
    code: /record\.(holder|token|ownerKey) === request\.(holder|token|ownerKey)( &&|;)$/,
    mutator: /ConditionalExpression|LogicalOperator/,
  },
  {
    kind: 'equivalent',
    why: 'how an invalid value is shown inside a reason (the reason must name the field and the limit, which it still does)',
    file: /core\/src\/invalid\.ts$/,
  },
  {
    kind: 'gap',
    why: 'a query helper no lease operation calls (isLocked, timeRemainingMs, timeLeftMs, invariantName): the workload does not call it',
    code: /isLocked|timeRemainingMs|timeLeftMs|invariantName|export function (isLocked|timeRemainingMs|invariantName)|return Math\.max\(0, lease\.validUntilMonoMs - this\.#clock\.monoMs\(\)\)|NAME_BY_ID/,
  },
  {
    kind: 'equivalent',
    why: "the store's frozen copy of a written record, weakened (the caller's object kept, or left unfrozen): no client changes a record after writing it, so no run can tell (defence in depth)",
    file: /store\/src\/memory-store\.ts$/,
    code: /frozenCopy|Object\.freeze\(|Array\.isArray\(value\)|typeof value !== 'object'|copy\[key\]|const copy: Record/,
  },
  {
    kind: 'gap',
    why: "the blocking acquire's sleep between rounds cut to 1 ms: it polls the store more often than the lease can change, which costs load but breaks no contract the sweep judges (no check counts store requests)",
    file: /client\/src\/lease-client\.ts$/,
    code: /Math\.max\(1, Math\.min\(outcome\.retryAfterMs, leftMs, ACQUIRE_POLL_MS_MAX\)\)/,
  },
  {
    kind: 'gap',
    why: "the blocking acquire's round bound (10,000 rounds) that no world reaches: each round sleeps until the lease may be claimable, so a wait takes a few rounds",
    file: /client\/src\/lease-client\.ts$/,
    code: /round < ACQUIRE_ROUNDS_MAX/,
  },
  {
    kind: 'equivalent',
    why: 'the belief of a write that applied, counted from its own send instead of the earliest indeterminate send of the operation: an earlier write cannot have applied too (this one named the version it read, which would have shown that write as a replay), so both sends give the same belief',
    file: /client\/src\/lease-client\.ts$/,
    code: /const sendMonoMs = Math\.min\(indeterminateSendMonoMs \?\? monoMs, monoMs\)/,
  },
  {
    kind: 'gap',
    why: "the client's retry budget and backoff (attempts, conflicts, sleep between attempts): `unavailable` is always an allowed answer, so spending less or more of the budget is not judged",
    file: /client\/src\/lease-client\.ts$/,
    code: /ATTEMPTS_MAX|RETRIES_CAS_MAX|BACKOFF_MS|conflicts|#backoff|attempt - 1|let reason|reason = |cas\.kind === 'conflict'/,
  },
  {
    kind: 'gap',
    why: 'a bound on a client cache (known records, uncertain acquires) that no world reaches: at most 8 resources, one operation per node at a time',
    code: /KNOWN_RECORDS_MAX|UNCERTAIN_ACQUIRES_MAX|oldest\.(done|value)|#known\.size|#uncertain\.size/,
  },
  {
    kind: 'gap',
    why: 'durability ceilings: which commit is synced at once; a lax ceiling only hurts when a power loss forgets exactly the commit that should have been synced, which the fixed mutation seeds rarely draw',
    file: /store\/src\/(recovery|memory-store)\.ts$/,
    code: /[Cc]eiling|#sync|unsynced|stepped/,
  },
  {
    kind: 'gap',
    why: 'power-loss recovery internals: the fixed mutation seeds (50 per scenario) draw too few power losses to tell the mutant apart',
    file: /store\/src\/(recovery|memory-store)\.ts$/,
    code: /forgotten|firstLostSeq|highest|quarantine|mark\.|powerLoss|#absent|commit\.previous|this\.#records\.values\(\)|current\?\.|record\.status === 'held' \? record\.ttlMs|RECOVERY_HOLDER/,
  },
  {
    kind: 'gap',
    why: 'message text of an answer or error (no check reads the wording)',
    mutator: /StringLiteral/,
    code: /`|reason|Error\(/,
  },
];

function reasonFor(file: string, code: string, m: Mutant): { kind: string; why: string } {
  for (const rule of RULES) {
    if (rule.file !== undefined && !rule.file.test(file)) continue;
    if (rule.code !== undefined && !rule.code.test(code)) continue;
    if (rule.mutator !== undefined && !rule.mutator.test(m.mutatorName)) continue;
    return rule;
  }
  return {
    kind: 'gap',
    why:
      m.status === 'NoCoverage'
        ? 'no run of the sweep reaches this code'
        : 'the sweep reaches it but no check tells it apart: not yet analysed',
  };
}

const path =
  scriptFlags('mutation:survivors', 'the last mutation run, summarised as MUTATION.md lists it', {
    report: {
      text: true,
      help: 'the StrykerJS JSON report (default reports/mutation/mutation.json)',
    },
  }).report ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

let detected = 0;
let undetected = 0;
let offDetected = 0;
let offUndetected = 0;
const rows: string[] = [];
const reasons = new Map<string, number>();
const perFile: string[] = [];
for (const [file, { source, mutants }] of Object.entries(report.files).sort()) {
  const lines = source.split('\n');
  let fileDetected = 0;
  let fileUndetected = 0;
  for (const m of mutants) {
    if (DETECTED.has(m.status)) fileDetected += 1;
    if (!UNDETECTED.has(m.status)) continue;
    fileUndetected += 1;
    if (OFF_THE_SWEEP_PATH[file] !== undefined) continue;
    const line = m.location.start.line;
    const code = (lines[line - 1] ?? '').trim().replaceAll('|', '\\|').slice(0, 90);
    const replacement = (m.replacement ?? '')
      .replaceAll('|', '\\|')
      .replaceAll('\n', ' ')
      .slice(0, 60);
    const reason = reasonFor(file, lines[line - 1] ?? '', m);
    reasons.set(
      `${reason.kind}: ${reason.why}`,
      (reasons.get(`${reason.kind}: ${reason.why}`) ?? 0) + 1,
    );
    rows.push(
      `| ${file}:${line} | ${m.mutatorName} | ${m.status} | \`${replacement}\` | \`${code}\` | ${reason.kind} |`,
    );
  }
  detected += fileDetected;
  undetected += fileUndetected;
  if (OFF_THE_SWEEP_PATH[file] !== undefined) {
    offDetected += fileDetected;
    offUndetected += fileUndetected;
  }
  const total = fileDetected + fileUndetected;
  const score = total === 0 ? '-' : `${((100 * fileDetected) / total).toFixed(1)}%`;
  perFile.push(`| ${file} | ${fileDetected} | ${fileUndetected} | ${score} |`);
}

const total = detected + undetected;
console.log(
  `mutation score ${((100 * detected) / Math.max(1, total)).toFixed(1)}%: ${detected} of ${total} mutants detected (${undetected} not)`,
);
const onPath = detected - offDetected + (undetected - offUndetected);
console.log(
  `without the ${Object.keys(OFF_THE_SWEEP_PATH).length} files off the sweep's path: ${((100 * (detected - offDetected)) / Math.max(1, onPath)).toFixed(1)}%, ${detected - offDetected} of ${onPath}`,
);
console.log('');
console.log('| file | detected | not detected | score |');
console.log('| --- | --- | --- | --- |');
for (const row of perFile) console.log(row);
console.log('');
console.log("| off the sweep's path | why |");
console.log('| --- | --- |');
for (const [file, why] of Object.entries(OFF_THE_SWEEP_PATH)) console.log(`| ${file} | ${why} |`);
console.log('');
console.log('| mutants | reason |');
console.log('| --- | --- |');
for (const [why, count] of [...reasons].sort((a, b) => b[1] - a[1]))
  console.log(`| ${count} | ${why} |`);
console.log('');
console.log('| where | mutator | status | mutant | code | reason |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
