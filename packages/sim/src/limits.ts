/** Every bound of the simulator, units last (CONSTRAINTS.md C-2). */

/** Nodes per world: the range a seed draws from, and the hard limit. */
export const NODES_MIN = 2;
export const NODES_MAX = 16;
/** Resources per world: hard limit. */
export const RESOURCES_MAX = 8;

/** Scheduler events in the faulty safety phase of one run, by default and at most. */
export const STEPS_DEFAULT = 2_000;
/**
 * Percent of seeds that draw a small world: the fewest nodes the scenario allows (or one more),
 * one resource and a short safety phase (SMALL_STEPS_MIN..SMALL_STEPS_MAX events). Most
 * failures of the bug zoo shrink to two nodes and one resource; such a seed runs a few hundred
 * events where a large one runs STEPS_DEFAULT, so a sweep meets those bugs sooner, and its
 * failures are short to read.
 */
export const SMALL_WORLD_PCT = 50;
export const SMALL_STEPS_MIN = 150;
export const SMALL_STEPS_MAX = 400;
export const STEPS_MAX = 10_000_000;
/** Simulated time one safety phase may last, whatever its step budget. */
export const SAFETY_PHASE_MS_MAX = 86_400_000;
/** Scheduler events the heal phase and its liveness probes may take (the heal loop's bound). */
export const HEAL_STEPS_MAX = 200_000;

/** Events of a run kept in memory for the failure report; the rest is streamed or hashed. */
export const TRACE_TAIL_EVENTS = 40;

/** Seeds one sweep may run. */
export const SEEDS_MAX = 1_000_000;
/** At least this share of a sweep's seeds (in percent, rounded up, at least one) runs twice. */
export const DETERMINISM_SAMPLE_PERCENT = 5;

/** Store round-trip latency bounds without the latency fault, and with it (one way, ms). */
export const LATENCY_MS_MIN = 1;
export const LATENCY_MS_BASE_MAX = 3;
export const LATENCY_MS_FAULT_MAX = 400;

/** The request timeout of the simulated store (a seed draws one in this range, ms). */
export const STORE_TIMEOUT_MS_MIN = 20;
export const STORE_TIMEOUT_MS_MAX = 1_000;
/** How long the network may hold a duplicated request before delivering it again (ms). */
export const DUPLICATE_DELAY_MS_MAX = 500;

/** Down time of a store crash or power loss, and of a crashed node before it restarts (ms). */
export const STORE_DOWN_MS_MIN = 20;
export const STORE_DOWN_MS_MAX = 1_500;
export const NODE_DOWN_MS_MIN = 50;
export const NODE_DOWN_MS_MAX = 2_000;
/** How long a node stall lasts (ms). */
export const PAUSE_MS_MIN = 5;
export const PAUSE_MS_MAX = 1_500;
/** Assumption-breaking: how long a suspended node's monotonic clock stops (ms). */
export const SUSPEND_MS_MAX = 3_000;
/**
 * Wake-ups of one simulated sleep: a suspension that begins while a node sleeps moves the sleep's
 * end later in true time, so its first wake-up comes early and it sleeps again (once per
 * suspension that struck during it).
 */
export const SLEEP_WAKEUPS_MAX = 1_000;
/**
 * Free space a memory-backed directory must have before the simulator's SQLite files go there
 * (bytes): far more than the files of the runs one process has open at once.
 */
export const SCRATCH_BYTES_MIN = 256 * 1024 * 1024;

/** Fault rates are ratios over this denominator: integers and ratios, never floats. */
export const RATE_DENOMINATOR = 1_000;
/** Parts per million (drift). */
export const PPM = 1_000_000;

/**
 * History events the simulated store retains (at least; at most twice as many): small, so most
 * runs trim their history and the end-of-run audit judges the retention rule.
 */
export const STORE_HISTORY_EVENTS_MAX = 40;
/** Careless configurations offered to `resolveConfig` before each run, besides the run's own. */
export const CONFIG_OFFERS_PER_RUN = 6;
/** Pages the end-of-run store audit reads of one listing or history before it calls it endless. */
export const AUDIT_PAGES_MAX = 4 * STORE_HISTORY_EVENTS_MAX;
/**
 * Pages of one resource's history the audit reads at most, of a store that keeps every event
 * (its bound is otherwise the events committed, read a few at a time).
 */
export const AUDIT_HISTORY_PAGES_MAX = 1_000_000;
/**
 * Commits the simulated store acknowledges before they are synced, when the run injects power
 * loss (a checkpoint then syncs them); a power loss forgets some of the unsynced ones.
 */
export const STORE_UNSYNCED_COMMITS_MAX = 64;
/**
 * How far a synced commit raises the simulated store's token and version ceilings: small, so a
 * run moves its ceilings (and lowers its TTL ceiling) many times, where a real store's step is
 * CEILING_STEP.
 */
export const STORE_CEILING_STEP = 32;

/**
 * The liveness probe's allowance past the checker's own claimable point: round trips at the
 * healed store's latency (a read and a compare-and-set, plus one conflict with a node that is
 * releasing at that moment), each two hops of at most LATENCY_MS_BASE_MAX.
 */
export const PROBE_ROUND_TRIPS_MAX = 4;

/** Times a liveness probe asks again after an `unavailable` answer, within its wait. */
export const PROBE_RETRIES_MAX = 100;
/** The longest back-off before an acquire's later retry under its request id, in longest TTLs. */
export const RETRY_LATER_TTLS_MAX = 4;

/**
 * Runs one shrink may try, whatever it finds (each is a full, deterministic run): the search for
 * a smaller run, then taking things away one at a time.
 */
export const SHRINK_RUNS_MAX = 4_500;
/** Of those, the runs the search for a smaller run may take (the rest are the last stage's). */
export const SHRINK_SEARCH_RUNS_MAX = 3_000;
/** Neighbouring seeds a shrink round tries with the best parameters so far. */
export const SHRINK_SEEDS_PER_ROUND = 100;
/** Seeds a shrink tries for each smaller world shape (fewer nodes, resources or faults). */
export const SHRINK_SEEDS_PER_SHAPE = 6;
/** How much more often a shrink tries each of the seed's faults (its rate times these). */
export const SHRINK_RATE_FACTORS = [4, 16] as const;
/** Seeds a shrink tries for each fault made more frequent. */
export const SHRINK_SEEDS_FREQUENT_FAULT = 25;
/** Seeds a shrink tries for the quietest workload in each two- or three-node world. */
export const SHRINK_SEEDS_QUIET = 40;
/** Improving candidates a shrink round collects before it keeps the smallest of them. */
export const SHRINK_IMPROVEMENTS_PER_ROUND = 24;
/**
 * Seeds a shrink tries for a two- or three-node world on one resource with the seed's own faults
 * (cheap: each try stops once it is longer than the best run so far).
 */
export const SHRINK_SEEDS_OWN_FAULTS = 1_000;

/**
 * Runs the last stage of a shrink may try: leaving out one node, resource, kind of fault, operation
 * or fault event at a time until none can go (1-minimal). A shrunk run is small, so each is quick.
 */
export const SHRINK_MINIMAL_RUNS_MAX = SHRINK_RUNS_MAX - SHRINK_SEARCH_RUNS_MAX;
/** The shortest faulty phase a shrink tries first (then twice that, and so on). */
export const SHRINK_STEPS_MIN = 8;
/** Times the last stage cuts the step budget to the failing step and looks again. */
export const SHRINK_MINIMAL_PASSES_MAX = 4;
/** Operations or fault events a run lists (what it may leave out), and a cut may name. */
export const CUT_UNITS_MAX = 10_000;

/** Calls in flight the checker remembers (a request, its duplicate, its reply); per run. */
export const CALLS_IN_FLIGHT_MAX = 100_000;

/** Ended logical ops the checker still resolves (a request served late names its op); per run. */
export const ENDED_OPS_MAX = 10_000;

/**
 * Grants per resource whose start and maximum age the floor under belief keeps (an answer that
 * comes back late may name a grant others have superseded since); per run.
 */
export const FLOOR_GRANTS_PER_RESOURCE_MAX = 64;

/** Violations a checker lists (the first stops a simulated run; a replay lists them all). */
export const FOUND_MAX = 100;

/**
 * Integers on each fast-check tape a world is drawn from (`@leasehold/sim/fast-check`): more than
 * its draw takes (shape 4, faults two per fault kind, settings about 25), so every draw is random
 * until fast-check shrinks it; past the end a tape reads 0, the least choice.
 */
export const TAPE_SHAPE_INTS = 8;
export const TAPE_FAULTS_INTS = 64;
export const TAPE_SETTINGS_INTS = 48;
/** Picks from the TTL menu while drawing a world's TTLs (a seed needs a few; a tape may repeat). */
export const TTL_PICKS_MAX = 64;

/**
 * `dst zoo`: seeds per base sweep before a variant counts as missed, and base sweeps per variant.
 * A variant is caught with margin when every base finds it within ZOO_MARGIN_PCT of the budget
 * (`test/zoo-cli.test.ts` holds every variant to it).
 */
export const ZOO_BUDGET_DEFAULT = 50;
export const ZOO_BASES_DEFAULT = 5;
export const ZOO_MARGIN_PCT = 50;

/** Replicas of the lease service in the service topology: the range a seed draws from. */
export const REPLICAS_MIN = 1;
export const REPLICAS_MAX = 3;
/**
 * An agent's request timeout in the service topology, as a multiple of the store's: a replica
 * may spend several store round trips on one request, so most answers come in time and some
 * do not (the agent then retries, not knowing whether its request applied).
 */
export const HTTP_TIMEOUT_FACTOR_MIN = 2;
export const HTTP_TIMEOUT_FACTOR_MAX = 8;
/** How long one network partition lasts (ms). */
export const PARTITION_MS_MIN = 50;
export const PARTITION_MS_MAX = 3_000;
/** Requests an agent may have in flight at once (keep-alives beside its work); per run. */
export const REQUESTS_IN_FLIGHT_MAX = 100_000;

/**
 * How much earlier than the belief end a gate may close and still meet the floor under belief: a
 * keep-alive gives its lease up a moment before the belief end, so its signal is aborted in time.
 */
export const BELIEF_GATE_LEAD_MS = 1;

/** Resources an acquireAll names at most (a repeat among them is taken once). */
export const ACQUIRE_ALL_NAMES_MAX = 3;

/**
 * Bytes of trace hashed per call: lines are written as UTF-8 into one buffer and hashed once it
 * holds this many (the same digest as line by line, with fewer calls and no string per line).
 */
export const HASH_BATCH_BYTES = 65_536;

/**
 * Store states the world keeps for the queries in flight (`store-states.ts`): a query open across
 * more writes than this is not judged.
 */
export const QUERY_STATES_MAX = 4_096;

/** The largest page a listing or a history may ask for, as the API documents it. */
export const QUERY_LIMIT_DOCUMENTED_MAX = 1_000;
