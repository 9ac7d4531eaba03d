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
(*  - a state constraint bounds time and tokens, so TLC finishes;          *)
(*  - every invariant has a configuration that violates it (constant Bug). *)
(* Time is in ticks. The model has no clock drift: the belief margin only  *)
(* covers drift (README, "Why belief is safe"), so Margin may be 0.        *)
(***************************************************************************)
EXTENDS Integers

CONSTANTS
    Node,          \* the nodes (model values)
    None,          \* a model value: nobody
    Lagging,       \* nodes whose wall clock lags true time by MaxClockSkew \div 2; the rest lead
    TTL,           \* lease time to live
    Grace,         \* extra wait past expiry before a takeover
    MaxClockSkew,  \* any two wall clocks differ by at most this (even)
    Margin,        \* belief ends this long before send + TTL
    MaxTime,       \* state constraint: true time
    MaxToken,      \* state constraint: fencing tokens
    ClockJumps,    \* wall clocks may also step within the bound (BOOLEAN)
    Bug            \* "none", or the one known bug this configuration switches on

Bugs == {"none", "unknownOutcomeAsGrant", "acquireBlindWrite",
         "releaseWithoutOwnerCheck", "claimWithoutSkewMargin",
         "renewWithoutOwnerCheck", "claimWaitsDoubleSkew",
         "tokenResetOnRelease", "fenceWithoutTokenCheck",
         "renewWithoutExpiryCheck", "acquireIgnoresRequestId"}

ASSUME /\ Bug \in Bugs
       /\ Lagging \subseteq Node
       /\ None \notin Node
       /\ MaxClockSkew \in Nat /\ MaxClockSkew % 2 = 0
       /\ TTL \in Nat /\ Grace \in Nat /\ Margin \in Nat /\ Margin < TTL

VARIABLES
    now,       \* true time
    rec,       \* the store's record of the resource
    fenceMax,  \* the highest token the fenced resource has accepted
    nd         \* per node: program counter, clock offset and memory (see NodeFields)

vars == <<now, rec, fenceMax, nd>>

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

Wall(n) == now + nd[n].offset
Believes(n) == nd[n].beliefEnd > now
Earliest(s) == IF s < 0 \/ s > now THEN now ELSE s
BeliefEnd(s) == IF s + TTL - Margin > now THEN s + TTL - Margin ELSE 0

(* The takeover point as the (possibly buggy) client decides it; the spec's *)
(* rule is expiresAt + Grace + MaxClockSkew on the claimant's own clock.    *)
ClaimFrom(e) == CASE Bug = "claimWithoutSkewMargin" -> e + Grace
                  [] Bug = "claimWaitsDoubleSkew"   -> e + Grace + 2 * MaxClockSkew
                  [] OTHER                          -> e + Grace + MaxClockSkew
ClaimableBySpec(r, w) == r.status # "held" \/ w >= r.expiresAt + Grace + MaxClockSkew

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
Overtaken(f, w) ==
    [m \in Node |-> IF m # w /\ f[m].pc \in WriteStages THEN [f[m] EXCEPT !.dirty = TRUE]
                    ELSE f[m]]

RetryStage(p) == CASE p \in {"acqWrite", "acqReply"} -> "acqRead"
                   [] p \in {"renWrite", "renReply"} -> "renRead"
                   [] OTHER                          -> "relRead"

(* ---------------------------- the client's decisions ------------------- *)

AcquireDecision(n) ==
    IF Bug # "acquireIgnoresRequestId" /\ n \in rec.rids
    THEN IF rec.status = "held" /\ rec.holder = n THEN "replayGranted" ELSE "replayExpired"
    ELSE IF rec.status = "held" /\ Wall(n) < ClaimFrom(rec.expiresAt) THEN "held"
    ELSE "grant"

RenewAllowed(n) ==
    /\ rec.status = "held"
    /\ Bug = "renewWithoutOwnerCheck" \/ (rec.holder = n /\ rec.token = nd[n].leaseToken)
    /\ Bug = "renewWithoutExpiryCheck" \/ Wall(n) < rec.expiresAt

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

Tick ==
    /\ now' = now + 1
    /\ nd' = [m \in Node |-> IF nd[m].beliefEnd # 0 /\ nd[m].beliefEnd <= now + 1
                             THEN [nd[m] EXCEPT !.beliefEnd = 0] ELSE nd[m]]
    /\ UNCHANGED <<rec, fenceMax>>

ClockJump(n, o) ==
    /\ ClockJumps
    /\ o # nd[n].offset
    /\ nd' = [nd EXCEPT ![n].offset = o]
    /\ UNCHANGED <<now, rec, fenceMax>>

AcquireRead(n) ==
    /\ nd[n].pc \in {"idle", "acqRead"}
    /\ CASE AcquireDecision(n) = "replayGranted" ->
              IF BeliefEnd(nd[n].sendAt) > 0 THEN ToHolding(n, rec.token, BeliefEnd(nd[n].sendAt))
              ELSE ToIdle(n)
         [] AcquireDecision(n) \in {"replayExpired", "held"} -> ToIdle(n)
         [] AcquireDecision(n) = "grant" ->
              /\ nd' = [nd EXCEPT ![n] = Sent(nd[n], "acqWrite", rec.token + 1, Wall(n) + TTL)]
              /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax>>

AcquireWrite(n) ==
    /\ nd[n].pc = "acqWrite"
    /\ IF nd[n].dirty /\ Bug # "acquireBlindWrite"
       THEN /\ nd' = Answered(nd, n, "acqReply", FALSE)
            /\ UNCHANGED rec
       ELSE /\ rec' = [status |-> "held", holder |-> n, token |-> rec.token + 1,
                       expiresAt |-> nd[n].pendingExp, rids |-> rec.rids \cup {n}]
            /\ nd' = Overtaken([Answered(nd, n, "acqReply", TRUE) EXCEPT
                                ![n].replyToken = rec.token + 1, ![n].opGranted = TRUE], n)
    /\ UNCHANGED <<now, fenceMax>>

AcquireReply(n) ==
    /\ nd[n].pc = "acqReply"
    /\ IF ~nd[n].replyApplied
       THEN /\ nd' = [nd EXCEPT ![n].pc = "acqRead", ![n].replyToken = 0]
            /\ UNCHANGED rec
       ELSE IF BeliefEnd(nd[n].sendAt) > 0
            THEN ToHolding(n, nd[n].replyToken, BeliefEnd(nd[n].sendAt))
            ELSE ToIdle(n)
    /\ UNCHANGED <<now, fenceMax>>

RenewRead(n) ==
    /\ nd[n].pc \in {"holding", "renRead"}
    /\ IF RenewAllowed(n)
       THEN /\ nd' = [nd EXCEPT ![n] =
                 Sent(IF nd[n].pc = "holding" THEN [nd[n] EXCEPT !.sendAt = -1] ELSE nd[n],
                      "renWrite", nd[n].leaseToken, Wall(n) + TTL)]
            /\ UNCHANGED rec
       ELSE ToIdle(n)
    /\ UNCHANGED <<now, fenceMax>>

RenewWrite(n) ==
    /\ nd[n].pc = "renWrite"
    /\ IF nd[n].dirty
       THEN /\ nd' = Answered(nd, n, "renReply", FALSE)
            /\ UNCHANGED rec
       ELSE /\ rec' = [rec EXCEPT !.expiresAt = IF nd[n].pendingExp > @ THEN nd[n].pendingExp
                                                 ELSE @]
            /\ nd' = Overtaken(Answered(nd, n, "renReply", TRUE), n)
    /\ UNCHANGED <<now, fenceMax>>

RenewReply(n) ==
    /\ nd[n].pc = "renReply"
    /\ IF ~nd[n].replyApplied
       THEN /\ nd' = [nd EXCEPT ![n].pc = "renRead", ![n].replyToken = 0]
            /\ UNCHANGED rec
       ELSE ToHolding(n, nd[n].leaseToken, BeliefEnd(nd[n].sendAt))
    /\ UNCHANGED <<now, fenceMax>>

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
    /\ UNCHANGED <<now, fenceMax>>

ReleaseWrite(n) ==
    /\ nd[n].pc = "relWrite"
    /\ IF nd[n].dirty
       THEN /\ nd' = Answered(nd, n, "relReply", FALSE)
            /\ UNCHANGED rec
       ELSE /\ rec' = [status |-> "free", holder |-> rec.holder,
                       token |-> IF Bug = "tokenResetOnRelease" THEN 0 ELSE rec.token,
                       expiresAt |-> 0, rids |-> rec.rids]
            /\ nd' = Overtaken(Answered(nd, n, "relReply", TRUE), n)
    /\ UNCHANGED <<now, fenceMax>>

ReleaseReply(n) ==
    /\ nd[n].pc = "relReply"
    /\ IF nd[n].replyApplied
       THEN ToIdle(n)
       ELSE /\ nd' = [nd EXCEPT ![n].pc = "relRead", ![n].replyToken = 0]
            /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax>>

(* The store is unavailable: the write in flight is refused before it applies. *)
WriteFail(n) ==
    /\ nd[n].pc \in WriteStages
    /\ IF Bug = "unknownOutcomeAsGrant" /\ nd[n].pc = "acqWrite"
       THEN ToHolding(n, nd[n].replyToken, BeliefEnd(nd[n].sendAt))
       ELSE /\ nd' = [nd EXCEPT ![n].pc = RetryStage(nd[n].pc), ![n].dirty = FALSE,
                                ![n].pendingExp = 0, ![n].replyToken = 0]
            /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax>>

(* The reply is lost: the client cannot tell whether the write applied. *)
ReplyLost(n) ==
    /\ nd[n].pc \in ReplyStages
    /\ IF Bug = "unknownOutcomeAsGrant" /\ nd[n].pc = "acqReply"
       THEN ToHolding(n, nd[n].replyToken, BeliefEnd(nd[n].sendAt))
       ELSE /\ nd' = [nd EXCEPT ![n].pc = RetryStage(nd[n].pc), ![n].replyToken = 0,
                                ![n].replyApplied = FALSE]
            /\ UNCHANGED rec
    /\ UNCHANGED <<now, fenceMax>>

FencedWriteSend(n) ==
    /\ nd[n].pc = "holding"
    /\ nd[n].beliefEnd # 0
    /\ nd[n].fenced = 0
    /\ nd' = [nd EXCEPT ![n].fenced = nd[n].leaseToken]
    /\ UNCHANGED <<now, rec, fenceMax>>

(* However late, even after its sender crashed or lost the lease. *)
FencedWriteArrive(n) ==
    /\ nd[n].fenced # 0
    /\ fenceMax' = IF ResourceAccepts(nd[n].fenced) /\ nd[n].fenced > fenceMax
                   THEN nd[n].fenced ELSE fenceMax
    /\ nd' = [nd EXCEPT ![n].fenced = 0]
    /\ UNCHANGED <<now, rec>>

(* The holder stops using its lease without releasing it: it will expire. *)
Abandon(n) ==
    /\ nd[n].pc = "holding"
    /\ nd' = [nd EXCEPT ![n].pc = "idle", ![n].leaseToken = 0, ![n].beliefEnd = 0]
    /\ UNCHANGED <<now, rec, fenceMax>>

(* The process dies, loses its memory and starts again empty (staying down *)
(* is indistinguishable from idling). A fenced write in flight still       *)
(* arrives; a compare-and-set in flight is dropped.                        *)
Crash(n) ==
    /\ nd[n].pc # "idle" \/ nd[n].opGranted
    /\ ToIdle(n)
    /\ UNCHANGED <<now, fenceMax>>

Next ==
    \/ Tick
    \/ \E n \in Node :
        \/ AcquireRead(n) \/ AcquireWrite(n) \/ AcquireReply(n)
        \/ RenewRead(n) \/ RenewWrite(n) \/ RenewReply(n)
        \/ ReleaseRead(n) \/ ReleaseWrite(n) \/ ReleaseReply(n)
        \/ WriteFail(n) \/ ReplyLost(n)
        \/ FencedWriteSend(n) \/ FencedWriteArrive(n)
        \/ Abandon(n) \/ Crash(n)
        \/ \E o \in -Half..Half : ClockJump(n, o)

Spec == Init /\ [][Next]_vars

StateConstraint == now <= MaxTime /\ rec.token <= MaxToken

TypeOK ==
    /\ now \in Nat
    /\ rec.status \in {"none", "held", "free"}
    /\ rec.holder \in Node \cup {None}
    /\ rec.rids \subseteq Node
    /\ fenceMax \in Nat
    /\ \A n \in Node : nd[n].pc \in Pcs /\ nd[n].offset \in -Half..Half

(* ---------------------------- invariants I-1..I-8 ---------------------- *)
(* Ids and names as in DESIGN.md section 4 and CONSTRAINTS.md C-6.         *)

\* I-1
LeaseUniqueness == \A m, n \in Node : Believes(m) /\ Believes(n) => m = n

\* I-2
BeliefConsistency ==
    \A n \in Node : Believes(n) =>
        /\ rec.status = "held" /\ rec.holder = n /\ rec.token = nd[n].leaseToken
        /\ \A m \in Node : ~ClaimableBySpec(rec, Wall(m))

RenewApplied(n) == nd[n].pc = "renWrite" /\ nd'[n].pc = "renReply" /\ nd'[n].replyApplied
GrantApplied(n) == nd[n].pc = "acqWrite" /\ nd'[n].pc = "acqReply" /\ nd'[n].replyApplied

\* I-3
RenewalRequiresOwnershipStep ==
    \A n \in Node : RenewApplied(n) =>
        /\ rec.status = "held" /\ rec.holder = n /\ rec.token = nd[n].leaseToken
        /\ rec'.holder = rec.holder /\ rec'.token = rec.token
RenewalRequiresOwnership == [][RenewalRequiresOwnershipStep]_vars

\* I-4 (safety half; the liveness half is checked by the simulator's probe)
ExpiredLeaseClaimableStep ==
    \A n \in Node : (AcquireRead(n) /\ AcquireDecision(n) = "held") =>
        ~ClaimableBySpec(rec, Wall(n))
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
