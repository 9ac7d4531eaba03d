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

/** What a fenced resource offers its writers: one token-checked write at a time. */
export interface Fence {
  write(token: number): FencedWriteDecision;
}

/**
 * An in-memory fenced resource: it remembers the highest token it accepted and refuses anything
 * below it, so a holder whose lease was superseded is rejected once the new holder has written.
 */
export class FencedResource implements Fence {
  #tokenAcceptedMax = 0;

  write(token: number): FencedWriteDecision {
    const decision = decideFencedWrite(this.#tokenAcceptedMax, token);
    if (decision.kind === 'accepted') this.#tokenAcceptedMax = decision.tokenAcceptedMax;
    return decision;
  }

  get tokenAcceptedMax(): number {
    return this.#tokenAcceptedMax;
  }
}
