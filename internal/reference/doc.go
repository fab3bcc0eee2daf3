// Package reference is a deliberately naive reference implementation of
// windowed aggregation (VPL.md §3, §4.1, §4.3, §4.4, §7), used only by
// tests to check the real, vectorized engine against it.
//
// It handles a single stream over one event type: optional partitioning,
// an optional watermark allowance and allowed lateness, one window (or
// none: a running aggregate), a list of aggregate calls each applied to one
// field, and an optional having filter of the form "alias op constant".
// Events are processed one at a time, in input order, following the words
// of the specification; nothing is optimised (quadratic is fine). Each rule
// carries a comment naming the section it implements.
//
// Run (or RunStream) computes the exact output lines (§7.2 JSON form, §7.3
// order) and the late count of `varpulis simulate`; Config.VPL renders the
// equivalent program and Evt the equivalent .evt input, so a test can feed
// both sides the same case; Random generates small cases.
//
// # Readings of the specification
//
// Where the specification leaves a choice, this package takes the
// following readings (each is repeated at the code that implements it):
//
//  1. allowed_lateness re-emission happens in the dispatch phase of the
//     late event (§3 step 4), not in a watermark phase: the watermark
//     phase only fires what an advance of W "makes due", and a window that
//     already fired is not made due again; moreover the watermark phase of
//     an event runs before that event is added, so the "complete result"
//     that includes it only exists once it has been dispatched. The
//     re-emitted event carries ts = window_end like every window release.
//     When one late event re-opens several windows (sliding), the
//     re-emissions come in ascending window start (= ascending end).
//  2. A late event whose time window is due (W ≥ end) but still within the
//     lateness bound (W < end + L), and which never fired because it was
//     empty, is treated the same way: the event is added and the window's
//     result is emitted at once, in the dispatch phase.
//  3. `late` counts an event that is late (ts < W at dispatch) and was
//     added to none of its windows. An event is "added" to a time window
//     unless W ≥ end + L (with L = 0: unless the window was released). A
//     late event of a sliding window with gaps (slide > size) that lies in
//     no window counts as late; a non-late one never does. Count windows
//     and running aggregates never drop or count late events (§4.1).
//  4. Sessions (§4.3, §11.10): an event (late or not) joins every open
//     session of its key whose events it lies within g of, i.e.
//     min − g ≤ ts ≤ max + g; when it touches several they merge into one.
//     Otherwise a non-late event opens a new session. Otherwise a late
//     event is dropped (and counted) when it lies within g of a released
//     session of its key, or when the session it would open would already
//     be due (W > ts + g): that session counts as released, like a time
//     window whose end the watermark has passed. Otherwise it opens a new
//     session.
//  5. The value shown for a partition key field (§11.7, "the first value
//     seen for that key") is the value of the first event of that key
//     dispatched to the stream over its lifetime, whether or not that event
//     was then dropped as late.
//  6. min and max keep the first of equal values in arrival order (so
//     max over 2, 2.0 is 2).
//  7. Float sums (sum with a float, avg) start from +0.0 and add the
//     float64 of each non-null value in arrival order; avg divides that sum
//     by the number of non-null values. stddev is Welford's algorithm
//     exactly as: n++; δ = x − mean; mean += δ/n; m2 += δ·(x − mean);
//     result sqrt(m2/(n−1)). ema(x, n) is seeded with the first non-null x,
//     then ema = α·x + (1 − α)·ema with α = 2/(n+1).
//  8. count_distinct with no non-null input is 0 (it is a count, §4.4).
//  9. The watermark starts at −∞; the end of input sets it to +∞ (math.MaxInt64
//     here), flushing every time window and session that has not fired.
//     Windows that fired and are only kept for lateness are not emitted
//     again by that flush.
//
// # Not covered
//
// Aggregates over expressions (only a bare field per call), aggregate
// expressions combining calls, .pattern after a window, windows without
// .aggregate, chained streams and multi-source watermarks, idle sources,
// .distinct/.limit, values other than null/int/float in numeric aggregates
// (sum, avg, stddev, ema panic on them) and other than numbers or strings
// in min/max, and arithmetic overflow of timestamps near the int64 limits.
package reference
