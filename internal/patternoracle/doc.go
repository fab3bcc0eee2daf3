// Package patternoracle is a brute-force oracle for pattern matching
// (VPL.md §3, §4.1, §4.5, §4.7, §7; SQL.md §4), used only by tests to check
// the real pattern engine against it on small inputs.
//
// It covers one pattern stream over raw input events: sequences of steps
// with per-step types and predicates, Kleene+ steps anywhere (first,
// middle, last, with prefix emission when last), .within by event time and
// watermark, .not negations (kill-only, or trailing with .within: absence),
// .partition_by on one field, the policies next, any and strict, an
// out_of_order watermark allowance, the §4.7 limits, and the match record
// with alias fields, alias aggregates, event_time and .emit(). Named
// patterns (VPL.md §2, Pattern.Named) add optional items `T?` and `T*`,
// NOT items inside SEQ, `I1 AND I2` (Pattern.And) and `P1 OR P2 …`
// (Pattern.Or), following the readings N1–N11 of docs/patterns.md
// ("Named patterns"); RandomNamed generates such cases.
//
// Policy next and strict are a literal per-event simulation of the words
// of §4.5.2–§4.5.6 (simulate.go): runs, offered each dispatched event in
// run-start order, binding, collecting, moving on, completing. Policy any
// is derived from its definition instead ("every combination is
// produced", enumerate.go): every choice of input positions satisfying the
// steps, the order, the predicates, within, the negations and the
// partition; the package's tests check it against a literal branching-run
// simulation, check strict against its definition on top of next, and
// check next against the MATCH_RECOGNIZE lowering of SQL.md §4.5. Nothing
// is optimised.
//
// The named forms follow the same scheme: next and strict runs apply
// N2–N6 and N9 literally (a run's progress, its reach, the furthest step,
// prefix emission, bars); any enumerates their definition by combinations
// (an optional step holds zero or one event, a `*` step zero or more, a
// NOT item guards the interval between the nearest non-empty steps around
// it, an AND takes its items in either order); the tests check one
// against the other on generated cases. Each side of an OR is matched on
// its own and the sides' matches are merged (N10).
//
// Matches computes the exact output lines (§7.2 JSON form, §7.3 order)
// and Positions the bound input positions of each match; Pattern.VPL
// renders the equivalent VPL stream and Evt the equivalent .evt input, so
// a test can feed both sides the same case; Random generates small cases.
// Predicates and .emit items are Exprs: Go evaluations with their VPL text,
// built with Field, Ref, Lit, Cmp, Arith, EventTime, EventType, Agg, or
// Func for anything else.
//
// MatchRecognize (rowpattern.go) enumerates the matches of a SQL row
// pattern (SQL.md §4.1–§4.2) over one partition's rows by definition: all
// ways to map rows to pattern variables, ordered by SQL:2016 preference.
//
// # Readings of the specification
//
// Where the specification leaves a choice, this package takes the
// following readings (each is repeated at the code that implements it):
//
//  1. Watermark. One source (the input), so every input event — of any
//     type, read by the stream or not — updates maxTs and runs a watermark
//     phase: W = max(previous W, maxTs − out_of_order), starting at −∞.
//     Only events whose type is a step's or a negation's are dispatched to
//     the stream. At the end of input W becomes +∞ (§3): waiting absence
//     runs complete, every other run with a deadline is removed, runs
//     without .within stay silent. Deadlines saturate at +∞.
//  2. Policy any and §4.5.3: an event with ts > deadline(r) that a run
//     could bind or collect creates no copy, and the original keeps waiting
//     (it is not removed, unlike under next); so every bound event of a
//     match has ts ≤ deadline. The watermark removal applies to every copy.
//  3. A waiting absence run whose last step is Kleene ignores an event with
//     ts > deadline(r) (it is neither collected nor removes the run): §4.5.5
//     says the run completes "unless a negation removed it first", and SQL's
//     timeout rows consider only rows with ts ≤ deadline. Under strict the
//     event was not collected, so the strict rule removes the run.
//  4. Policy any: an event that lets a Kleene run move on to the next step
//     may also be collected by another copy (every combination), so under
//     any a Kleene element may match the following step too.
//  5. Negations see the run's aliases as bound when the negation event is
//     dispatched, before it is offered (§4.5.2 (1)): an alias not bound yet
//     is null, so a predicate using it is not true and does not kill; a
//     Kleene alias reads its last element so far. The event that starts a
//     run is never a negation event for that run.
//  6. Strict applies to waiting absence runs too: a later event of the
//     partition whose type occurs in some step and that the run does not
//     collect removes it. An event a strict run does not collect because
//     of max_kleene removes it.
//  7. In an ordinary step's predicate the step's own alias is the candidate
//     (as the checker accepts it); in a Kleene step it is the previously
//     collected element (§4.5.1); in later predicates, negations and the
//     match record a Kleene alias is its last element (§4.5.8).
//  8. Matches completed by the same event are ordered by the sequence of
//     their bound input positions, in step order, compared
//     lexicographically (§7.3). Watermark firings with the same due time,
//     key and run start (copies of one run under any) follow the same
//     lexicographic order.
//  9. The match's ts is that of the event bound last in input order (the
//     last element of the last step), whatever the ts of earlier ones.
//  10. max_matches counts the outputs of both phases of one input event
//     together, in §7.3 order; the final flush counts as one more input
//     event.
//  11. max_runs counts every active run of the partition (waiting and
//     Kleene-last runs included) and is modelled under next and strict
//     only; under any, max_kleene drops combinations whose Kleene step
//     would hold more elements, and max_runs is not modelled (Random keeps
//     the number of runs far below the default).
//  12. Alias aggregates: min and max keep the first of equal values; values
//     §5 cannot order (a string and a number) make min and max null; sum
//     and avg over a non-number are null.
//  13. .within(0) cannot be written: Within 0 means no .within. A
//     one-step pattern with a predicate has no exact VPL rendering (see
//     Pattern.VPL); Random never generates one.
//  14. .emit() writes every field of the last bound event, in its order.
//  15. Row patterns: an iteration of a quantifier beyond its minimum count
//     must consume at least one row (no empty iterations), so enumeration
//     terminates; patterns that can match zero rows are rejected, as
//     SQL.md §4.1 requires.
//  16. Named patterns: the readings N1–N11 of docs/patterns.md. In
//     short: a run binds an event to the furthest step it may reach and
//     the event matches (N2, N3); it emits each time every later step is
//     optional (N4); an empty step's alias is null (N7); a NOT item's
//     event with optional steps between the run and its gap bars the
//     run instead of removing it (N6); matches of the same events in
//     different steps come fewer events in the earlier step first (N8);
//     AND tests the conjuncts that read the other item's alias when both
//     are bound (N9); an OR's sides run apart, merged side by side for one
//     event (N10). Under any, an event starts one run for each step up to
//     the first mandatory one that it matches (N3).
//  17. The MATCH_RECOGNIZE lowering of SQL.md §4.5, taken literally,
//     differs from VPL next (TestSQLLoweringAsWritten): a Kleene element's
//     DEFINE does not exclude rows that match the next step, so
//     backtracking can keep such a row in the Kleene step where the VPL
//     run moved on; and a Kleene step 1's later elements, rows of the
//     first variable, are not guarded by the negations. The tests compare
//     next with a lowering that adds both (a Kleene element after the
//     first must not match the next step; every row after the first is
//     guarded), which agrees with it on every generated in-order case.
//
// # Not covered
//
// Quantified AND items and -> steps after a named pattern (both refused,
// N11), sequence() sources with per-step .within, chained streams and multi-source
// watermarks, idle sources, late-event accounting, .trend_aggregate,
// .forecast, expressions beyond field access, comparisons, + and -,
// event_time, event_type and alias aggregates (count, sum, avg, min, max,
// first, last); multi-field partition keys; max_runs under policy any. For
// MATCH_RECOGNIZE: PERMUTE, SUBSET, MEASURES, ALL ROWS PER MATCH,
// streaming emission (decided outcomes, output watermark) and timeout
// rows.
package patternoracle
