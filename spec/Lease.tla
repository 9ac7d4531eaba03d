------------------------------- MODULE Lease -------------------------------
(***************************************************************************)
(* The leasehold lease protocol for one resource: the source of truth that *)
(* packages/model mirrors action for action (same names) and that the      *)
(* simulator's traces are validated against. See spec/README.md.           *)
(*                                                                         *)
(* What makes it stronger than the usual lease spec:                       *)
(*  - wall clocks lag as well as lead true time, within MaxClockSkew;      *)
(*  - acquire, renew and release are each a read (with the client's        *)
(*    decision, which follows the read with no await), a conditional      *)
(*    write that reaches the store later, and a reply that may be lost;    *)
(*  - nodes crash and lose their memory;                                   *)
(*  - holders write to a fenced resource, and those writes may arrive      *)
(*    late (after a crash, after a takeover);                              *)
(*  - an admin force-releases a held lease and a cleanup expires one, each *)
(*    in one atomic step that overtakes every compare-and-set in flight;   *)
(*  - in the service (Replica # {}), replicas decide on their own wall     *)
(*    clocks while the agent counts its belief from its own send;          *)
(*  - a state constraint bounds time and tokens, so TLC finishes;          *)
(*  - every invariant has a configuration that violates it (constant Bug). *)
(* Time is in ticks. The model has no clock drift: the belief margin only  *)
(* covers drift (README, "Why belief is safe"), so Margin may be 0.        *)
(***************************************************************************)
EXTENDS Integers

CONSTANTS
    Node,          \* the nodes (model values): the library's clients, or the service's agents
    Replica,       \* the service's replicas (model values); {}: the in-process library
    None,          \* a model value: nobody (also the admin's identity)
    Lagging,       \* nodes whose wall clock lags true time by MaxClockSkew \div 2; the rest lead
    LaggingReplicas, \* replicas whose wall clock lags likewise; the rest lead
    TTL,           \* lease time to live
    Grace,         \* extra wait past expiry before a takeover
    MaxClockSkew,  \* any two wall clocks differ by at most this (even)
    Margin,        \* belief ends this long before send + TTL
    MaxTime,       \* state constraint: true time
    MaxToken,      \* state constraint: fencing tokens
    ClockJumps,    \* wall clocks may also step within the bound (BOOLEAN)
    Bug            \* "none", or the one known bug this configuration switches on

Bugs == {"none", "unknownOutcomeAsGrant", "acquireBlindWrite",
         "releaseWithoutOwnerCheck", "claimWithoutSkewMargin", "forceReleaseKeepsToken",
         "renewWithoutOwnerCheck", "forceReleaseIgnoresExpectedHolder",
         "expireBeforeClaimable", "claimWaitsDoubleSkew",
         "tokenResetOnRelease", "fenceWithoutTokenCheck",
         "renewWithoutExpiryCheck", "acquireIgnoresRequestId"}

ASSUME /\ Bug \in Bugs
       /\ Lagging \subseteq Node
       /\ LaggingReplicas \subseteq Replica
       /\ Node \cap Replica = {}
       /\ None \notin Node \cup Replica
       /\ MaxClockSkew \in Nat /\ MaxClockSkew % 2 = 0
       /\ TTL \in Nat /\ Grace \in Nat /\ Margin \in Nat /\ Margin < TTL

VARIABLES
    now,          \* true time
    rec,          \* the store's record of the resource
    fenceMax,     \* the highest token the fenced resource has accepted
    nd,           \* per node: program counter, clock offset and memory (see IdleFields)
    roff,         \* per replica: its wall clock's offset from true time
    evictedBelow  \* ghost: a force-release fenced every token below it (see Evicted)

vars == <<now, rec, fenceMax, nd, roff, evictedBelow>>

Half == MaxClockSkew \div 2
Pcs == {"idle", "acqRead", "acqWrite", "acqReply", "holding",
        "renRead", "renWrite", "renReply", "relRead", "relWrite", "relReply"}
WriteStages == {"acqWrite", "renWrite", "relWrite"}
ReplyStages == {"acqReply", "renReply", "relReply"}

(* rids: request ids are only ever compared for equality with the acquiring *)
(* node's current id, so the record keeps the set of nodes whose current    *)
(* acquire id is among its recent grants (core: recentGrants); an operation *)
(* that ends retires its id (Retired), which renames it and is no write.    *)
NoRecord == [status |-> "none", holder |-> None, token |-> 0, expiresAt |-> 0, rids |-> {}]

(* A node's fields. sendAt: earliest send of the current operation (-1:     *)
(* none); dirty: its compare-and-set in flight was overtaken by another     *)
(* write; pendingExp: the expiry that write carries; replyToken/           *)
(* replyApplied: the token proposed or presented, and the store's answer;  *)
(* beliefEnd: true time belief ends (0: no belief); fenced: token of a      *)
(* fenced write in flight (0: none); opGranted: ghost for I-8.             *)
IdleFields(offset, fenced) ==
    [pc |-> "idle", offset |-> offset, dirty |-> FALSE, pendingExp |-> 0, sendAt |-> -1,
     leaseToken |-> 0, beliefEnd |-> 0, replyToken |-> 0, replyApplied |-> FALSE,
     fenced |-> fenced, opGranted |-> FALSE]

(* The clocks. In the library (Replica = {}) each node decides on its own  *)
(* wall clock. In the service the replica that serves a request decides on *)
(* its wall clock (any replica may serve any request), while the agent      *)
(* still counts its belief from its own send (sendAt, in true time: the     *)
(* model has no drift, so the agent's monotonic clock reads true time).     *)
Clocks == Node \cup Replica
Deciders(n) == IF Replica = {} THEN {n} ELSE Replica
Offset(c) == IF c \in Node THEN nd[c].offset ELSE roff[c]
Wall(c) == now + Offset(c)

Believes(n) == nd[n].beliefEnd > now

(* An admin's force-release evicts the holder on purpose: it raises the     *)
(* token past the holder's, so fencing (I-6) stops the evicted holder, and  *)
(* I-1 and I-2 do not protect its belief. A belief whose token is not below *)
(* the token a force-release wrote (the keeps-token bug) is protected.      *)
Evicted(n) == nd[n].leaseToken < evictedBelow

Earliest(s) == IF s < 0 \/ s > now THEN now ELSE s
BeliefEnd(s) == IF s + TTL - Margin > now THEN s + TTL - Margin ELSE 0

(* The takeover point as the (possibly buggy) client decides it; the spec's *)
(* rule is expiresAt + Grace + MaxClockSkew on the claimant's own clock.    *)
ClaimFrom(e) == CASE Bug = "claimWithoutSkewMargin" -> e + Grace
                  [] Bug = "claimWaitsDoubleSkew"   -> e + Grace + 2 * MaxClockSkew
                  [] OTHER                          -> e + Grace + MaxClockSkew
ClaimableBySpec(r, w) == r.status # "held" \/ w >= r.expiresAt + Grace + MaxClockSkew
(* The point from which a cleanup expires a held lease, as it decides it.   *)
ExpireFrom(e) == IF Bug = "expireBeforeClaimable" THEN e ELSE e + Grace + MaxClockSkew

Retired(r, n) == [r EXCEPT !.rids = @ \ {n}]

ToIdle(n) ==
    /\ nd' = [nd EXCEPT ![n] = IdleFields(nd[n].offset, nd[n].fenced)]
    /\ rec' = Retired(rec, n)

ToHolding(n, token, end) ==
    /\ nd' = [nd EXCEPT ![n] = [nd[n] EXCEPT !.pc = "holding", !.dirty = FALSE,
                 !.pendingExp = 0, !.sendAt = -1, !.leaseToken = token, !.beliefEnd = end,
                 !.replyToken = 0, !.replyApplied = FALSE, !.opGranted = FALSE]]
    /\ rec' = Retired(rec, n)

Sent(x, pc, token, exp) ==
    [x EXCEPT !.pc = pc, !.dirty = FALSE, !.pendingExp = exp, !.replyToken = token,
              !.replyApplied = FALSE, !.sendAt = Earliest(x.sendAt)]

Answered(f, n, pc, applied) ==
    [f EXCEPT ![n].pc = pc, ![n].dirty = FALSE, ![n].pendingExp = 0,
              ![n].replyApplied = applied]

(* A write applied: every other compare-and-set in flight is now stale.     *)
(* w = None: the admin's or the cleanup's write, which overtakes them all.  *)
Overtaken(f, w) ==
    [m \in Node |-> IF m # w /\ f[m].pc \in WriteStages THEN [f[m] EXCEPT !.dirty = TRUE]
                    ELSE f[m]]

RetryStage(p) == CASE p \in {"acqWrite", "acqReply"} -> "acqRead"
                   [] p \in {"renWrite", "renReply"} -> "renRead"
                   [] OTHER                          -> "relRead"

(* ---------------------------- the client's decisions ------------------- *)

(* n's request, decided on the wall clock of d \in Deciders(n).            *)
AcquireDecision(n, d) ==
    IF Bug # "acquireIgnoresRequestId" /\ n \in rec.rids
    THEN IF rec.status = "held" /\ rec.holder = n THEN "replayGranted" ELSE "replayExpired"
    ELSE IF rec.status = "held" /\ Wall(d) < ClaimFrom(rec.expiresAt) THEN "held"
    ELSE "grant"

RenewAllowed(n, d) ==
    /\ rec.status = "held"
    /\ Bug = "renewWithoutOwnerCheck" \/ (rec.holder = n /\ rec.token = nd[n].leaseToken)
    /\ Bug = "renewWithoutExpiryCheck" \/ Wall(d) < rec.expiresAt

ReleaseWrites(n) ==
    /\ rec.status = "held"
    /\ Bug = "releaseWithoutOwnerCheck" \/ (rec.holder = n /\ rec.token = nd[n].leaseToken)

ResourceAccepts(t) == Bug = "fenceWithoutTokenCheck" \/ t >= fenceMax

(* ---------------------------- Init and the actions --------------------- *)

Init ==
    /\ now = 0
    /\ rec = NoRecord
    /\ fenceMax = 0
    /\ nd = [n \in Node |-> IdleFields(IF n \in Lagging THEN -Half ELSE Half, 0)]
    /\ roff = [r \in Replica |-> IF r \in LaggingReplicas THEN -Half ELSE Half]
    /\ evictedBelow = 0

Tick ==
    /\ now' = now + 1
    /\ nd' = [m \in Node |-> IF nd[m].beliefEnd # 0 /\ nd[m].beliefEnd <= now + 1
                             THEN [nd[m] EXCEPT !.beliefEnd = 0] ELSE nd[m]]
    /\ UNCHANGED <<rec, fenceMax, roff, evictedBelow>>

(* A node's or a replica's wall clock steps within the bound. *)
ClockJump(c, o) ==
    /\ ClockJumps
    /\ o # Offset(c)
    /\ IF c \in Node THEN /\ nd' = [nd EXCEPT ![c].offset = o]
                          /\ UNCHANGED roff
                     ELSE /\ roff' = [roff EXCEPT ![c] = o]
                          /\ UNCHANGED nd
    /\ UNCHANGED <<now, rec, fenceMax, evictedBelow>>

(* The read and the decision on d's clock; the expiry the grant writes is   *)
(* d's wall clock plus TTL, while n's belief counts from its send (now).    *)
AcquireRead(n, d) ==
    /\ nd[n].pc \in {"idle", "acqRead"}
    /\ CASE AcquireDecision(n, d) = "replayGranted" ->
              IF BeliefEnd(nd[n].sendAt) > 0 THEN ToHolding(n, rec.token, BeliefEnd(nd[n].sendAt))
              ELSE ToIdle(n)
         [] AcquireDecision(n, d) \in {"replayExpired", "held"} -> ToIdle(n)
         [] AcquireDecision(n, d) = "grant" ->
              /\ nd' = [nd EXCEPT ![n] = Sent(nd[n], "acqWrite", rec.token + 1, Wall(d) + TTL)]
              /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

AcquireWrite(n) ==
    /\ nd[n].pc = "acqWrite"
    /\ IF nd[n].dirty /\ Bug # "acquireBlindWrite"
       THEN /\ nd' = Answered(nd, n, "acqReply", FALSE)
            /\ UNCHANGED rec
       ELSE /\ rec' = [status |-> "held", holder |-> n, token |-> rec.token + 1,
                       expiresAt |-> nd[n].pendingExp, rids |-> rec.rids \cup {n}]
            /\ nd' = Overtaken([Answered(nd, n, "acqReply", TRUE) EXCEPT
                                ![n].replyToken = rec.token + 1, ![n].opGranted = TRUE], n)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

AcquireReply(n) ==
    /\ nd[n].pc = "acqReply"
    /\ IF ~nd[n].replyApplied
       THEN /\ nd' = [nd EXCEPT ![n].pc = "acqRead", ![n].replyToken = 0]
            /\ UNCHANGED rec
       ELSE IF BeliefEnd(nd[n].sendAt) > 0
            THEN ToHolding(n, nd[n].replyToken, BeliefEnd(nd[n].sendAt))
            ELSE ToIdle(n)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

RenewRead(n, d) ==
    /\ nd[n].pc \in {"holding", "renRead"}
    /\ IF RenewAllowed(n, d)
       THEN /\ nd' = [nd EXCEPT ![n] =
                 Sent(IF nd[n].pc = "holding" THEN [nd[n] EXCEPT !.sendAt = -1] ELSE nd[n],
                      "renWrite", nd[n].leaseToken, Wall(d) + TTL)]
            /\ UNCHANGED rec
       ELSE ToIdle(n)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

RenewWrite(n) ==
    /\ nd[n].pc = "renWrite"
    /\ IF nd[n].dirty
       THEN /\ nd' = Answered(nd, n, "renReply", FALSE)
            /\ UNCHANGED rec
       ELSE /\ rec' = [rec EXCEPT !.expiresAt = IF nd[n].pendingExp > @ THEN nd[n].pendingExp
                                                 ELSE @]
            /\ nd' = Overtaken(Answered(nd, n, "renReply", TRUE), n)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

RenewReply(n) ==
    /\ nd[n].pc = "renReply"
    /\ IF ~nd[n].replyApplied
       THEN /\ nd' = [nd EXCEPT ![n].pc = "renRead", ![n].replyToken = 0]
            /\ UNCHANGED rec
       ELSE ToHolding(n, nd[n].leaseToken, BeliefEnd(nd[n].sendAt))
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

(* The holder stops believing before it sends the release.                 *)
ReleaseRead(n) ==
    /\ nd[n].pc \in {"holding", "relRead"}
    /\ IF ReleaseWrites(n)
       THEN /\ nd' = [nd EXCEPT ![n] =
                 Sent([nd[n] EXCEPT !.beliefEnd = 0,
                                    !.sendAt = IF nd[n].pc = "holding" THEN -1 ELSE nd[n].sendAt],
                      "relWrite", nd[n].leaseToken, 0)]
            /\ UNCHANGED rec
       ELSE ToIdle(n)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

ReleaseWrite(n) ==
    /\ nd[n].pc = "relWrite"
    /\ IF nd[n].dirty
       THEN /\ nd' = Answered(nd, n, "relReply", FALSE)
            /\ UNCHANGED rec
       ELSE /\ rec' = [status |-> "free", holder |-> rec.holder,
                       token |-> IF Bug = "tokenResetOnRelease" THEN 0 ELSE rec.token,
                       expiresAt |-> 0, rids |-> rec.rids]
            /\ nd' = Overtaken(Answered(nd, n, "relReply", TRUE), n)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

ReleaseReply(n) ==
    /\ nd[n].pc = "relReply"
    /\ IF nd[n].replyApplied
       THEN ToIdle(n)
       ELSE /\ nd' = [nd EXCEPT ![n].pc = "relRead", ![n].replyToken = 0]
            /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

(* The store is unavailable: the write in flight is refused before it applies. *)
WriteFail(n) ==
    /\ nd[n].pc \in WriteStages
    /\ IF Bug = "unknownOutcomeAsGrant" /\ nd[n].pc = "acqWrite"
       THEN ToHolding(n, nd[n].replyToken, BeliefEnd(nd[n].sendAt))
       ELSE /\ nd' = [nd EXCEPT ![n].pc = RetryStage(nd[n].pc), ![n].dirty = FALSE,
                                ![n].pendingExp = 0, ![n].replyToken = 0]
            /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

(* The reply is lost: the client cannot tell whether the write applied. *)
ReplyLost(n) ==
    /\ nd[n].pc \in ReplyStages
    /\ IF Bug = "unknownOutcomeAsGrant" /\ nd[n].pc = "acqReply"
       THEN ToHolding(n, nd[n].replyToken, BeliefEnd(nd[n].sendAt))
       ELSE /\ nd' = [nd EXCEPT ![n].pc = RetryStage(nd[n].pc), ![n].replyToken = 0,
                                ![n].replyApplied = FALSE]
            /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

FencedWriteSend(n) ==
    /\ nd[n].pc = "holding"
    /\ nd[n].beliefEnd # 0
    /\ nd[n].fenced = 0
    /\ nd' = [nd EXCEPT ![n].fenced = nd[n].leaseToken]
    /\ UNCHANGED <<now, rec, fenceMax, roff, evictedBelow>>

(* However late, even after its sender crashed or lost the lease. *)
FencedWriteArrive(n) ==
    /\ nd[n].fenced # 0
    /\ fenceMax' = IF ResourceAccepts(nd[n].fenced) /\ nd[n].fenced > fenceMax
                   THEN nd[n].fenced ELSE fenceMax
    /\ nd' = [nd EXCEPT ![n].fenced = 0]
    /\ UNCHANGED <<now, rec, roff, evictedBelow>>

(* The holder stops using its lease without releasing it: it will expire. *)
Abandon(n) ==
    /\ nd[n].pc = "holding"
    /\ nd' = [nd EXCEPT ![n].pc = "idle", ![n].leaseToken = 0, ![n].beliefEnd = 0]
    /\ UNCHANGED <<now, rec, fenceMax, roff, evictedBelow>>

(* The process dies, loses its memory and starts again empty (staying down *)
(* is indistinguishable from idling). A fenced write in flight still       *)
(* arrives; a compare-and-set in flight is dropped.                        *)
Crash(n) ==
    /\ nd[n].pc # "idle" \/ nd[n].opGranted
    /\ ToIdle(n)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

(* ---------------------------- the admin and the cleanup ---------------- *)

(* An admin (None: not one of the nodes) frees a held lease and raises its  *)
(* token by one, so the evicted holder is fenced. With an expected holder   *)
(* e \in Node it applies only when e holds the lease; e = None frees        *)
(* whoever holds it. One atomic step: the admin's compare-and-set applied   *)
(* on the record it read, so every node's compare-and-set in flight is now  *)
(* stale. On a record nobody holds it is not enabled (the admin's call      *)
(* writes nothing there). The holder keeps believing until its belief ends: *)
(* that belief is evicted (Evicted), not protected by I-1 and I-2.          *)
ForceRelease(e) ==
    /\ rec.status = "held"
    /\ e = None \/ rec.holder = e \/ Bug = "forceReleaseIgnoresExpectedHolder"
    /\ rec' = [status |-> "free", holder |-> rec.holder,
               token |-> IF Bug = "forceReleaseKeepsToken" THEN rec.token ELSE rec.token + 1,
               expiresAt |-> 0, rids |-> rec.rids]
    /\ evictedBelow' = IF rec'.token > evictedBelow THEN rec'.token ELSE evictedBelow
    /\ nd' = Overtaken(nd, None)
    /\ UNCHANGED <<now, fenceMax, roff>>

(* A cleanup, deciding on the wall clock of d (a node in the library, a     *)
(* replica in the service), frees a held lease once it is claimable on that *)
(* clock, and keeps its token. One atomic step, as ForceRelease; not        *)
(* enabled on a record nobody holds or one not yet claimable.              *)
Expire(d) ==
    /\ rec.status = "held"
    /\ Wall(d) >= ExpireFrom(rec.expiresAt)
    /\ rec' = [status |-> "free", holder |-> rec.holder, token |-> rec.token,
               expiresAt |-> 0, rids |-> rec.rids]
    /\ nd' = Overtaken(nd, None)
    /\ UNCHANGED <<now, fenceMax, roff, evictedBelow>>

Next ==
    \/ Tick
    \/ \E c \in Clocks, o \in -Half..Half : ClockJump(c, o)
    \/ \E e \in Node \cup {None} : ForceRelease(e)
    \/ \E n \in Node :
        \/ \E d \in Deciders(n) : AcquireRead(n, d) \/ RenewRead(n, d) \/ Expire(d)
        \/ AcquireWrite(n) \/ AcquireReply(n)
        \/ RenewWrite(n) \/ RenewReply(n)
        \/ ReleaseRead(n) \/ ReleaseWrite(n) \/ ReleaseReply(n)
        \/ WriteFail(n) \/ ReplyLost(n)
        \/ FencedWriteSend(n) \/ FencedWriteArrive(n)
        \/ Abandon(n) \/ Crash(n)

Spec == Init /\ [][Next]_vars

StateConstraint == now <= MaxTime /\ rec.token <= MaxToken

TypeOK ==
    /\ now \in Nat
    /\ rec.status \in {"none", "held", "free"}
    /\ rec.holder \in Node \cup {None}
    /\ rec.rids \subseteq Node
    /\ fenceMax \in Nat
    /\ evictedBelow \in Nat
    /\ \A n \in Node : nd[n].pc \in Pcs /\ nd[n].offset \in -Half..Half
    /\ \A r \in Replica : roff[r] \in -Half..Half

(* ---------------------------- invariants I-1..I-8 ---------------------- *)
(* Ids and names as in CONSTRAINTS.md C-6.                                *)

(* Both protect every belief but an evicted one (Evicted).                 *)
Protected(n) == Believes(n) /\ ~Evicted(n)

\* I-1
LeaseUniqueness == \A m, n \in Node : Protected(m) /\ Protected(n) => m = n

\* I-2 (claimable on no clock that can decide: neither a node's nor a replica's)
BeliefConsistency ==
    \A n \in Node : Protected(n) =>
        /\ rec.status = "held" /\ rec.holder = n /\ rec.token = nd[n].leaseToken
        /\ \A c \in Clocks : ~ClaimableBySpec(rec, Wall(c))

RenewApplied(n) == nd[n].pc = "renWrite" /\ nd'[n].pc = "renReply" /\ nd'[n].replyApplied
GrantApplied(n) == nd[n].pc = "acqWrite" /\ nd'[n].pc = "acqReply" /\ nd'[n].replyApplied

(* I-3 judges the admin and the cleanup too: an expire applies only once   *)
(* the lease is claimable on the expirer's clock, and a force-release that  *)
(* names an expected holder only to that holder's lease.                    *)
\* I-3
RenewalRequiresOwnershipStep ==
    /\ \A n \in Node : RenewApplied(n) =>
        /\ rec.status = "held" /\ rec.holder = n /\ rec.token = nd[n].leaseToken
        /\ rec'.holder = rec.holder /\ rec'.token = rec.token
    /\ \A n \in Node : \A d \in Deciders(n) : Expire(d) =>
        rec.status = "held" /\ ClaimableBySpec(rec, Wall(d))
    /\ \A e \in Node : ForceRelease(e) => rec.status = "held" /\ rec.holder = e
RenewalRequiresOwnership == [][RenewalRequiresOwnershipStep]_vars

\* I-4 (safety half; the liveness half is checked by the simulator's probe)
ExpiredLeaseClaimableStep ==
    \A n \in Node : \A d \in Deciders(n) :
        (AcquireRead(n, d) /\ AcquireDecision(n, d) = "held") => ~ClaimableBySpec(rec, Wall(d))
ExpiredLeaseClaimable == [][ExpiredLeaseClaimableStep]_vars

\* I-5
FencingMonotonicStep ==
    /\ rec'.token >= rec.token
    /\ \A n \in Node : GrantApplied(n) => rec'.token > rec.token
FencingMonotonic == [][FencingMonotonicStep]_vars

\* I-6
FencedResourceSafetyStep ==
    \A n \in Node : (FencedWriteArrive(n) /\ ResourceAccepts(nd[n].fenced)) =>
        nd[n].fenced >= fenceMax
FencedResourceSafety == [][FencedResourceSafetyStep]_vars

\* I-7
NoResurrectionStep ==
    \A n \in Node : RenewApplied(n) =>
        rec.status = "held" /\ nd[n].pendingExp - TTL < rec.expiresAt
NoResurrection == [][NoResurrectionStep]_vars

\* I-8
IdempotentAcquireStep == \A n \in Node : GrantApplied(n) => ~nd[n].opGranted
IdempotentAcquire == [][IdempotentAcquireStep]_vars

=============================================================================
