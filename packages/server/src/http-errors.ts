import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every error fastify raises before a handler runs becomes a JSON answer that names what was
 * wrong: the field of a schema violation (missing, unknown, wrong type, out of range), malformed
 * JSON, a body over the size limit, a media type other than JSON. Nothing here echoes a value
 * the caller sent (an owner key must never come back in an error or a log line).
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation !== undefined) {
    const first = error.validation[0];
    const params = (first?.params ?? {}) as Record<string, unknown>;
    const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const named =
      typeof params.missingProperty === 'string'
        ? params.missingProperty
        : typeof params.additionalProperty === 'string'
          ? params.additionalProperty
          : path;
    const where = error.validationContext ?? 'body';
    const field = named === '' ? where : named;
    const what =
      typeof params.additionalProperty === 'string'
        ? 'is not a known field'
        : typeof params.missingProperty === 'string'
          ? 'is required'
          : (first?.message ?? 'is invalid');
    return reply.code(400).send({ error: 'invalid', field, message: `${where} ${field} ${what}` });
  }
  const status = error.statusCode ?? 500;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return reply.code(400).send({ error: 'malformed_json', message: 'the body is not valid JSON' });
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return reply.code(400).send({ error: 'malformed_json', message: 'the JSON body is empty' });
  }
  if (status === 413) {
    return reply.code(413).send({ error: 'too_large', message: 'the body is over the size limit' });
  }
  if (status === 415) {
    return reply
      .code(415)
      .send({ error: 'unsupported_media_type', message: 'send application/json' });
  }
  if (status === 429) return reply.code(429).send(error);
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ error: 'bad_request', message: error.message });
  }
  request.log.error({ err: error }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'internal error' });
}
