/** The files of a SQLite chaos run, all in one temp dir. */
export const STORE_FILE = 'leases.db';
export const FENCED_FILE = 'fenced.db';
