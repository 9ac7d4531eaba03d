import { Type } from 'typebox';
import { errorReply, invalidReply } from './http-errors.js';
import type { App } from './http-app.js';
import type { LeaseService } from './lease-service.js';
import { unavailableReply } from './routes-leases.js';
import {
  CleanupReply,
  ConfigBody,
  ConfigReply,
  EmptyBody,
  ErrorReply,
  ForceReleaseBody,
  ForceReleaseReply,
  ReleaseHolderBody,
  ReleaseHolderReply,
} from './schemas.js';
import { settingsView } from './service-settings.js';

const errors = { 400: ErrorReply, 404: ErrorReply, 409: ErrorReply, 503: ErrorReply };

/** Who an admin action is recorded as in history: the admin key's holder, or `admin`. */
function actor(principal: { holder: string | null } | null): string {
  return principal?.holder ?? 'admin';
}

/** Admin routes: force-release, release every lease of a holder, cleanup, runtime settings. */
export function adminRoutes(
  app: App,
  service: LeaseService,
  advanceClock: ((ms: number) => void) | undefined,
): void {
  app.post(
    '/v1/admin/force-release',
    { schema: { body: ForceReleaseBody, response: { 200: ForceReleaseReply, ...errors } } },
    async (request, reply) => {
      const { resource, expected_holder } = request.body;
      const answer = await service.forceRelease(
        resource,
        expected_holder ?? null,
        actor(request.principal),
      );
      switch (answer.kind) {
        case 'forceReleased':
          return reply.send({
            released: true,
            previous_holder: answer.previousHolder,
            token: answer.token,
          });
        case 'notHeld':
          return errorReply(reply, 409, 'not_held', `${resource} is not held`);
        case 'holderMismatch':
          return errorReply(
            reply,
            409,
            'holder_mismatch',
            `${resource} is held by ${answer.holder}, not the expected holder`,
            { holder: answer.holder },
          );
        case 'invalid':
          return invalidReply(reply, answer);
        case 'unavailable':
          return unavailableReply(reply, answer);
      }
    },
  );

  app.post(
    '/v1/admin/release-holder',
    { schema: { body: ReleaseHolderBody, response: { 200: ReleaseHolderReply, ...errors } } },
    async (request, reply) => {
      const answer = await service.releaseHolder(request.body.holder, actor(request.principal));
      if (answer.kind === 'unavailable') return unavailableReply(reply, answer);
      return reply.send({ released: answer.released, complete: !answer.remaining });
    },
  );

  app.post(
    '/v1/admin/cleanup',
    { schema: { body: Type.Optional(EmptyBody), response: { 200: CleanupReply, ...errors } } },
    async (_request, reply) => {
      const answer = await service.cleanup();
      if (answer.kind === 'unavailable') return unavailableReply(reply, answer);
      return reply.send({
        expired: answer.expired,
        history_pruned: answer.pruned,
        scanned: answer.scanned,
      });
    },
  );

  app.get('/v1/admin/config', { schema: { response: { 200: ConfigReply } } }, async () =>
    settingsView(service.settings),
  );

  app.put(
    '/v1/admin/config',
    { schema: { body: ConfigBody, response: { 200: ConfigReply, ...errors } } },
    async (request, reply) => {
      const applied = await service.updateSettings(request.body);
      if (applied.kind === 'invalid') return invalidReply(reply, applied);
      if (applied.kind === 'unavailable') return unavailableReply(reply, applied);
      return reply.send(settingsView(applied.settings));
    },
  );

  if (advanceClock !== undefined) {
    app.post(
      '/v1/admin/test/advance-clock',
      {
        schema: {
          hide: true,
          body: Type.Object(
            { ms: Type.Integer({ minimum: 0, maximum: 31_536_000_000 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        advanceClock(request.body.ms);
        return { advanced_ms: request.body.ms };
      },
    );
  }
}
