package exec

import "github.com/varpulis/varpulis-go/planner"

// joinOp runs the head of a join stream.
type joinOp struct{}

func newJoinOp(rt *Runtime, si int, s *planner.Stream, j *planner.Join) *joinOp {
	panic("join: not implemented")
}

func (op *joinOp) runMany(c *chunk) []*chunk         { return nil }
func (op *joinOp) due() int64                        { return 1<<63 - 1 }
func (op *joinOp) bound(ts int64) int64              { return 1<<63 - 1 }
func (op *joinOp) fire(w int64, root *prov) []*chunk { return nil }
