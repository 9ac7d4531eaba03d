/**
 * A fenced resource (the thing a lease protects: a file, a row, a bucket) accepts a write only
 * when the writer's token is at least the highest it has accepted (I-6). Equal tokens are the same
 * holder writing again.
 */
export type FencedWriteDecision =
  | { readonly kind: 'accepted'; readonly tokenAcceptedMax: number }
  | { readonly kind: 'rejected'; readonly tokenAcceptedMax: number };

export function decideFencedWrite(tokenAcceptedMax: number, token: number): FencedWriteDecision {
  if (token >= tokenAcceptedMax) return { kind: 'accepted', tokenAcceptedMax: token };
  return { kind: 'rejected', tokenAcceptedMax };
}
