import type { IncomingMessage } from 'node:http';
import type { FetchLike } from '@leasehold/api';

/**
 * One HTTP request over Node's own client, for the transport of a command that makes one or two
 * requests and exits. The global `fetch` first loads its HTTP library and then keeps the
 * connection open, so the process lingers after its answer (together about a tenth of a second on
 * every command an agent's hook runs); this opens a connection for the request and closes it.
 */
export const requestOnce: FetchLike = async (url, init) => {
  const target = new URL(url);
  const { request } =
    target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const sent = request(
      target,
      { method: init.method, headers: init.headers, signal: init.signal, agent: false },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, text: () => Promise.resolve(text) });
        });
      },
    );
    sent.on('error', reject);
    sent.end(init.body);
  });
};
