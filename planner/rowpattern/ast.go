package rowpattern

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind says what a Node is.
type Kind uint8

// Node kinds.
const (
	KindVar     Kind = iota + 1 // a pattern variable: binds one row
	KindConcat                  // Subs in order (two or more)
	KindAlt                     // one of Subs, the leftmost preferred (two or more)
	KindQuant                   // Subs[0] repeated Min..Max times
	KindPermute                 // Subs in every order, lexicographic by position (one or more)
)

// Unbounded is the Max of a quantifier without an upper bound.
const Unbounded = -1

// Node is a row pattern (SQL.md §4). Parenthesised groups leave no node of
// their own: their content takes their place.
type Node struct {
	Kind Kind
	Pos  int     // byte offset of the node's first character in the parsed text
	Name string  // KindVar: the variable, folded like an SQL identifier
	Subs []*Node // see Kind
	// KindQuant: the number of repetitions, Max = Unbounded for none;
	// Reluctant prefers fewer repetitions (a trailing '?').
	Min, Max  int
	Reluctant bool
}

// Var returns a variable node.
func Var(name string) *Node { return &Node{Kind: KindVar, Name: name} }

// Concat returns the concatenation of subs (subs itself when there is one).
func Concat(subs ...*Node) *Node { return group(KindConcat, subs) }

// Alt returns the alternation of subs (subs itself when there is one).
func Alt(subs ...*Node) *Node { return group(KindAlt, subs) }

func group(k Kind, subs []*Node) *Node {
	if len(subs) == 1 {
		return subs[0]
	}
	return &Node{Kind: k, Subs: subs}
}

// Quant returns sub repeated min..max times (max = Unbounded: no bound).
func Quant(sub *Node, min, max int, reluctant bool) *Node {
	return &Node{Kind: KindQuant, Subs: []*Node{sub}, Min: min, Max: max, Reluctant: reluctant}
}

// Permute returns PERMUTE(subs...).
func Permute(subs ...*Node) *Node { return &Node{Kind: KindPermute, Subs: subs} }

// String writes the pattern in the syntax Parse reads, parenthesised where
// needed; Parse(n.String()) gives back an equivalent pattern.
func (n *Node) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *Node) write(b *strings.Builder) {
	switch n.Kind {
	case KindVar:
		b.WriteString(QuoteName(n.Name))
	case KindConcat:
		for i, s := range n.Subs {
			if i > 0 {
				b.WriteByte(' ')
			}
			s.writeParen(b, s.Kind == KindAlt)
		}
	case KindAlt:
		for i, s := range n.Subs {
			if i > 0 {
				b.WriteString(" | ")
			}
			s.write(b)
		}
	case KindPermute:
		b.WriteString("PERMUTE(")
		for i, s := range n.Subs {
			if i > 0 {
				b.WriteString(", ")
			}
			s.write(b)
		}
		b.WriteByte(')')
	case KindQuant:
		sub := n.Subs[0]
		sub.writeParen(b, sub.Kind != KindVar && sub.Kind != KindPermute)
		b.WriteString(QuantString(n.Min, n.Max, n.Reluctant))
	default:
		fmt.Fprintf(b, "<kind %d>", n.Kind)
	}
}

func (n *Node) writeParen(b *strings.Builder, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	n.write(b)
	if paren {
		b.WriteByte(')')
	}
}

// QuantString writes a quantifier: *, +, ?, {n}, {n,} or {n,m}, then '?'
// when reluctant.
func QuantString(min, max int, reluctant bool) string {
	var q string
	switch {
	case min == 0 && max == Unbounded:
		q = "*"
	case min == 1 && max == Unbounded:
		q = "+"
	case min == 0 && max == 1:
		q = "?"
	case min == max:
		q = "{" + strconv.Itoa(min) + "}"
	case max == Unbounded:
		q = "{" + strconv.Itoa(min) + ",}"
	default:
		q = "{" + strconv.Itoa(min) + "," + strconv.Itoa(max) + "}"
	}
	if reluctant {
		q += "?"
	}
	return q
}

// QuoteName writes a variable name as an identifier: bare when it reads
// back as itself, else double-quoted.
func QuoteName(name string) string {
	bare := name != "" && !strings.EqualFold(name, "permute")
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 0x80 && isLetter(r) || i > 0 && r >= '0' && r <= '9') {
			bare = false
			break
		}
	}
	if bare {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Vars lists the pattern's variables in order of first occurrence.
func (n *Node) Vars() []string {
	var out []string
	n.walk(func(m *Node) {
		if m.Kind == KindVar && !slices.Contains(out, m.Name) {
			out = append(out, m.Name)
		}
	})
	return out
}

func (n *Node) walk(f func(*Node)) {
	f(n)
	for _, s := range n.Subs {
		s.walk(f)
	}
}

// Nullable reports whether n can match zero rows.
func (n *Node) Nullable() bool {
	switch n.Kind {
	case KindVar:
		return false
	case KindConcat, KindPermute:
		for _, s := range n.Subs {
			if !s.Nullable() {
				return false
			}
		}
		return true
	case KindAlt:
		return slices.ContainsFunc(n.Subs, (*Node).Nullable)
	case KindQuant:
		return n.Min == 0 || n.Max == 0 || n.Subs[0].Nullable()
	}
	return false
}

// Firsts lists the variables that can bind the first row of a match of n,
// in order of first occurrence.
func (n *Node) Firsts() []string {
	var out []string
	n.firsts(&out)
	return out
}

func (n *Node) firsts(out *[]string) {
	switch n.Kind {
	case KindVar:
		if !slices.Contains(*out, n.Name) {
			*out = append(*out, n.Name)
		}
	case KindConcat:
		for _, s := range n.Subs {
			s.firsts(out)
			if !s.Nullable() {
				return
			}
		}
	case KindAlt, KindPermute:
		// Every argument of PERMUTE comes first in some permutation.
		for _, s := range n.Subs {
			s.firsts(out)
		}
	case KindQuant:
		if n.Max != 0 {
			n.Subs[0].firsts(out)
		}
	}
}
