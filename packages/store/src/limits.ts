/** Largest page a list or history query returns. */
export const LIST_LIMIT_MAX = 1_000;
/** Page size when a query names none. */
export const LIST_LIMIT_DEFAULT = 100;
