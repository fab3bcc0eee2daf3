package rowpattern

import (
	"fmt"
	"slices"
)

// Check validates a pattern, parsed or built by hand: the shape of every
// node (ErrSyntax), the limits (ErrTooLarge) and SQL.md §4.1's rule that a
// pattern must not match zero rows (ErrUnsupported). Parse and Compile
// call it.
func Check(n *Node) error {
	if n == nil {
		return &Error{Kind: ErrSyntax, Pos: -1, Msg: "nil pattern"}
	}
	if err := checkNode(n, 0); err != nil {
		return err
	}
	if n.Nullable() {
		return &Error{Kind: ErrUnsupported, Pos: n.Pos, Msg: fmt.Sprintf("pattern (%s) can match zero rows", n)}
	}
	return nil
}

func checkNode(n *Node, depth int) error {
	bad := func(format string, args ...any) error {
		return &Error{Kind: ErrSyntax, Pos: n.Pos, Msg: fmt.Sprintf(format, args...)}
	}
	if depth > MaxDepth {
		return &Error{Kind: ErrTooLarge, Pos: n.Pos, Msg: fmt.Sprintf("pattern nested deeper than %d", MaxDepth)}
	}
	switch n.Kind {
	case KindVar:
		if n.Name == "" {
			return bad("variable without a name")
		}
		if len(n.Subs) != 0 {
			return bad("variable %s with sub-patterns", n.Name)
		}
		return nil
	case KindConcat, KindAlt:
		if len(n.Subs) < 2 {
			return bad("%s of %d sub-patterns", map[Kind]string{KindConcat: "concatenation", KindAlt: "alternation"}[n.Kind], len(n.Subs))
		}
	case KindPermute:
		if len(n.Subs) == 0 {
			return bad("PERMUTE needs at least one argument")
		}
	case KindQuant:
		if len(n.Subs) != 1 {
			return bad("quantifier over %d sub-patterns", len(n.Subs))
		}
		if n.Min < 0 || n.Max < Unbounded || n.Max != Unbounded && n.Max < n.Min {
			return bad("quantifier %s: bad bounds", QuantString(n.Min, n.Max, n.Reluctant))
		}
		if n.Min > MaxCount || n.Max > MaxCount {
			return &Error{Kind: ErrTooLarge, Pos: n.Pos, Msg: fmt.Sprintf("quantifier count above %d", MaxCount)}
		}
	default:
		return bad("unknown node kind %d", n.Kind)
	}
	for _, s := range n.Subs {
		if s == nil {
			return bad("nil sub-pattern")
		}
		if err := checkNode(s, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// SkipMode is the AFTER MATCH SKIP clause of MATCH_RECOGNIZE.
type SkipMode uint8

// AFTER MATCH SKIP modes; the zero value is the default (SQL.md §4.1).
const (
	SkipPastLastRow SkipMode = iota // the row after the match's last row
	SkipToNextRow                   // the row after the match's first row
	SkipToFirst                     // the first row bound to Var
	SkipToLast                      // the last row bound to Var (also SKIP TO Var)
)

// Skip is an AFTER MATCH SKIP clause: where the next start row is after a
// match. If Var binds no row of the match, the next row is next (SQL.md
// §4.1).
type Skip struct {
	Mode SkipMode
	Var  string // SkipToFirst, SkipToLast
}

func (s Skip) String() string {
	switch s.Mode {
	case SkipPastLastRow:
		return "SKIP PAST LAST ROW"
	case SkipToNextRow:
		return "SKIP TO NEXT ROW"
	case SkipToFirst:
		return "SKIP TO FIRST " + QuoteName(s.Var)
	case SkipToLast:
		return "SKIP TO LAST " + QuoteName(s.Var)
	}
	return fmt.Sprintf("SKIP <mode %d>", s.Mode)
}

// CheckSkip validates an AFTER MATCH SKIP clause against a pattern: SKIP
// TO a variable absent from the pattern is ErrSyntax, to one that can bind
// the first row of a match ErrUnsupported (SQL.md §4.1: the next start row
// could be the match's own).
func CheckSkip(n *Node, s Skip) error {
	switch s.Mode {
	case SkipPastLastRow, SkipToNextRow:
		return nil
	case SkipToFirst, SkipToLast:
	default:
		return &Error{Kind: ErrSyntax, Pos: -1, Msg: fmt.Sprintf("unknown AFTER MATCH SKIP mode %d", s.Mode)}
	}
	if !slices.Contains(n.Vars(), s.Var) {
		return &Error{Kind: ErrSyntax, Pos: -1, Msg: fmt.Sprintf("AFTER MATCH %s: %s is not a pattern variable", s, QuoteName(s.Var))}
	}
	if slices.Contains(n.Firsts(), s.Var) {
		return &Error{Kind: ErrUnsupported, Pos: -1, Msg: fmt.Sprintf("AFTER MATCH %s: %s can bind the first row of a match", s, QuoteName(s.Var))}
	}
	return nil
}
