import { Type, type Static } from 'typebox';
import {
  HOLDER_BYTES_MAX,
  LEASE_AGE_MS_LIMIT_MAX,
  RENEWALS_LIMIT_MAX,
  REQUEST_ID_BYTES_MAX,
  RESOURCE_BYTES_MAX,
  TOKEN_MAX,
} from '@leasehold/core';
import { API_MS_MAX, LEASE_ID_LENGTH_MAX, OWNER_KEY_LENGTH_MAX, WAIT_MS_MAX } from './limits.js';

/*
 * One definition per body, query and reply: the service's request path checks every request
 * with it (`input-check.ts`), the typed client checks every reply with it, @fastify/swagger turns
 * it into /openapi.json, and both sides get their types from it. Unknown fields are refused
 * (`additionalProperties: false`), never dropped. Byte limits (UTF-8) are checked again by the
 * core, which counts bytes where JSON Schema counts characters.
 */

const strict = { additionalProperties: false } as const;
/** Milliseconds as a JSON integer; the lease limits narrow it further. */
const Ms = (description: string) => Type.Integer({ minimum: 0, maximum: API_MS_MAX, description });
const Resource = Type.String({
  minLength: 1,
  maxLength: RESOURCE_BYTES_MAX,
  description: `Any non-empty UTF-8 string of at most ${RESOURCE_BYTES_MAX} bytes`,
});
const Holder = Type.String({ minLength: 1, maxLength: HOLDER_BYTES_MAX });
const LeaseId = Type.String({ minLength: 1, maxLength: LEASE_ID_LENGTH_MAX });
const Secret = Type.String({ minLength: 1, maxLength: OWNER_KEY_LENGTH_MAX });
const Iso = Type.String({ description: 'ISO 8601 time on the service clock' });
const NullableIso = Type.Union([Iso, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
/** Query numbers arrive as text; checked as digits here, ranged by the handler. */
const Digits = Type.String({ pattern: '^[0-9]{1,15}$' });
/** A lease's own limits, as acquire sets them and replies show them (null: none). */
const LeaseMaxRenewals = Type.Union([Type.Integer(), Type.Null()], {
  description: "The lease's own renewal limit, given at acquire (null: none)",
});
const LeaseMaxAgeMs = Type.Union([Type.Integer(), Type.Null()], {
  description:
    "The lease's own maximum age, given at acquire: never renewed past acquired_at_ms + max_age_ms (null: none)",
});

export const AcquireBody = Type.Object(
  {
    resource: Resource,
    holder: Holder,
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483 })),
    ttl_ms: Type.Optional(Ms('Lease time to live; default 5 minutes')),
    request_id: Type.Optional(Type.String({ minLength: 1, maxLength: REQUEST_ID_BYTES_MAX })),
    wait_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: WAIT_MS_MAX })),
    token_floor: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: TOKEN_MAX,
        description:
          'The lowest token this request may be granted: one above the highest the caller has seen for the resource (or a held answer named). A copy of the request the network delivers late, or a retry, once the lease has been granted so often since that the service no longer remembers the request id, is answered 410 superseded instead of granted a second time.',
      }),
    ),
    max_renewals: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: RENEWALS_LIMIT_MAX,
        description:
          "The lease's own renewal limit, kept with it: a renewal past it is refused (409 max_renewals_reached, limit lease). The deployment's limit still applies: the tighter of the two.",
      }),
    ),
    max_age_ms: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: LEASE_AGE_MS_LIMIT_MAX,
        description:
          "The lease's own maximum age, at least its TTL, kept with it: a renewal whose expiry would pass acquired_at_ms + max_age_ms is capped there.",
      }),
    ),
  },
  strict,
);
export type AcquireBody = Static<typeof AcquireBody>;

export const RenewBody = Type.Object(
  {
    lease_id: LeaseId,
    owner_key: Secret,
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483 })),
    ttl_ms: Type.Optional(Ms('New time to live, counted from now')),
    min_interval_ms: Type.Optional(Ms('Skip the renewal if the lease was written this recently')),
  },
  strict,
);
export type RenewBody = Static<typeof RenewBody>;

export const ReleaseBody = Type.Object({ lease_id: LeaseId, owner_key: Secret }, strict);
export type ReleaseBody = Static<typeof ReleaseBody>;

export const ForceReleaseBody = Type.Object(
  {
    resource: Resource,
    expected_holder: Type.Optional(Holder),
    // Sent again with a retry, it lets the service recognise the force-release it already made.
    request_id: Type.Optional(Type.String({ minLength: 1, maxLength: REQUEST_ID_BYTES_MAX })),
  },
  strict,
);
export type ForceReleaseBody = Static<typeof ForceReleaseBody>;

export const ReleaseHolderBody = Type.Object({ holder: Holder }, strict);
export type ReleaseHolderBody = Static<typeof ReleaseHolderBody>;

/** Cleanup takes no fields: an empty object, null, or no body at all. */
export const CleanupBody = Type.Union([Type.Object({}, strict), Type.Null()]);

export const ConfigBody = Type.Object(
  {
    default_ttl_ms: Type.Optional(Type.Integer()),
    min_ttl_ms: Type.Optional(Type.Integer()),
    max_ttl_ms: Type.Optional(Type.Integer()),
    grace_ms: Type.Optional(Type.Integer()),
    max_clock_skew_ms: Type.Optional(Type.Integer()),
    max_renewals: Type.Optional(NullableInt),
    history_retention_ms: Type.Optional(Type.Integer()),
  },
  strict,
);
export type ConfigBody = Static<typeof ConfigBody>;

export const ConfigReply = Type.Object({
  default_ttl_ms: Type.Integer(),
  min_ttl_ms: Type.Integer(),
  max_ttl_ms: Type.Integer(),
  grace_ms: Type.Integer(),
  max_clock_skew_ms: Type.Integer(),
  max_renewals: NullableInt,
  history_retention_ms: Type.Integer(),
});

export const ListQuery = Type.Object(
  {
    holder: Type.Optional(Holder),
    prefix: Type.Optional(Type.String({ maxLength: RESOURCE_BYTES_MAX })),
    status: Type.Optional(
      Type.Union([Type.Literal('held'), Type.Literal('free'), Type.Literal('expired')]),
    ),
    limit: Type.Optional(Digits),
    after: Type.Optional(Resource),
  },
  strict,
);
export type ListQuery = Static<typeof ListQuery>;

export const HistoryQuery = Type.Object(
  { limit: Type.Optional(Digits), after_seq: Type.Optional(Digits) },
  strict,
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const ResourceParams = Type.Object({ resource: Resource }, strict);
export type ResourceParams = Static<typeof ResourceParams>;

export const LeaseReply = Type.Object({
  lease_id: Type.String(),
  resource: Type.String(),
  holder: Type.String(),
  token: Type.Integer(),
  owner_key: Type.String({ description: 'Secret: renew and release must present it' }),
  acquired_at: Iso,
  acquired_at_ms: Type.Integer(),
  expires_at: Iso,
  expires_at_ms: Type.Integer(),
  ttl_ms: Type.Integer(),
  renewals: Type.Integer(),
  max_renewals: LeaseMaxRenewals,
  max_age_ms: LeaseMaxAgeMs,
  replayed: Type.Boolean(),
});

export const RenewReply = Type.Object({
  lease_id: Type.String(),
  resource: Type.String(),
  holder: Type.String(),
  token: Type.Integer(),
  acquired_at: Iso,
  acquired_at_ms: Type.Integer(),
  expires_at: Iso,
  expires_at_ms: Type.Integer(),
  ttl_ms: Type.Integer(),
  renewals: Type.Integer(),
  max_renewals: LeaseMaxRenewals,
  max_age_ms: LeaseMaxAgeMs,
  skipped: Type.Boolean({ description: 'True when inside min_interval_ms: nothing was written' }),
});

export const ReleaseReply = Type.Object({
  released: Type.Literal(true),
  token: Type.Integer(),
  replayed: Type.Boolean(),
});

export const HeldReply = Type.Object({
  error: Type.Literal('held'),
  message: Type.String(),
  holder: Type.String(),
  token: Type.Integer(),
  expires_at: Iso,
  expires_at_ms: Type.Integer(),
  retry_after_ms: Type.Integer(),
});

export const ErrorReply = Type.Object({
  error: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  holder: Type.Optional(Type.String()),
  last_holder: Type.Optional(
    Type.String({
      description: '410 on a freed record: who held it last (the caller, or someone since)',
    }),
  ),
  token: Type.Optional(Type.Integer()),
  renewals: Type.Optional(Type.Integer()),
  max_renewals: Type.Optional(Type.Integer()),
  limit: Type.Optional(
    Type.Union([Type.Literal('lease'), Type.Literal('deployment')], {
      description:
        "409 max_renewals_reached: whose limit max_renewals is, the lease's own (given at acquire) or the deployment's",
    }),
  ),
  token_floor: Type.Optional(
    Type.Integer({
      description:
        "503 to an acquire none of whose writes may have applied: a retry's token_floor may rise to this",
    }),
  ),
});

export const StatusReply = Type.Object({
  resource: Type.String(),
  status: Type.Union([Type.Literal('free'), Type.Literal('held'), Type.Literal('expired')]),
  holder: NullableString,
  token: Type.Integer(),
  lease_id: NullableString,
  expires_at: NullableIso,
  expires_at_ms: NullableInt,
  ttl_ms: NullableInt,
  acquired_at: NullableIso,
  renewals: NullableInt,
  max_renewals: NullableInt,
  max_age_ms: NullableInt,
  last_holder: NullableString,
  freed_by: NullableString,
  updated_at: NullableIso,
});

export const ListReply = Type.Object({
  leases: Type.Array(StatusReply),
  next: NullableString,
});

export const HistoryReply = Type.Object({
  resource: Type.String(),
  events: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      kind: Type.String(),
      holder: Type.String(),
      token: Type.Integer(),
      at: Iso,
      at_ms: Type.Integer(),
      request_id: Type.String(),
      previous_holder: NullableString,
    }),
  ),
});

export const ForceReleaseReply = Type.Object({
  released: Type.Literal(true),
  previous_holder: Type.String(),
  token: Type.Integer(),
});

export const ReleaseHolderReply = Type.Object({
  released: Type.Array(Type.Object({ resource: Type.String(), token: Type.Integer() })),
  complete: Type.Boolean({ description: 'False when the scan bound was hit: call again' }),
});

export const CleanupReply = Type.Object({
  expired: Type.Array(Type.String()),
  history_pruned: Type.Integer(),
  scanned: Type.Integer(),
});
