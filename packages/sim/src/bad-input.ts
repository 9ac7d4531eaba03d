import { RESOURCE_BYTES_MAX, REQUEST_ID_BYTES_MAX, type LeaseConfig } from '@leasehold/core';
import type { Prng } from './prng';

/**
 * Inputs a careless caller sends: just outside a documented limit (or exactly on it). The client
 * must refuse the invalid ones as `invalid` naming the field, writing nothing, and serve the ones on
 * the limit; the model's trace validation holds it to that (C-3: user input never reaches an
 * assertion). A four-byte character makes a name long in bytes but short in UTF-16 units.
 */
export type BadInput =
  | { readonly kind: 'resource'; readonly resource: string }
  | { readonly kind: 'ttl'; readonly ttlMs: number }
  | { readonly kind: 'requestId'; readonly requestId: string };

/**
 * A bad (or boundary) input for an operation that takes `fields`, drawn from `prng`; `unique` (ASCII)
 * starts any request id, so that no two operations share one.
 */
export function drawBadInput(
  prng: Prng,
  config: LeaseConfig,
  fields: readonly BadInput['kind'][],
  unique: string,
): BadInput {
  const field = prng.pick(fields);
  switch (field) {
    case 'resource':
      return { kind: 'resource', resource: prng.pick(badResources()) };
    case 'ttl':
      return {
        kind: 'ttl',
        ttlMs: prng.pick([
          config.ttlMsMin - 1,
          config.ttlMsMax + 1,
          config.ttlMsMin + 0.5,
          config.ttlMsMin,
          config.ttlMsMax,
        ]),
      };
    case 'requestId':
      // A request id names one intended operation: even a bad one is this operation's own.
      return {
        kind: 'requestId',
        requestId: prng.pick([
          '',
          padTo(unique, REQUEST_ID_BYTES_MAX + 1, 'r'),
          padTo(unique, REQUEST_ID_BYTES_MAX, 'é'),
          `${unique}\udc00`,
        ]),
      };
  }
}

function badResources(): readonly string[] {
  const fourByte = '🧠';
  return [
    '',
    'x'.repeat(RESOURCE_BYTES_MAX + 1),
    fourByte.repeat(RESOURCE_BYTES_MAX / 4 + 1),
    fourByte.repeat(RESOURCE_BYTES_MAX / 4),
    'é'.repeat(RESOURCE_BYTES_MAX / 2 + 1),
    '€'.repeat(Math.floor(RESOURCE_BYTES_MAX / 3) + 1),
    'half a pair \ud800 of surrogates',
  ];
}

/** `head` followed by `fill` (one or two UTF-8 bytes) up to exactly `bytes` UTF-8 bytes. */
function padTo(head: string, bytes: number, fill: 'r' | 'é'): string {
  const room = bytes - head.length;
  const fillBytes = fill === 'r' ? 1 : 2;
  return head + 'x'.repeat(room % fillBytes) + fill.repeat(Math.floor(room / fillBytes));
}
