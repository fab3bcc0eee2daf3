// Package agg holds the accumulators of VPL's aggregate functions
// (VPL.md §4.4, §4.5.8, §11.5, §11.7), driven batch at a time by the window
// and aggregate operators.
//
// An Acc holds the state of one aggregate call for many groups (a group is
// one key of one window, or one running aggregate), indexed by dense group
// ids that the operator assigns and recycles with Reset. Update folds rows
// of an argument Column into groups; UpdateOne is the same for a batch whose
// rows all go to one group, which is common (one key per batch, or no
// partitioning) and lets the fold keep its running value in a register.
// Update notices that case by itself (a scan that stops at the first
// differing id), so calling UpdateOne only saves that scan. UpdateSpans
// folds each row into a run of consecutive groups: the windows of a
// sliding window that contain one event, which the window operator numbers
// consecutively. Move carries a group's state to another id (the operator
// keeps a key's windows adjacent and shifts them now and then), and
// AppendResults reads many groups' results in one call; the accumulators
// whose results have one kind (avg, count) also write them straight into a
// typed column (TypedResults), emptying the groups as they go when the
// windows are released for good.
//
// Alias aggregates of patterns (§4.5.8) use the same accumulators, one
// group per match: count(a) is CountStar over the events bound to a.
//
// There is deliberately no Merge: the float sums of sum, avg, stddev and
// ema are defined in event order (§11.5), and adding partial float sums
// rounds differently, so a sliding window must fold each event into every
// window that contains it.
//
// # Exactness
//
// Every accumulator folds values in event order and carries its whole state
// between calls, so a result is identical to the last bit however the rows
// were split into batches and whichever of Update or UpdateOne was used
// (§11.5). Float expressions are written so that no compiler may fuse a
// multiply and an add (an explicit float64 conversion rounds), so results
// are also the same on every architecture: replicas agree.
//
// # Rules the spec leaves open
//
//   - sum, avg, stddev and ema read numbers only: a non-null value of another
//     kind (string, bool, timestamp, duration, array, map) is ignored as if
//     it were null. count(x) counts it; min, max, first, last and
//     count_distinct take it.
//   - sum: the int total is exact (128 bits), null only when the final total
//     does not fit int64, whatever the intermediate sums (the rule of the
//     scalar sum over arrays). Beside it runs the float sum of every number
//     converted to float in event order, which is the result as soon as one
//     float was seen; a float sum that overflows is null.
//   - min and max order values of one kind as < does (numbers by value,
//     exactly across int and float; strings bytewise; timestamps,
//     durations; false < true). Values of different kinds, which < cannot
//     compare, are ordered by kind: bool < number < string < timestamp <
//     duration < array < map (event.CompareKeys' order, whose last class is
//     split by kind); arrays and maps among themselves by CompareKeys. Ties
//     keep the earliest value, so max(1, 1.0) is 1 and its kind is int.
//   - count_distinct keys compare as == (event.Equal): 1 and 1.0 are one
//     key, -0.0 and 0 too, [1] and [1.0] too, maps regardless of key order.
//     Its sets grow with the number of distinct keys; no limit applies
//     (§4.7 names none), so the window bounds them.
//   - ema(x, n): e := x for the first non-null number, then
//     e := α·x + (1−α)·e with α = 2/(n+1), both products rounded before the
//     add. A period below 1 (which the planner rejects) makes every result
//     null.
//   - stddev: Welford's update n += 1; d := x − mean; mean += d/n;
//     m2 += d·(x − mean); the result is sqrt(m2/(n−1)).
//
// # Inputs
//
// A Column gives typed views (int64 or float64 slices and a validity
// bitmap, as exec's vectors hold them) or a per-row Value function. Typed
// float rows must be finite, as every producer guarantees (event.Float
// turns NaN and infinities into null). Values read through Column.Value may
// alias batch buffers: whatever an accumulator keeps (a min string, a first
// value, a distinct key) it copies. No input makes an accumulator panic:
// group ids outside [0, n) and rows outside a typed column are skipped, and
// LoadState rejects any malformed snapshot with an error marked
// ErrCorruptState.
//
// # Snapshots
//
// AppendState writes one group's state as a tag byte (the Func number) and
// the fields of that function, integers as varints, floats as their 8 IEEE
// bytes, values in event.AppendBinary form. The form is deterministic: equal
// states give equal bytes (count_distinct writes its keys sorted), so
// replicas' checkpoints can be compared byte for byte.
package agg
