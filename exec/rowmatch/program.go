package rowmatch

import (
	"slices"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// Config says what to match and how.
type Config struct {
	Automaton *rowpattern.Automaton
	// Define evaluates the DEFINE condition of variable v (an index into
	// Automaton.Vars) on the partition's row number row, tried as the next
	// row of the partial match p; it must be a function of its arguments
	// (and of the partition's rows). nil: every row satisfies every
	// variable, as a variable without DEFINE does.
	Define func(v int, row int64, p *Partial) bool
	// RowOnly promises that Define reads only v and the row (and rows at
	// fixed distances from it: PREV, NEXT), never p. Partial matches that
	// reach the same state are then merged regardless of their rows, which
	// keeps their number bounded by the automaton's size.
	RowOnly bool
	Skip    rowpattern.Skip
	// Within > 0 (ns): a match or partial match is valid only while its
	// last row's ts minus its first row's ts is ≤ Within.
	Within int64
	// TimeoutRows (needs Within): a start row without a match yields a
	// timeout row (SQL.md §4.3).
	TimeoutRows bool
	// MaxThreads bounds the partial matches of one matcher (0:
	// DefaultMaxThreads). Beyond it the newest start rows are given up on
	// (they yield nothing) and Stats.Dropped counts them.
	MaxThreads int
}

// DefaultMaxThreads is the default Config.MaxThreads.
const DefaultMaxThreads = 10_000

// Program is a compiled Config, shared by the matchers of every partition.
// It holds their scratch space: the matchers of one program must be driven
// from one goroutine at a time.
type Program struct {
	cfg     Config
	st      []rowpattern.State
	nvars   int
	nc      int // counter registers
	nflags  int
	skipVar int32
	maxThr  int
	// the closure of the start state: the threads every start row begins
	// with, and the variables they read
	init     []thread
	initCtr  []int32
	initVars []int32
	// dedup keys: pc, [hist], counters, [flags]
	fastKey bool // pc alone
	keyLen  int
	mark    []uint32
	stamp   uint32
	seen    keySet
	keybuf  []int32
	// history nodes created in the current step, by (parent, variable)
	intern    keySet
	internVal []int32
	// the closure's registers and output
	ctr   []int32
	flags uint32
	nthr  []thread
	nctr  []int32
	cur   *startSet
	row   int64
	// Define results of the current row (RowOnly, or empty partial match)
	gen      uint32
	cacheGen []uint32
	cache    []bool
	partial  Partial
	// node compaction scratch
	live  []bool
	remap []int32
	pool  []*startSet
}

// thread is a partial match waiting at an OpVar state; its counters are
// kept beside it in the set's ctr slice.
type thread struct {
	pc   int32
	hist int32 // the node of its last row
}

// New checks a configuration and compiles it. Errors: an invalid
// automaton, one that accepts zero rows, SKIP TO a variable absent from
// the pattern or able to bind a match's first row, timeout rows without
// Within. The rowpattern errors of the SKIP check are *rowpattern.Error.
func New(cfg Config) (*Program, error) {
	a := cfg.Automaton
	if a == nil {
		return nil, errors.New("rowmatch: no automaton")
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if cfg.Within < 0 {
		return nil, errors.Newf("rowmatch: negative WITHIN %d", errors.Safe(cfg.Within))
	}
	if cfg.TimeoutRows && cfg.Within == 0 {
		return nil, errors.New("rowmatch: WITH TIMEOUT ROWS needs WITHIN")
	}
	p := &Program{
		cfg: cfg, st: a.States, nvars: len(a.Vars), nc: a.Counters, nflags: a.Flags,
		skipVar: -1, maxThr: cfg.MaxThreads,
	}
	if p.maxThr <= 0 {
		p.maxThr = DefaultMaxThreads
	}
	p.fastKey = cfg.RowOnly && p.nc == 0 && p.nflags == 0
	p.keyLen = 1 + p.nc
	if !cfg.RowOnly {
		p.keyLen++
	}
	if p.nflags > 0 {
		p.keyLen++
	}
	p.mark = make([]uint32, len(p.st))
	p.seen = newKeySet(p.keyLen)
	p.intern = newKeySet(2)
	p.ctr = make([]int32, p.nc)
	p.cacheGen = make([]uint32, p.nvars)
	p.cache = make([]bool, p.nvars)

	// The start closure: no rows consumed, so reaching accept means the
	// automaton matches zero rows.
	probe := &startSet{}
	p.beginStep(probe, -1)
	if p.follow(int32(a.Start), -1) {
		return nil, &rowpattern.Error{Kind: rowpattern.ErrUnsupported, Pos: -1, Msg: "the automaton can match zero rows"}
	}
	p.init = slices.Clone(p.nthr)
	p.initCtr = slices.Clone(p.nctr)
	for _, t := range p.init {
		if v := int32(p.st[t.pc].Var); !slices.Contains(p.initVars, v) {
			p.initVars = append(p.initVars, v)
		}
	}

	switch cfg.Skip.Mode {
	case rowpattern.SkipPastLastRow, rowpattern.SkipToNextRow:
	case rowpattern.SkipToFirst, rowpattern.SkipToLast:
		v := a.VarIndex(cfg.Skip.Var)
		if v < 0 {
			return nil, &rowpattern.Error{Kind: rowpattern.ErrSyntax, Pos: -1,
				Msg: "AFTER MATCH " + cfg.Skip.String() + ": " + rowpattern.QuoteName(cfg.Skip.Var) + " is not a pattern variable"}
		}
		if slices.Contains(p.initVars, int32(v)) {
			return nil, &rowpattern.Error{Kind: rowpattern.ErrUnsupported, Pos: -1,
				Msg: "AFTER MATCH " + cfg.Skip.String() + ": " + rowpattern.QuoteName(cfg.Skip.Var) + " can bind the first row of a match"}
		}
		p.skipVar = int32(v)
	default:
		return nil, errors.Newf("rowmatch: unknown AFTER MATCH SKIP mode %d", errors.Safe(cfg.Skip.Mode))
	}
	return p, nil
}

// beginStep prepares the closure of one row (row −1: the start closure)
// for set s.
func (p *Program) beginStep(s *startSet, row int64) {
	p.cur, p.row = s, row
	p.nthr, p.nctr = p.nthr[:0], p.nctr[:0]
	if p.fastKey {
		p.stamp++
		if p.stamp == 0 {
			clear(p.mark)
			p.stamp = 1
		}
	} else {
		p.seen.reset()
	}
	if !p.cfg.RowOnly {
		p.intern.reset()
	}
}

// visit reports whether the closure reaches (pc, its registers, hist) for
// the first time in this step: a later arrival is less preferred and has
// the same future, so it is dropped. Flags are not part of an OpVar
// state's key: consuming a row clears them.
func (p *Program) visit(pc, h int32, isVar bool) bool {
	if p.fastKey {
		if p.mark[pc] == p.stamp {
			return false
		}
		p.mark[pc] = p.stamp
		return true
	}
	k := append(p.keybuf[:0], pc)
	if !p.cfg.RowOnly {
		k = append(k, h)
	}
	k = append(k, p.ctr...)
	if p.nflags > 0 {
		if isVar {
			k = append(k, 0)
		} else {
			k = append(k, int32(p.flags))
		}
	}
	p.keybuf = k
	_, isNew := p.seen.insert(k)
	return isNew
}

// follow explores the ε-transitions from pc in preference order, with
// history h and the registers in p.ctr and p.flags, appending a thread for
// every OpVar state reached. It reports true when it reached accept: the
// match found is then the current set's candidate and every less
// preferred path (the rest of this closure, and the threads after the one
// being advanced) is cut.
func (p *Program) follow(pc, h int32) bool {
	s := &p.st[pc]
	if !p.visit(pc, h, s.Op == rowpattern.OpVar) {
		return false
	}
	switch s.Op {
	case rowpattern.OpVar:
		p.nthr = append(p.nthr, thread{pc: pc, hist: h})
		p.nctr = append(p.nctr, p.ctr...)
	case rowpattern.OpAccept:
		c := p.cur
		c.matched, c.res = true, h
		return true
	case rowpattern.OpSplit:
		for _, t := range s.Alts {
			if p.follow(int32(t), h) {
				return true
			}
		}
	case rowpattern.OpEnter:
		old := p.ctr[s.Ctr]
		p.ctr[s.Ctr] = 0
		acc := p.follow(int32(s.Next), h)
		p.ctr[s.Ctr] = old
		return acc
	case rowpattern.OpLoop:
		if s.Ctr >= 0 {
			n := int(p.ctr[s.Ctr])
			if n < s.Min {
				return p.follow(int32(s.Body), h)
			}
			if s.Max != rowpattern.Unbounded && n >= s.Max {
				return p.exit(s, h)
			}
		}
		if s.Reluctant {
			return p.exit(s, h) || p.iterate(s, h)
		}
		return p.iterate(s, h) || p.exit(s, h)
	case rowpattern.OpIter:
		l := &p.st[s.Loop]
		if l.Flag >= 0 && p.flags&(1<<l.Flag) != 0 {
			return false // an iteration beyond the minimum consumed no row
		}
		if l.Ctr < 0 {
			return p.follow(int32(s.Next), h)
		}
		old := p.ctr[l.Ctr]
		// Beyond an unbounded quantifier's minimum the count no longer
		// matters: saturating it keeps equal states equal.
		if l.Max == rowpattern.Unbounded && int(old) < l.Min || l.Max != rowpattern.Unbounded && int(old) < l.Max {
			p.ctr[l.Ctr]++
		}
		acc := p.follow(int32(s.Next), h)
		p.ctr[l.Ctr] = old
		return acc
	}
	return false
}

// iterate enters one more iteration of a loop at or beyond its minimum.
func (p *Program) iterate(s *rowpattern.State, h int32) bool {
	old := p.flags
	if s.Flag >= 0 {
		p.flags |= 1 << s.Flag
	}
	acc := p.follow(int32(s.Body), h)
	p.flags = old
	return acc
}

// exit leaves a loop, its counter back at 0.
func (p *Program) exit(s *rowpattern.State, h int32) bool {
	if s.Ctr < 0 {
		return p.follow(int32(s.Exit), h)
	}
	old := p.ctr[s.Ctr]
	p.ctr[s.Ctr] = 0
	acc := p.follow(int32(s.Exit), h)
	p.ctr[s.Ctr] = old
	return acc
}

// eval evaluates Define, from the row's cache when the result cannot
// depend on the partial match.
func (p *Program) eval(start int64, nodes []node, h int32, v int32, row int64) bool {
	if p.cfg.Define == nil {
		return true
	}
	cached := p.cfg.RowOnly || h < 0
	if cached && p.cacheGen[v] == p.gen {
		return p.cache[v]
	}
	p.partial = Partial{start: start, nodes: nodes, h: h}
	ok := p.cfg.Define(int(v), row, &p.partial)
	p.partial = Partial{}
	if cached {
		p.cacheGen[v], p.cache[v] = p.gen, ok
	}
	return ok
}

// newRow starts a row: cached Define results become stale.
func (p *Program) newRow() {
	p.gen++
	if p.gen == 0 {
		clear(p.cacheGen)
		p.gen = 1
	}
}

// canStart reports whether some variable of the start closure accepts row
// as a match's first row.
func (p *Program) canStart(row int64) bool {
	for _, v := range p.initVars {
		if p.eval(row, nil, -1, v, row) {
			return true
		}
	}
	return false
}

// step advances every thread of s over row, in preference order.
func (p *Program) step(s *startSet, row int64) {
	p.beginStep(s, row)
	nc := p.nc
	for k := range s.thr {
		t := s.thr[k]
		st := &p.st[t.pc]
		v := int32(st.Var)
		if !p.eval(s.start, s.nodes, t.hist, v, row) {
			continue
		}
		h := p.child(s, t.hist, v)
		copy(p.ctr, s.ctr[k*nc:(k+1)*nc])
		p.flags = 0
		if p.follow(int32(st.Next), h) {
			s.end = row
			break
		}
	}
	s.thr, p.nthr = p.nthr, s.thr[:0]
	s.ctr, p.nctr = p.nctr, s.ctr[:0]
	if len(s.nodes) > 2*s.liveNodes+compactSlack {
		p.compact(s)
	}
}

// compactSlack delays compaction for short matches (tests set it to 0).
var compactSlack = 256

// child returns the history node of parent extended by a row bound to v.
// Unless RowOnly, equal histories get the same node, so that equal partial
// matches have equal dedup keys.
func (p *Program) child(s *startSet, parent, v int32) int32 {
	var e int32 = -1
	if !p.cfg.RowOnly {
		var isNew bool
		e, isNew = p.intern.insert([]int32{parent, v})
		if !isNew {
			return p.internVal[e]
		}
	}
	depth := int32(0)
	if parent >= 0 {
		depth = s.nodes[parent].depth + 1
	}
	s.nodes = append(s.nodes, node{parent: parent, v: v, depth: depth})
	n := int32(len(s.nodes) - 1)
	if e >= 0 {
		if int(e) >= len(p.internVal) {
			p.internVal = append(p.internVal, make([]int32, int(e)+1-len(p.internVal))...)
		}
		p.internVal[e] = n
	}
	return n
}

// compact drops the history nodes no thread and no outcome of s reaches.
func (p *Program) compact(s *startSet) {
	n := len(s.nodes)
	p.live = slices.Grow(p.live[:0], n)[:n]
	clear(p.live)
	mark := func(h int32) {
		for h >= 0 && !p.live[h] {
			p.live[h] = true
			h = s.nodes[h].parent
		}
	}
	for _, t := range s.thr {
		mark(t.hist)
	}
	if s.matched || s.timedOut {
		mark(s.res)
	}
	p.remap = slices.Grow(p.remap[:0], n)[:n]
	j := int32(0)
	for i := range s.nodes {
		if !p.live[i] {
			continue
		}
		nd := s.nodes[i]
		if nd.parent >= 0 {
			nd.parent = p.remap[nd.parent]
		}
		s.nodes[j] = nd
		p.remap[i] = j
		j++
	}
	s.nodes = s.nodes[:j]
	for k := range s.thr {
		s.thr[k].hist = p.remap[s.thr[k].hist]
	}
	if s.matched || s.timedOut {
		s.res = p.remap[s.res]
	}
	s.liveNodes = int(j)
}

// newSet returns an empty start set, reusing a released one.
func (p *Program) newSet(start, ts int64) *startSet {
	var s *startSet
	if k := len(p.pool); k > 0 {
		s, p.pool = p.pool[k-1], p.pool[:k-1]
	} else {
		s = &startSet{}
	}
	s.start, s.startTS = start, ts
	s.thr = append(s.thr[:0], p.init...)
	s.ctr = append(s.ctr[:0], p.initCtr...)
	return s
}

// release returns a set to the pool; a few are kept, and not the arenas
// of very long matches.
func (p *Program) release(s *startSet) {
	if len(p.pool) >= 64 {
		return
	}
	nodes := s.nodes[:0]
	if cap(nodes) > 1<<16 {
		nodes = nil
	}
	*s = startSet{thr: s.thr[:0], ctr: s.ctr[:0], nodes: nodes}
	p.pool = append(p.pool, s)
}
