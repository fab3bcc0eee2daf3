package rowmatch

import (
	"math"
	"slices"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// Match is a decided outcome of a start row: a match, or (TimedOut) a
// timeout row's prefix. Rows Start..End of the partition are bound, row
// Start+k to variable Labels[k] (CLASSIFIER()). Labels is valid until the
// next call on the matcher that produced it.
type Match struct {
	Start, End int64
	Labels     []int32
	TimedOut   bool
}

// Matcher matches one partition's rows, pushed in ORDER BY order.
type Matcher struct {
	p       *Program
	rows    int64 // rows pushed; the next row's number
	lastTS  int64
	wm      int64
	next    int64       // start rows below next are settled
	sets    []*startSet // by start row
	lbuf    []int32
	dropped int64
}

// startSet is everything about one start row: its partial matches
// (threads) in preference order, their history, and its candidate match
// (every remaining thread is preferred to it) or its outcome.
type startSet struct {
	start, startTS int64
	thr            []thread
	ctr            []int32 // the threads' counters, Program.nc each
	nodes          []node  // history arena
	liveNodes      int     // nodes after the last compaction
	matched        bool    // res is the candidate (or final) match
	timedOut       bool    // res is the timeout row's prefix
	res            int32
	end            int64 // matched: the last row
}

// node is one bound row of a partial match: the row start+depth bound to
// variable v after the rows of parent.
type node struct {
	parent, v, depth int32
}

// NewMatcher returns an empty matcher for one partition.
func (p *Program) NewMatcher() *Matcher {
	return &Matcher{p: p, lastTS: math.MinInt64, wm: math.MinInt64}
}

func addSat(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// Push offers the partition's next row (its number is the count of rows
// pushed before) with its ts, and appends to out the outcomes it decides,
// in start-row order. Rows must come in ORDER BY order, settled (no later
// row has a smaller ts, none is below the watermark); otherwise Push
// returns an error and changes nothing.
func (m *Matcher) Push(ts int64, out []Match) ([]Match, error) {
	if ts < m.lastTS {
		return out, errors.Newf("rowmatch: row ts %d before the previous row's %d", errors.Safe(ts), errors.Safe(m.lastTS))
	}
	if ts < m.wm {
		return out, errors.Newf("rowmatch: row ts %d below the watermark %d", errors.Safe(ts), errors.Safe(m.wm))
	}
	p := m.p
	p.newRow()
	row := m.rows
	m.rows++
	m.lastTS = ts
	m.lbuf = m.lbuf[:0]
	for _, s := range m.sets {
		if len(s.thr) == 0 {
			continue
		}
		if p.cfg.Within > 0 && ts > addSat(s.startTS, p.cfg.Within) {
			m.expire(s)
			continue
		}
		p.step(s, row)
	}
	if row >= m.next && p.canStart(row) {
		s := p.newSet(row, ts)
		p.step(s, row)
		if len(s.thr) == 0 && !s.matched {
			p.release(s)
		} else {
			m.sets = append(m.sets, s)
		}
	}
	return m.settle(out), nil
}

// Advance raises the watermark to w: no later row has a smaller ts. Start
// rows whose WITHIN deadline w passes are decided.
func (m *Matcher) Advance(w int64, out []Match) []Match {
	if w <= m.wm {
		return out
	}
	m.wm = w
	m.lbuf = m.lbuf[:0]
	if d := m.p.cfg.Within; d > 0 {
		for _, s := range m.sets {
			if len(s.thr) > 0 && w > addSat(s.startTS, d) {
				m.expire(s)
			}
		}
	}
	return m.settle(out)
}

// Flush ends the input: every start row is decided. Rows may be pushed
// afterwards (a new input continuing the partition).
func (m *Matcher) Flush(out []Match) []Match {
	m.lbuf = m.lbuf[:0]
	for _, s := range m.sets {
		if len(s.thr) > 0 {
			m.expire(s)
		}
	}
	return m.settle(out)
}

// expire ends a start row's partial matches because no further row can
// be in time (or there are none): its candidate, if any, is its match;
// otherwise, with timeout rows, its most preferred partial match, which
// covers every row up to the deadline, is its timeout row.
func (m *Matcher) expire(s *startSet) {
	if !s.matched && m.p.cfg.TimeoutRows && len(s.thr) > 0 {
		s.timedOut, s.res = true, s.thr[0].hist
	}
	s.thr, s.ctr = s.thr[:0], s.ctr[:0]
}

// Pending returns the earliest start row whose outcome is not decided yet,
// and its ts (the output watermark is min(input watermark, ts)).
func (m *Matcher) Pending() (row, ts int64, ok bool) {
	if len(m.sets) == 0 {
		return 0, 0, false
	}
	return m.sets[0].start, m.sets[0].startTS, true
}

// Oldest is the first row the matcher may still report or pass to Define
// in a partial match: the caller may forget the rows before it.
func (m *Matcher) Oldest() int64 {
	if len(m.sets) > 0 {
		return m.sets[0].start
	}
	return m.rows
}

// Threads is the number of live partial matches.
func (m *Matcher) Threads() int {
	n := 0
	for _, s := range m.sets {
		n += len(s.thr)
	}
	return n
}

// Dropped counts the start rows given up on because of MaxThreads.
func (m *Matcher) Dropped() int64 { return m.dropped }

// settle emits the decided outcomes at the front, in start-row order, and
// prunes the sets that cannot matter.
func (m *Matcher) settle(out []Match) []Match {
	p := m.p
	i := 0
	for ; i < len(m.sets); i++ {
		s := m.sets[i]
		if s.start >= m.next {
			if len(s.thr) > 0 {
				break
			}
			switch {
			case s.matched:
				out = m.emit(out, s, false)
				m.next = m.skipTarget(s, out[len(out)-1].Labels)
			case s.timedOut:
				out = m.emit(out, s, true)
				m.next = s.start + 1
			default:
				m.next = s.start + 1
			}
		}
		p.release(s)
		m.sets[i] = nil
	}
	live := m.sets[i:]
	if len(live) > 0 {
		m.limit(live)
		if p.cfg.RowOnly && p.cfg.Within == 0 && p.cfg.Skip.Mode == rowpattern.SkipPastLastRow {
			p.dominate(live)
		}
	}
	// The head (live[0]) is sure to be tried. Under SKIP PAST LAST ROW a
	// head with a candidate match will match, ending at or after the
	// candidate's end, so later start rows up to it are skipped. A later
	// set decided without an outcome is a row that yields nothing.
	headEnd := int64(-1)
	if len(live) > 0 && live[0].matched && p.cfg.Skip.Mode == rowpattern.SkipPastLastRow {
		headEnd = live[0].end
	}
	j := 0
	for k, s := range live {
		if k > 0 && (s.start <= headEnd || len(s.thr) == 0 && !s.matched && !s.timedOut) {
			p.release(s)
			continue
		}
		m.sets[j] = s
		j++
	}
	clear(m.sets[j:])
	m.sets = m.sets[:j]
	return out
}

// emit appends a set's outcome.
func (m *Matcher) emit(out []Match, s *startSet, timedOut bool) []Match {
	h := s.res
	n := int(s.nodes[h].depth) + 1
	off := len(m.lbuf)
	m.lbuf = slices.Grow(m.lbuf, n)[:off+n]
	for k := n - 1; k >= 0; k-- {
		m.lbuf[off+k] = s.nodes[h].v
		h = s.nodes[h].parent
	}
	return append(out, Match{Start: s.start, End: s.start + int64(n) - 1, Labels: m.lbuf[off : off+n : off+n], TimedOut: timedOut})
}

// skipTarget is the next start row after a match (AFTER MATCH SKIP).
func (m *Matcher) skipTarget(s *startSet, labels []int32) int64 {
	switch m.p.cfg.Skip.Mode {
	case rowpattern.SkipPastLastRow:
		return s.start + int64(len(labels))
	case rowpattern.SkipToFirst:
		if k := slices.Index(labels, m.p.skipVar); k >= 0 {
			return s.start + int64(k)
		}
	case rowpattern.SkipToLast:
		for k := len(labels) - 1; k >= 0; k-- {
			if labels[k] == m.p.skipVar {
				return s.start + int64(k)
			}
		}
	}
	return s.start + 1
}

// limit enforces MaxThreads: the newest start rows are given up on first;
// the head keeps its most preferred threads.
func (m *Matcher) limit(live []*startSet) {
	total := 0
	for _, s := range live {
		total += len(s.thr)
	}
	max := m.p.maxThr
	for k := len(live) - 1; k >= 1 && total > max; k-- {
		if s := live[k]; len(s.thr) > 0 {
			total -= len(s.thr)
			s.thr, s.ctr = s.thr[:0], s.ctr[:0]
			s.matched, s.timedOut = false, false
			m.dropped++
		}
	}
	if h := live[0]; len(h.thr) > max {
		h.thr, h.ctr = h.thr[:max], h.ctr[:max*m.p.nc]
		m.dropped++
	}
}

// dominate drops the threads of later sets that are in a state one of the
// head's threads is in (RowOnly, no WITHIN, SKIP PAST LAST ROW). Their
// futures are the same: if it leads to a match, the head matches too and
// its match ends after the later start row, which is then skipped; if it
// does not, the thread contributes nothing. This keeps patterns like
// a+ b linear over long runs of a.
func (p *Program) dominate(live []*startSet) {
	head := live[0]
	if len(head.thr) == 0 || len(live) < 2 {
		return
	}
	nc := p.nc
	p.beginStep(nil, -1)
	for k, t := range head.thr {
		copy(p.ctr, head.ctr[k*nc:(k+1)*nc])
		p.visit(t.pc, 0, true)
	}
	for _, s := range live[1:] {
		j := 0
		for k, t := range s.thr {
			copy(p.ctr, s.ctr[k*nc:(k+1)*nc])
			if p.known(t.pc) {
				continue
			}
			s.thr[j] = t
			copy(s.ctr[j*nc:(j+1)*nc], p.ctr)
			j++
		}
		s.thr, s.ctr = s.thr[:j], s.ctr[:j*nc]
	}
	p.cur = nil
}

// known reports whether visit has seen the OpVar state pc with the
// counters in p.ctr in this step (RowOnly keys).
func (p *Program) known(pc int32) bool {
	if p.fastKey {
		return p.mark[pc] == p.stamp
	}
	k := append(p.keybuf[:0], pc)
	k = append(k, p.ctr...)
	if p.nflags > 0 {
		k = append(k, 0)
	}
	p.keybuf = k
	return p.seen.has(k)
}
