package rowmatch

// Partial is the partial match a DEFINE condition is evaluated against
// (running semantics, SQL.md §4.1): the rows bound so far, from Start()
// up to the row before the one being tried, each to a variable. The row
// being tried is row Start()+Len(). A Partial is valid only during the
// Define call that received it.
//
// Walking the bound rows costs their number; Last and Count stop early
// where they can.
type Partial struct {
	start int64
	nodes []node
	h     int32 // the last bound row's node, -1: none
}

// Start is the first row of the partial match (the row being tried, when
// none is bound yet).
func (p *Partial) Start() int64 { return p.start }

// Len is the number of rows bound so far.
func (p *Partial) Len() int {
	if p.h < 0 {
		return 0
	}
	return int(p.nodes[p.h].depth) + 1
}

// Label returns the variable of row Start()+k, or -1 when 0 ≤ k < Len()
// does not hold.
func (p *Partial) Label(k int) int {
	if k < 0 || k >= p.Len() {
		return -1
	}
	h := p.h
	for int(p.nodes[h].depth) > k {
		h = p.nodes[h].parent
	}
	return int(p.nodes[h].v)
}

// Labels appends the variables of the bound rows, in row order, to dst.
func (p *Partial) Labels(dst []int32) []int32 {
	n := p.Len()
	off := len(dst)
	for range n {
		dst = append(dst, 0)
	}
	for h, k := p.h, n-1; h >= 0; h, k = p.nodes[h].parent, k-1 {
		dst[off+k] = p.nodes[h].v
	}
	return dst
}

// Count is the number of rows bound to v (v < 0: to any variable).
func (p *Partial) Count(v int) int {
	if v < 0 {
		return p.Len()
	}
	n := 0
	for h := p.h; h >= 0; h = p.nodes[h].parent {
		if int(p.nodes[h].v) == v {
			n++
		}
	}
	return n
}

// Last returns the n-th last row bound to v (n = 0: the last; v < 0: any
// variable), as LAST(v.c, n) navigates.
func (p *Partial) Last(v, n int) (int64, bool) {
	if n < 0 {
		return 0, false
	}
	for h := p.h; h >= 0; h = p.nodes[h].parent {
		if v < 0 || int(p.nodes[h].v) == v {
			if n == 0 {
				return p.start + int64(p.nodes[h].depth), true
			}
			n--
		}
	}
	return 0, false
}

// First returns the n-th row bound to v (n = 0: the first; v < 0: any
// variable), as FIRST(v.c, n) navigates.
func (p *Partial) First(v, n int) (int64, bool) {
	c := p.Count(v)
	if n < 0 || n >= c {
		return 0, false
	}
	return p.Last(v, c-1-n)
}

// Rows appends the rows bound to v (v < 0: every bound row), in row
// order, to dst.
func (p *Partial) Rows(v int, dst []int64) []int64 {
	off := len(dst)
	for h := p.h; h >= 0; h = p.nodes[h].parent {
		if v < 0 || int(p.nodes[h].v) == v {
			dst = append(dst, p.start+int64(p.nodes[h].depth))
		}
	}
	for i, j := off, len(dst)-1; i < j; i, j = i+1, j-1 {
		dst[i], dst[j] = dst[j], dst[i]
	}
	return dst
}
