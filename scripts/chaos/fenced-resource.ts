/**
 * The thing a lease protects, for real: shared by every node of a chaos run, it accepts or
 * rejects each write by `decideFencedWrite` from `@leasehold/core` against the highest token it
 * has accepted, and logs the decision in the same atomic step (I-6).
 */
export interface FencedResource {
  write(resource: string, writer: string, token: number): Promise<FencedWriteResult>;
  close(): Promise<void>;
}

export type FencedWriteResult =
  | { readonly kind: 'accepted' | 'rejected'; readonly tokenAcceptedMax: number }
  /** Not decided, or decided with the answer lost: the log says which. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** One decision of a fenced resource, in the order the resource made them. */
export interface FencedLogEntry {
  readonly resource: string;
  readonly writer: string;
  readonly token: number;
  readonly accepted: boolean;
  readonly tokenAcceptedMaxBefore: number;
}
