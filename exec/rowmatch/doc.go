// Package rowmatch runs a row-pattern automaton (planner/rowpattern) over
// one partition's rows with MATCH_RECOGNIZE's semantics (SQL.md §4.2,
// §4.3): start rows tried in order, each start row's preferred match in
// SQL:2016 preference order, AFTER MATCH SKIP, WITHIN, timeout rows, and
// streaming emission of each outcome once it is decided, never retracted.
//
// # Use
//
//	prog, err := rowmatch.New(rowmatch.Config{Automaton: a, Define: def, Skip: skip, Within: d})
//	m := prog.NewMatcher()              // one per partition
//	out, err = m.Push(ts, out[:0])      // row number = rows pushed before
//	out = m.Advance(watermark, out[:0]) // decides what the watermark decides
//	out = m.Flush(out[:0])              // end of input: decides everything
//
// Rows stay with the caller: the matcher knows them by number and ts, and
// asks Define(v, row, partial) whether row satisfies variable v as the
// next row of a partial match; Partial lists the rows bound so far and
// their variables (running semantics). Outcomes come out in start-row
// order as Match values (rows Start..End, a variable per row, TimedOut for
// a timeout row). Oldest tells which rows the caller may forget, Pending
// the earliest undecided start row (for the output watermark).
// AppendState and LoadState snapshot and restore a matcher.
//
// A Program holds the matchers' shared scratch space; the matchers of one
// program must be driven from one goroutine at a time. Define is only
// called from within Push, so the caller knows which partition it is for.
//
// # How it works
//
// The automaton is run breadth first (see rowpattern's documentation):
// every start row that may be tried has a set of threads, the partial
// matches still alive, in preference order, and possibly a candidate match
// that every remaining thread is preferred to. Each row advances every
// set; a set with no thread left is decided: its candidate, a timeout row
// or nothing. Whether a start row is tried depends on the outcome of the
// rows before it (SKIP), so later sets run alongside the earliest
// undecided one (the head) and are discarded when SKIP passes them;
// outcomes are emitted in start-row order, a later decided one waiting for
// the head.
//
// Threads in the same state, with the same counters and the same bound
// rows (same variables), have the same future: the less preferred one is
// dropped. With Config.RowOnly (DEFINE reads only the row) the bound rows
// do not matter, so a set never holds more threads than the automaton
// has var states (times counter values). Bound rows are kept as a tree of
// nodes per set (a node: parent, variable), in an arena compacted when it
// holds more dead nodes than live ones; equal histories share a node, so
// comparing them is comparing numbers.
//
// Two prunings keep SKIP PAST LAST ROW linear: when the head has a
// candidate ending at row e, its final match ends at e or later, so later
// sets starting at or before e are dropped; and with RowOnly and no WITHIN
// a later set's thread in a state the head also has a thread in is
// dropped, since if that state leads to a match the head matches past the
// later start row, and if not the thread yields nothing (this makes a+ b
// over a long run of a linear instead of quadratic).
//
// Steady state allocates nothing per row: sets, arenas and per-row dedup
// tables (cleared by a stamp) are reused; a row that starts nothing and
// advances nothing costs one Define call per variable the pattern can
// start with (cached per row with RowOnly).
//
// # Readings where the specification is silent
//
//   - Pushed rows are settled (SQL.md §4.3): the watermark is at least
//     their ts. So a pushed row with ts beyond a start row's deadline
//     (first ts + WITHIN) ends that start row at once, as Advance past the
//     deadline does. Push rejects a row below the watermark or before the
//     previous row.
//   - Decided is computed as "no thread preferred to the candidate is
//     alive", which is the specification's "same outcome for every
//     continuation" except when a live thread can never complete (a
//     DEFINE that no row will satisfy): the outcome then waits for a row
//     that kills the thread, the WITHIN deadline or Flush.
//   - A timeout row's prefix is the most preferred partial match alive
//     when the deadline passes; it binds every row of the partition from
//     the start row up to the deadline, at least the start row. A start
//     row all of whose partial matches died before the deadline (a row
//     satisfied none of them) yields no timeout row.
//   - Partial does not contain the row being tried; Define gets it as row
//     (and v), so COUNT(v.*) in DEFINE is Count(v)+1 for a row tried as v.
//   - NEXT(e, n) in DEFINE reads rows not yet pushed: the front end pushes
//     a row once the n rows after it are known (or at the end of input).
//   - Define must be a function of its arguments and the partition's rows:
//     with RowOnly its result is cached per row.
//   - MaxThreads (default 10,000 per matcher) bounds live partial matches:
//     beyond it the newest start rows are given up on (they yield nothing)
//     and the head keeps its most preferred threads; Dropped counts each
//     such event for the caller's metrics.
//   - Flush decides every start row as the end of input does; rows pushed
//     after it start new outcomes (the matcher stays usable).
package rowmatch
