package rowmatch

import (
	"encoding/binary"
	"math"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// ErrCorruptState marks a state LoadState cannot load.
var ErrCorruptState = errors.New("rowmatch: corrupt matcher state")

const stateVersion = 1

// AppendState appends the matcher's state to b. LoadState into a matcher
// of a Program built from the same Config restores it: the restored
// matcher continues exactly as this one would.
func (m *Matcher) AppendState(b []byte) []byte {
	b = append(b, stateVersion)
	b = binary.AppendUvarint(b, uint64(m.rows))
	b = binary.AppendVarint(b, m.lastTS)
	b = binary.AppendVarint(b, m.wm)
	b = binary.AppendUvarint(b, uint64(m.next))
	b = binary.AppendUvarint(b, uint64(m.dropped))
	b = binary.AppendUvarint(b, uint64(len(m.sets)))
	for _, s := range m.sets {
		b = binary.AppendUvarint(b, uint64(s.start))
		b = binary.AppendVarint(b, s.startTS)
		var fl byte
		if s.matched {
			fl |= 1
		}
		if s.timedOut {
			fl |= 2
		}
		b = append(b, fl)
		b = binary.AppendUvarint(b, uint64(len(s.nodes)))
		for i, n := range s.nodes {
			b = binary.AppendUvarint(b, uint64(int32(i)-n.parent)) // parent −1: i+1
			b = binary.AppendUvarint(b, uint64(n.v))
		}
		if fl != 0 {
			b = binary.AppendUvarint(b, uint64(s.res))
		}
		b = binary.AppendUvarint(b, uint64(len(s.thr)))
		for k, t := range s.thr {
			b = binary.AppendUvarint(b, uint64(t.pc))
			b = binary.AppendUvarint(b, uint64(t.hist))
			for _, c := range s.ctr[k*m.p.nc : (k+1)*m.p.nc] {
				b = binary.AppendUvarint(b, uint64(c))
			}
		}
	}
	return b
}

type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint(limit uint64) uint64 {
	x, n := binary.Uvarint(r.b)
	if n <= 0 || x > limit {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *reader) varint() int64 {
	x, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// LoadState replaces the matcher's state with one AppendState wrote and
// returns the bytes after it. On error (ErrCorruptState) the matcher is
// unchanged.
func (m *Matcher) LoadState(b []byte) ([]byte, error) {
	p := m.p
	r := &reader{b: b}
	fail := func(what string) ([]byte, error) {
		return b, errors.Wrapf(ErrCorruptState, "%s", errors.Safe(what))
	}
	if r.byte() != stateVersion {
		return fail("version")
	}
	n := &Matcher{p: p}
	n.rows = int64(r.uvarint(math.MaxInt64))
	n.lastTS = r.varint()
	n.wm = r.varint()
	n.next = int64(r.uvarint(math.MaxInt64))
	n.dropped = int64(r.uvarint(math.MaxInt64))
	nsets := r.uvarint(uint64(len(r.b)))
	if r.bad || n.next > n.rows || n.rows == 0 && n.lastTS != math.MinInt64 {
		return fail("header")
	}
	for range nsets {
		s := &startSet{}
		s.start = int64(r.uvarint(math.MaxInt64))
		s.startTS = r.varint()
		fl := r.byte()
		if r.bad || s.start < n.next || s.start >= n.rows || s.startTS > n.lastTS || fl > 2 ||
			len(n.sets) > 0 && s.start <= n.sets[len(n.sets)-1].start {
			return fail("start row")
		}
		s.matched, s.timedOut = fl&1 != 0, fl&2 != 0
		nn := r.uvarint(uint64(len(r.b)) / 2)
		if r.bad || nn > math.MaxInt32 {
			return fail("history")
		}
		s.nodes = make([]node, 0, nn)
		for i := range int32(nn) {
			back := r.uvarint(uint64(i) + 1)
			v := r.uvarint(uint64(p.nvars) - 1)
			if r.bad || back == 0 || p.nvars == 0 {
				return fail("history node")
			}
			nd := node{parent: i - int32(back), v: int32(v)}
			if nd.parent >= 0 {
				nd.depth = s.nodes[nd.parent].depth + 1
			}
			if s.start+int64(nd.depth) >= n.rows {
				return fail("history node")
			}
			s.nodes = append(s.nodes, nd)
		}
		s.liveNodes = len(s.nodes)
		if fl != 0 {
			s.res = int32(r.uvarint(nn - 1))
			if r.bad || nn == 0 {
				return fail("outcome")
			}
			s.end = s.start + int64(s.nodes[s.res].depth)
		}
		nt := r.uvarint(uint64(len(r.b)))
		if r.bad || s.timedOut && nt > 0 {
			return fail("threads")
		}
		for range nt {
			pc := r.uvarint(uint64(len(p.st)) - 1)
			h := r.uvarint(nn - 1)
			if r.bad || nn == 0 || p.st[pc].Op != rowpattern.OpVar {
				return fail("thread")
			}
			s.thr = append(s.thr, thread{pc: int32(pc), hist: int32(h)})
			for range p.nc {
				s.ctr = append(s.ctr, int32(r.uvarint(rowpattern.MaxCount)))
			}
		}
		if r.bad {
			return fail("thread counters")
		}
		n.sets = append(n.sets, s)
	}
	for _, s := range m.sets {
		p.release(s)
	}
	m.rows, m.lastTS, m.wm, m.next, m.dropped = n.rows, n.lastTS, n.wm, n.next, n.dropped
	m.sets = append(m.sets[:0], n.sets...)
	return r.b, nil
}
