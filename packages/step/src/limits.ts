/** Every bound of this package, units last (CONSTRAINTS.md C-2). */

/** Names whose quoted bytes are kept (the simulator uses a few dozen; a bound, not a tuning). */
export const QUOTED_NAMES_MAX = 1_024;
