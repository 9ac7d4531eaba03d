/**
 * One history event, written by the store in the same atomic step as the record it describes.
 * `holder` is the node the event is about (the new holder for a grant, the requester for renew and
 * release, the evicted holder for a force-release).
 */
export type HistoryKind =
  'granted' | 'renewed' | 'released' | 'expired' | 'forceReleased' | 'fencedReject';

export interface HistoryEvent {
  readonly kind: HistoryKind;
  readonly resource: string;
  readonly holder: string;
  readonly token: number;
  /** Wall time of the node that made the decision. */
  readonly atMs: number;
  readonly requestId: string;
  /** For a grant that took over an unreleased lease: whom it superseded. */
  readonly previousHolder: string | null;
}
