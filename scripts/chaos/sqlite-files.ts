/** The files of a SQLite chaos run, all in one temp dir. */
export const STORE_FILE = 'leases.db';
export const FENCED_FILE = 'fenced.db';
/** Raised by the driver once a quota run's work is done (`stop-signal.ts`). */
export const STOP_FILE = 'stop';
