package patternoracle

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// RowPattern is a parsed MATCH_RECOGNIZE row pattern (SQL.md §4):
//
//	pattern := alternative {'|' alternative}      alternative := factor {factor}
//	factor := primary [quantifier]                primary := var | '(' pattern ')'
//	quantifier := ('*' | '+' | '?' | '{n}' | '{n,}' | '{,m}' | '{n,m}') ['?']
//
// Variables are identifiers, folded to lower case like unquoted SQL
// identifiers. PERMUTE is not supported.
type RowPattern struct {
	kind      rpKind
	name      string        // rpVar
	subs      []*RowPattern // rpSeq, rpAlt; rpQuant: one
	min, max  int           // rpQuant; max −1: unbounded
	reluctant bool          // rpQuant: a trailing '?'
}

type rpKind uint8

const (
	rpVar rpKind = iota
	rpSeq
	rpAlt
	rpQuant
)

// ParseRowPattern parses a row pattern.
func ParseRowPattern(src string) (*RowPattern, error) {
	p := &rpParser{src: src}
	p.skip()
	if p.pos == len(p.src) {
		return nil, errors.New("empty row pattern")
	}
	n, err := p.alternation()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("unexpected %q at offset %d", p.src[p.pos], p.pos)
	}
	return n, nil
}

type rpParser struct {
	src string
	pos int
}

func (p *rpParser) skip() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *rpParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *rpParser) alternation() (*RowPattern, error) {
	var alts []*RowPattern
	for {
		a, err := p.sequence()
		if err != nil {
			return nil, err
		}
		alts = append(alts, a)
		if p.peek() != '|' {
			break
		}
		p.pos++
		p.skip()
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &RowPattern{kind: rpAlt, subs: alts}, nil
}

func (p *rpParser) sequence() (*RowPattern, error) {
	var fs []*RowPattern
	for {
		c := p.peek()
		if c == 0 || c == '|' || c == ')' {
			break
		}
		f, err := p.factor()
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	switch len(fs) {
	case 0:
		return nil, fmt.Errorf("empty alternative at offset %d", p.pos)
	case 1:
		return fs[0], nil
	}
	return &RowPattern{kind: rpSeq, subs: fs}, nil
}

func isIdent(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

func (p *rpParser) factor() (*RowPattern, error) {
	var prim *RowPattern
	switch c := p.peek(); {
	case c == '(':
		p.pos++
		p.skip()
		n, err := p.alternation()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, fmt.Errorf("expected ')' at offset %d", p.pos)
		}
		p.pos++
		prim = n
	case isIdent(c, true):
		start := p.pos
		for p.pos < len(p.src) && isIdent(p.src[p.pos], false) {
			p.pos++
		}
		prim = &RowPattern{kind: rpVar, name: strings.ToLower(p.src[start:p.pos])}
	default:
		return nil, fmt.Errorf("unexpected %q at offset %d", c, p.pos)
	}
	p.skip()
	q := &RowPattern{kind: rpQuant, subs: []*RowPattern{prim}}
	switch p.peek() {
	case '*':
		q.min, q.max = 0, -1
	case '+':
		q.min, q.max = 1, -1
	case '?':
		q.min, q.max = 0, 1
	case '{':
		end := strings.IndexByte(p.src[p.pos:], '}')
		if end < 0 {
			return nil, fmt.Errorf("unclosed '{' at offset %d", p.pos)
		}
		body := strings.ReplaceAll(p.src[p.pos+1:p.pos+end], " ", "")
		lo, hi, comma := strings.Cut(body, ",")
		var err error
		q.min, q.max, err = bounds(lo, hi, comma)
		if err != nil {
			return nil, fmt.Errorf("quantifier {%s}: %v", body, err)
		}
		p.pos += end
	default:
		return prim, nil
	}
	p.pos++
	if p.peek() == '?' {
		q.reluctant = true
		p.pos++
	}
	p.skip()
	if c := p.peek(); c == '*' || c == '+' || c == '?' || c == '{' {
		return nil, fmt.Errorf("a second quantifier at offset %d", p.pos)
	}
	return q, nil
}

// bounds reads {n}, {n,}, {,m} and {n,m}.
func bounds(lo, hi string, comma bool) (int, int, error) {
	num := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad count %q", s)
		}
		return n, nil
	}
	if !comma {
		n, err := num(lo)
		return n, n, err
	}
	min, max := 0, -1
	var err error
	if lo != "" {
		if min, err = num(lo); err != nil {
			return 0, 0, err
		}
	}
	if hi != "" {
		if max, err = num(hi); err != nil {
			return 0, 0, err
		}
		if max < min || max == 0 {
			return 0, 0, errors.New("empty range")
		}
	}
	if lo == "" && hi == "" {
		return 0, 0, errors.New("no bound")
	}
	return min, max, nil
}

// String writes the pattern back, fully parenthesised where needed.
func (n *RowPattern) String() string {
	switch n.kind {
	case rpVar:
		return n.name
	case rpSeq:
		parts := make([]string, len(n.subs))
		for i, s := range n.subs {
			parts[i] = s.String()
			if s.kind == rpAlt {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, " ")
	case rpAlt:
		parts := make([]string, len(n.subs))
		for i, s := range n.subs {
			parts[i] = s.String()
		}
		return strings.Join(parts, " | ")
	}
	sub := n.subs[0].String()
	if n.subs[0].kind != rpVar {
		sub = "(" + sub + ")"
	}
	var q string
	switch {
	case n.min == 0 && n.max == -1:
		q = "*"
	case n.min == 1 && n.max == -1:
		q = "+"
	case n.min == 0 && n.max == 1:
		q = "?"
	case n.min == n.max:
		q = fmt.Sprintf("{%d}", n.min)
	case n.max == -1:
		q = fmt.Sprintf("{%d,}", n.min)
	default:
		q = fmt.Sprintf("{%d,%d}", n.min, n.max)
	}
	if n.reluctant {
		q += "?"
	}
	return sub + q
}

// Vars lists the pattern's variables in order of first occurrence.
func (n *RowPattern) Vars() []string {
	var out []string
	var walk func(*RowPattern)
	walk = func(n *RowPattern) {
		if n.kind == rpVar && !slices.Contains(out, n.name) {
			out = append(out, n.name)
		}
		for _, s := range n.subs {
			walk(s)
		}
	}
	walk(n)
	return out
}

// nullable reports whether n can match zero rows.
func (n *RowPattern) nullable() bool {
	switch n.kind {
	case rpVar:
		return false
	case rpSeq:
		for _, s := range n.subs {
			if !s.nullable() {
				return false
			}
		}
		return true
	case rpAlt:
		return slices.ContainsFunc(n.subs, (*RowPattern).nullable)
	}
	return n.min == 0 || n.subs[0].nullable()
}

// firsts lists the variables that can bind the first row of a match of n.
func (n *RowPattern) firsts() []string {
	switch n.kind {
	case rpVar:
		return []string{n.name}
	case rpSeq:
		var out []string
		for _, s := range n.subs {
			out = union(out, s.firsts())
			if !s.nullable() {
				break
			}
		}
		return out
	case rpAlt:
		var out []string
		for _, s := range n.subs {
			out = union(out, s.firsts())
		}
		return out
	}
	if n.max == 0 {
		return nil
	}
	return n.subs[0].firsts()
}

// RowCtx is what a DEFINE condition sees while a row is classified
// (running semantics, SQL.md §4.1): the partition's rows in ORDER BY
// order, the first row of the candidate match, the row being classified
// and the variables of rows Start..Cur (Labels[Cur−Start] is the one being
// tried for Cur).
type RowCtx struct {
	Rows   []Event
	Start  int
	Cur    int
	Labels []string
}

// Row is the row being classified.
func (c RowCtx) Row() *Event { return &c.Rows[c.Cur] }

// Prev is PREV(·, n): the row n rows before the current one within the
// partition, or nil past its edge.
func (c RowCtx) Prev(n int) *Event {
	if c.Cur-n < 0 || c.Cur-n >= len(c.Rows) {
		return nil
	}
	return &c.Rows[c.Cur-n]
}

// Bound lists the rows bound to v so far, the current one included when
// it is being tried as v (running semantics).
func (c RowCtx) Bound(v string) []int {
	var out []int
	for k, l := range c.Labels {
		if l == v {
			out = append(out, c.Start+k)
		}
	}
	return out
}

// Define maps a variable (lower case) to its DEFINE condition; a variable
// without one matches every row (SQL.md §4.1).
type Define map[string]func(RowCtx) bool

// AFTER MATCH SKIP modes (SQL.md §4.1); the zero value is the default,
// SKIP PAST LAST ROW.
const (
	SkipPastLastRow = ""
	SkipToNextRow   = "to next row"
	SkipToFirst     = "to first"
	SkipToLast      = "to last" // also SKIP TO var
)

// Skip is an AFTER MATCH SKIP clause.
type Skip struct {
	Mode string
	Var  string // SkipToFirst, SkipToLast
}

// SkipOf is the oracle's form of the planner's AFTER MATCH SKIP clause.
func SkipOf(s rowpattern.Skip) Skip {
	out := Skip{Var: s.Var}
	switch s.Mode {
	case rowpattern.SkipToNextRow:
		out.Mode = SkipToNextRow
	case rowpattern.SkipToFirst:
		out.Mode = SkipToFirst
	case rowpattern.SkipToLast:
		out.Mode = SkipToLast
	}
	return out
}

// RowMatch is one match: rows Start..End (inclusive) of the partition and
// the variable each is bound to (CLASSIFIER()).
type RowMatch struct {
	Start, End int
	Labels     []string
}

// MatchRecognize finds the matches of pattern over one partition's rows
// (already in ORDER BY order) by definition (SQL.md §4.2): start rows are
// tried in order; for each, every way to map a run of rows from it to
// pattern variables that the pattern's regular expression admits and
// whose every row satisfies its variable's DEFINE condition is
// enumerated, and the preferred one — the first in SQL:2016 preference
// order (greedy quantifiers prefer more iterations, reluctant ones fewer,
// alternation its leftmost branch, compared at the first choice where two
// mappings differ) — is the match; AFTER MATCH SKIP then picks the next
// start row (if the variable of SKIP TO binds no row: the next row);
// without a match the next row is tried. With within > 0 (WITHIN, ns) a
// mapping is valid only while its last row's ts minus its first row's ts
// is ≤ within.
//
// Errors: a pattern that can match zero rows, a DEFINE or SKIP TO of a
// variable absent from the pattern, and SKIP TO a variable that can bind
// a match's first row (SQL.md §4.1).
func MatchRecognize(pattern *RowPattern, rows []Event, define Define, skip Skip, within int64) ([]RowMatch, error) {
	if pattern.nullable() {
		return nil, errors.New("the pattern can match zero rows")
	}
	vars := pattern.Vars()
	for v := range define {
		if !slices.Contains(vars, v) {
			return nil, fmt.Errorf("DEFINE of %s, absent from PATTERN", v)
		}
	}
	switch skip.Mode {
	case SkipPastLastRow, SkipToNextRow:
	case SkipToFirst, SkipToLast:
		if !slices.Contains(vars, skip.Var) {
			return nil, fmt.Errorf("SKIP TO %s, absent from PATTERN", skip.Var)
		}
		if slices.Contains(pattern.firsts(), skip.Var) {
			return nil, fmt.Errorf("SKIP TO %s: it can bind the first row of a match", skip.Var)
		}
	default:
		return nil, fmt.Errorf("unknown SKIP mode %q", skip.Mode)
	}
	m := &rpMatcher{rows: rows, define: define, within: within}
	var out []RowMatch
	for s := 0; s < len(rows); {
		best, ok := m.preferred(pattern, s)
		if !ok {
			s++
			continue
		}
		out = append(out, best)
		next := s + 1
		switch skip.Mode {
		case SkipPastLastRow:
			next = best.End + 1
		case SkipToFirst, SkipToLast:
			var at []int
			for k, l := range best.Labels {
				if l == skip.Var {
					at = append(at, best.Start+k)
				}
			}
			if len(at) > 0 {
				next = at[0]
				if skip.Mode == SkipToLast {
					next = at[len(at)-1]
				}
			}
		}
		s = next
	}
	return out, nil
}

type rpMatcher struct {
	rows   []Event
	define Define
	within int64

	start   int
	labels  []string // variables of rows start.. so far
	choices []int    // the choices made so far, in traversal order
	found   []rpParse
}

type rpParse struct {
	labels  []string
	choices []int
}

// preferred enumerates every valid mapping from start row s and returns
// the preferred one.
func (m *rpMatcher) preferred(p *RowPattern, s int) (RowMatch, bool) {
	m.start, m.labels, m.choices, m.found = s, nil, nil, nil
	m.walk(p, s, func(end int) {
		m.found = append(m.found, rpParse{slices.Clone(m.labels), slices.Clone(m.choices)})
	})
	if len(m.found) == 0 {
		return RowMatch{}, false
	}
	// Preference order: at the first choice where two mappings differ,
	// the lower choice is preferred (see walk). Two different mappings
	// always differ at some choice.
	best := slices.MinFunc(m.found, func(a, b rpParse) int { return slices.Compare(a.choices, b.choices) })
	return RowMatch{Start: s, End: s + len(best.labels) - 1, Labels: best.labels}, true
}

// walk enumerates every way n can match rows from pos on, calling k with
// the row after each. It records, in m.choices, one number per choice
// point, lower meaning preferred: an alternation records the branch index;
// a quantifier that may either iterate again or stop (min ≤ count < max)
// records 0 for its preferred option (iterate when greedy, stop when
// reluctant) and 1 for the other. An iteration beyond the minimum count
// must consume a row (reading 15).
func (m *rpMatcher) walk(n *RowPattern, pos int, k func(int)) {
	switch n.kind {
	case rpVar:
		if pos >= len(m.rows) {
			return
		}
		if m.within > 0 && m.rows[pos].TS-m.rows[m.start].TS > m.within {
			return
		}
		m.labels = append(m.labels, n.name)
		if f := m.define[n.name]; f == nil || f(RowCtx{Rows: m.rows, Start: m.start, Cur: pos, Labels: m.labels}) {
			k(pos + 1)
		}
		m.labels = m.labels[:len(m.labels)-1]
	case rpSeq:
		var seq func(i, pos int)
		seq = func(i, pos int) {
			if i == len(n.subs) {
				k(pos)
				return
			}
			m.walk(n.subs[i], pos, func(p int) { seq(i+1, p) })
		}
		seq(0, pos)
	case rpAlt:
		for i, s := range n.subs {
			m.choices = append(m.choices, i)
			m.walk(s, pos, k)
			m.choices = m.choices[:len(m.choices)-1]
		}
	case rpQuant:
		var iter func(count, pos int)
		iter = func(count, pos int) {
			if count < n.min {
				m.walk(n.subs[0], pos, func(p int) { iter(count+1, p) })
				return
			}
			if n.max >= 0 && count == n.max {
				k(pos)
				return
			}
			again, stop := 0, 1
			if n.reluctant {
				again, stop = 1, 0
			}
			m.choices = append(m.choices, again)
			m.walk(n.subs[0], pos, func(p int) {
				if p > pos {
					iter(count+1, p)
				}
			})
			m.choices[len(m.choices)-1] = stop
			k(pos)
			m.choices = m.choices[:len(m.choices)-1]
		}
		iter(0, pos)
	}
}
