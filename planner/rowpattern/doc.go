// Package rowpattern holds MATCH_RECOGNIZE's row patterns (SQL.md §4): an
// AST (Node), a parser for the text of PATTERN (Parse), the checks SQL.md
// §4.1 asks for (Check, CheckSkip) and a compiler (Compile) to one
// automaton form, which exec/rowmatch runs over a partition's rows.
//
// The SQL front end hands Parse the text between PATTERN's parentheses
// and maps an *Error's Kind to a SQLSTATE (ErrSyntax 42601,
// ErrUnsupported 0A000, ErrTooLarge 54001) and its Pos (a byte offset in
// that text) to a position in the statement. DEFINE conditions are not
// this package's business: the automaton names variables by index into
// Automaton.Vars, and the matcher asks a callback.
//
// # The automaton
//
// An Automaton is a list of States; each does one of:
//
//	var v -> n         consume one row for which DEFINE v holds, bind it to v, go to n
//	split n1 n2 ...    go to n1, n2, ... in this order of preference
//	accept             the rows consumed so far are a match
//	enter cK -> n      counter register K := 0, go to n
//	loop [cK] q [fJ] body b exit e
//	                   a quantifier q = {Min,Max} (greedy or reluctant) deciding
//	                   whether to iterate once more (b) or stop (e)
//	iter l -> n        the end of one iteration of loop l's body
//
// Only var consumes rows; the others are ε-moves. A partial match (a
// thread) is a var state, the values of the counter registers and the rows
// bound so far. Running the automaton over rows r, r+1, ... from start row
// r:
//
//  1. The closure of a state is explored depth first, following split's
//     targets, and loop's two ways, in preference order; the var states it
//     reaches, in the order reached, are the new threads; reaching accept
//     records a match and cuts everything less preferred (the rest of this
//     closure, and the threads after the one being advanced). A path that
//     comes back to a (state, registers, rows bound) it already reached in
//     the same closure is cut: it has the same future and is less
//     preferred.
//  2. Start: the threads are the closure of Start (it never reaches accept:
//     a pattern cannot match zero rows).
//  3. Each row: each thread, in order, whose variable's DEFINE holds for
//     the row, binds it and continues with the closure of its var's next
//     state. Threads whose DEFINE fails die.
//  4. Every thread still alive is preferred to the match recorded last
//     (the candidate; less preferred threads were cut when it was found),
//     and a match reached later by one of them replaces it. So the start
//     row's preferred match is known (decided) once no thread remains:
//     the candidate, or none.
//
// This is the backtracking order of SQL:2016 (the first match a
// depth-first search in preference order would find) computed breadth
// first, one row at a time, so a matcher can consume a stream.
//
// Loops. For loop l with counter cK (Ctr ≥ 0), let n be cK: if n < Min the
// only way is body; if Max is bounded and n ≥ Max the only way is exit;
// otherwise both, body first when greedy, exit first when reluctant.
// Leaving by exit resets cK to 0. A loop without a counter (Ctr = −1: x*,
// x+, x? over a body that can match zero rows) always offers both ways.
// iter l increments cK (saturating at Min when Max is unbounded, since
// beyond the minimum only "at least Min" matters) and goes on. Flags are
// for bodies that can match zero rows: SQL:2016 (and internal/patternoracle,
// reading 15) lets an iteration beyond the minimum count only if it
// consumes a row, so taking body at or beyond Min sets flag register J and
// reaching iter l with flag J set kills the path; consuming any row clears
// every flag. Flags therefore live only inside a closure; counters are
// part of a thread.
//
// Registers are allocated by nesting depth: quantifiers one after the
// other are never active together, and each leaves its counter at 0 and
// its flag clear, so equal partial matches have equal registers.
//
// # Compilation
//
// Compile builds, for each construct followed by the automaton k:
//
//	v          var v -> k
//	x y        x followed by (y followed by k)
//	x | y      split [x→k, y→k]
//	x? / x??   split [x→k, k] / split [k, x→k]
//	x* / x*?   L: split [x→L, k] / L: split [k, x→L]
//	x+ / x+?   x→L, with L: split [x, k] / L: split [k, x]
//	x{n,m}     enter c → L: loop c {n,m} body (x→iter L→L) exit k
//	x{0}       k
//	x{1}       x→k
//	PERMUTE(x, y, z)
//	           split over (x y z), (x z y), (y x z), ... followed by k:
//	           SQL:2016 defines PERMUTE as the alternation of its
//	           permutations in lexicographic order of argument positions
//
// When x can match zero rows, x*, x+, x? and x{n,m} with n < m use
// loop/iter with a flag instead (x{n} needs no flag: no iteration is
// optional). States are numbered depth first from the start, most
// preferred first, so a printed automaton (Automaton.String) reads in
// pattern order. Example, SQL.md §9's probes:
//
//	PATTERN (s{2,} b)
//	0: enter c0 -> 1
//	1: loop c0 {2,} body 2 exit 4
//	2: var s -> 3
//	3: iter 1 -> 1
//	4: var b -> 5
//	5: accept
//
// # VPL patterns in this form
//
// VPL.md §4.5 and SQL.md §4.5 share one lowering of VPL sequences to row
// patterns, run with AFTER MATCH SKIP TO NEXT ROW (every start row gets its
// own outcome, as every VPL run does). A sequence T1 as a -> T2 as b
// becomes PATTERN (a _g2*? b) with DEFINE _g2 AS (c2) IS NOT TRUE, b AS c2:
//
//	0: var a -> 1
//	1: split 2 4      the reluctant gap prefers to stop...
//	2: var b -> 3     ...so the earliest row satisfying c2 binds b
//	3: accept
//	4: var _g2 -> 1   (a row not satisfying c2 is skipped)
//
// A further step k appends _gk*? v_k. A Kleene step, -> all T2 as bs then
// -> T3 as c, becomes _g2*? (bs _g3*?)+? c:
//
//	0: var a -> 1
//	1: split 2 8
//	2: var bs -> 3
//	3: split 4 7
//	4: split 5 2      +? prefers moving on to c over another bs
//	5: var c -> 6
//	6: accept
//	7: var _g3 -> 3
//	8: var _g2 -> 1
//
// .within(d) is the matcher's WITHIN, .partition_by one matcher per key,
// .not conjuncts of the DEFINE conditions, and an absence (a trailing .not
// with .within) the pattern followed by _gz*? _n with timeout rows. What
// has no row pattern (Kleene last step with prefix emission, policies any
// and strict, AND/OR patterns) stays with the VPL pattern operator.
//
// # Readings where the specification is silent
//
//   - Identifiers are PostgreSQL's: unquoted ones are folded to lower case
//     (ASCII letters only), double-quoted ones kept ("" is a quote); Unicode
//     letters are allowed. PERMUTE is a keyword only unquoted and before
//     '('; a variable named permute prints quoted. A $ right after an
//     identifier is the anchor (rejected), not part of the name.
//   - SQL comments (-- and nested /* */) are whitespace.
//   - SQL.md's grammar has no empty pattern: () and empty alternatives are
//     syntax errors (SQL:2016 would read () as the empty pattern, which
//     §4.1 then rejects wherever it makes the pattern nullable).
//   - {0} (and {0,0}, {,0}) is accepted and matches nothing; it makes the
//     pattern nullable if nothing else consumes a row.
//   - A quantifier right after a quantifier (a**, a{2}{3}) is a syntax
//     error; the reluctant ? is part of the first.
//   - SKIP TO v where v can bind a match's first row is decided on the
//     pattern's structure (Node.Firsts), whatever the DEFINE conditions.
//   - Limits: nesting depth MaxDepth (100), counts up to MaxCount (10,000),
//     MaxStates (20,000) states, which admits PERMUTE of up to 6 single
//     variables, MaxFlags (32) nested quantifiers over bodies that can
//     match zero rows, and MaxClosure (65,536) for the states times the
//     product of Min+1 over nested counted quantifiers over such bodies,
//     which one closure may visit ((a?){1000} b passes, ((a?){100}){100}
//     does not); beyond them ErrTooLarge.
package rowpattern
