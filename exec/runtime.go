package exec

import (
	"bytes"
	"container/list"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// Limits are the per-stream resource limits of VPL.md §4.7.
type Limits struct {
	MaxRuns         int
	MaxKleene       int
	MaxMatches      int
	MaxJoinBuffer   int
	MaxDistinctKeys int
}

// DefaultLimits are the limits of VPL.md §4.7.
var DefaultLimits = Limits{
	MaxRuns:         10_000,
	MaxKleene:       1_000,
	MaxMatches:      10_000,
	MaxJoinBuffer:   1_000,
	MaxDistinctKeys: 100_000,
}

// Sink receives output events in the deterministic order of VPL.md §7.3.
type Sink interface {
	Emit(o *Output) error
}

// Options configure a Runtime.
type Options struct {
	Sink   Sink
	Diag   io.Writer // .print, .log and warnings; nil discards
	Limits Limits
	// OnLimit is called when a limit is hit (for metrics).
	OnLimit func(stream, limit string)
}

// Runtime runs a plan: it routes input batches to the streams that read
// them, runs the streams in dependency order and hands visible outputs to
// the sink in delivery order.
type Runtime struct {
	plan    *planner.Plan
	opts    Options
	streams []*streamExec
	order   []int            // topological order, ties in declaration order
	subs    map[string][]int // name -> streams reading it, declaration order
	globals []event.Value
	warned  map[string]bool
	// rowAtATime: some expression may assign a global, so events must be
	// processed one at a time for later evaluations to see the new value.
	rowAtATime bool

	pending [][]*chunk
	// Event time (VPL.md §4.1).
	maxTs     int64   // greatest ts seen; MinInt64 before the first event
	events    int64   // input events so far
	dacc      []int64 // per stream: watermark allowance accumulated upstream
	timed     []timedRef
	deferred  []deferredRef
	finished  bool
	started   bool // the first event was seen
	late      int64
	lateBy    []int64 // per stream
	prefixBuf []int64
	segBuf    []int32
	rawSel    []int32   // Process's input selection
	wrap      batchWrap // Process's input chunk
	mixSel    [][]int32 // deliverMixed's, per stream
	mixViews  []*chunk  // deliverMixed's views, per stream (a dispatch's only)
	seg       chunk     // dispatch's view of the raw chunk
	views     []*chunk  // deliverMixed's views of one type, a dispatch's only
	viewsUsed int
	viewSel   []int32 // their selections, one after another
	outs      outPool // runPipeline's outputs
	// deliverMixed's scratch
	mixTargets []int
	mixReads   []bool
	pipeBuf    []*chunk // runPipeline's list of chunks
	pipeBuf2   []*chunk // and its other one

	outputs []*chunk
	keyA    []byte
	keyB    []byte
	outBuf  Output
	runs    []*chunk
	stats   stats
}

// streamExec is a compiled stream.
type streamExec struct {
	plan  *planner.Stream
	entry map[string]predicate // per input name: nil passes everything
	ops   []operator
	multi map[int]multiOperator // ops index -> an operator making new chunks
	// hasProcess: a .process step builds events of its own types.
	hasProcess bool
	// timed is the operator the watermark drives (a time window), at
	// index timedAt.
	timed   timedOp
	timedAt int
	// timer is the stream's timer source, if it has one.
	timer *timerOp
	// reads holds the names the stream reads; mixed: it takes chunks of
	// several types (a pattern stream).
	reads map[string]bool
	mixed bool
	// emitAfterProcess: an .emit renames the events .process built.
	emitAfterProcess bool
}

// New compiles a plan and runs its load-time statements.
func New(plan *planner.Plan, opts Options) (*Runtime, error) {
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	rt := &Runtime{
		plan:    plan,
		opts:    opts,
		subs:    map[string][]int{},
		globals: make([]event.Value, len(plan.Globals)),
		warned:  map[string]bool{},
		pending: make([][]*chunk, len(plan.Streams)),
	}
	rt.rowAtATime = assignsGlobals(plan)
	for i, s := range plan.Streams {
		se, err := rt.compileStream(i, s)
		if err != nil {
			return nil, err
		}
		rt.streams = append(rt.streams, se)
		seen := map[string]bool{}
		for _, in := range s.Inputs {
			if !seen[in.Name] {
				seen[in.Name] = true
				rt.subs[in.Name] = append(rt.subs[in.Name], i)
			}
		}
	}
	order, err := topoOrder(plan, rt.subs)
	if err != nil {
		return nil, err
	}
	rt.order = order
	rt.initStats()
	rt.maxTs = math.MinInt64
	rt.dacc = make([]int64, len(plan.Streams))
	rt.lateBy = make([]int64, len(plan.Streams))
	for _, si := range order {
		s := plan.Streams[si]
		var up int64
		for _, in := range s.Inputs {
			for pi, p := range plan.Streams {
				if p.Name == in.Name || p.OutType == in.Name {
					up = max(up, rt.dacc[pi])
				}
			}
		}
		rt.dacc[si] = addSat(up, s.OutOfOrder)
	}
	for pos, si := range order {
		se := rt.streams[si]
		if se.timed == nil {
			continue
		}
		if po, ok := se.timed.(*patternOp); ok && !po.absence {
			continue // nothing of it ever falls due: no split, no phase
		}
		if po := rt.deferrable(si); po != nil {
			po.deferred = true
			// Filing at start is cheaper in a queue, but makes due early
			// (a run that will never complete): fine when due only decides
			// whether to fire after a dispatch.
			po.fileAtStart = po.fixedDeadlines && !po.anyPolicy
			rt.deferred = append(rt.deferred, deferredRef{si: si, pos: pos, op: po})
		} else {
			rt.timed = append(rt.timed, timedRef{si: si, op: se.timed})
		}
	}
	env := rowEnv{rt: rt, frame: nil}
	execBlock(plan.Init, &env, false)
	return rt, nil
}

// deferPhases lets absences fire once per dispatch (false in tests that
// compare with a phase at every deadline).
var deferPhases = true

// deferredRef names a stream whose watermark phases are deferred to the
// end of each dispatch, and its position in dependency order.
type deferredRef struct {
	si, pos int
	op      *patternOp
}

// deferrable returns stream si's absence matcher when its watermark phases
// may be deferred to the end of each dispatch (fireDeferred): its releases
// reach nothing but the output, through operators that neither print nor
// depend on where a phase falls, so only their order matters, and their
// provenance keeps it. An absence pattern releases at its deadlines only,
// so the stream emits nothing else in between. This spares the runtime
// splitting a batch at every deadline, which for absences over many keys
// comes every few events.
func (rt *Runtime) deferrable(si int) *patternOp {
	se, s := rt.streams[si], rt.plan.Streams[si]
	po, ok := se.timed.(*patternOp)
	if !ok || !deferPhases || !po.absence || rt.rowAtATime || se.timer != nil || se.hasProcess {
		return nil
	}
	if len(rt.subs[s.Name]) > 0 || len(rt.subs[s.OutType]) > 0 {
		return nil
	}
	for _, op := range s.Ops[se.timedAt+1:] {
		switch op := op.(type) {
		case *planner.Filter, *planner.To, *planner.Limit, *planner.Distinct:
		case *planner.Project:
			if op.Union != nil {
				return nil
			}
		default:
			return nil
		}
	}
	return po
}

// fireDeferred runs the deferred streams' watermark phases for rows
// [from, to) of raw chunk c, just dispatched, and routes their releases
// like watermarkPhase; each release's provenance places it in the output
// where its own phase would have.
func (rt *Runtime) fireDeferred(c *chunk, from, to int32) {
	for _, d := range rt.deferred {
		w := subSat(c.prefix[to-1], rt.dacc[d.si])
		if d.op.due() > w {
			continue
		}
		se := rt.streams[d.si]
		root := &prov{base: c.position(from), root: int32(d.pos), fired: true}
		fired := d.op.fireDeferred(w, root, c, from, to)
		for fi, f := range fired {
			outs := rt.runPipeline(d.si, se, f, se.timedAt+1)
			for oi, o := range outs {
				rt.emit(d.si, se, o, oi == len(outs)-1 && fi < len(fired)-1)
			}
		}
	}
}

// assignsGlobals reports whether any function body assigns a global.
func assignsGlobals(p *planner.Plan) bool {
	var walk func([]planner.Stmt) bool
	walk = func(stmts []planner.Stmt) bool {
		for _, s := range stmts {
			switch s := s.(type) {
			case *planner.SetGlobal:
				return true
			case *planner.If:
				for _, b := range s.Bodies {
					if walk(b) {
						return true
					}
				}
				if walk(s.Else) {
					return true
				}
			case *planner.For:
				if walk(s.Body) {
					return true
				}
			case *planner.While:
				if walk(s.Body) {
					return true
				}
			}
		}
		return false
	}
	for _, f := range p.Functions {
		if walk(f.Body) {
			return true
		}
	}
	return false
}

// topoOrder orders streams so that producers come before consumers; among
// streams free to go, declaration order decides.
func topoOrder(p *planner.Plan, subs map[string][]int) ([]int, error) {
	n := len(p.Streams)
	indeg := make([]int, n)
	edges := make([][]int, n)
	for i, s := range p.Streams {
		targets := map[int]bool{}
		for _, name := range []string{s.Name, s.OutType} {
			for _, j := range subs[name] {
				targets[j] = true
			}
		}
		for j := range targets {
			edges[i] = append(edges[i], j)
			indeg[j]++
		}
	}
	var order []int
	done := make([]bool, n)
	for len(order) < n {
		next := -1
		for i := 0; i < n; i++ {
			if !done[i] && indeg[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 {
			return nil, errors.Newf("streams depend on each other in a cycle")
		}
		done[next] = true
		order = append(order, next)
		for _, j := range edges[next] {
			indeg[j]--
		}
	}
	return order, nil
}

func (rt *Runtime) compileStream(si int, s *planner.Stream) (*streamExec, error) {
	se := &streamExec{plan: s, entry: map[string]predicate{}, multi: map[int]multiOperator{}, emitAfterProcess: emitAfterProcess(s)}
	if s.Merge {
		preds := map[string][]planner.Expr{}
		all := map[string]bool{}
		for _, in := range s.Inputs {
			if in.Pred == nil {
				all[in.Name] = true
			} else {
				preds[in.Name] = append(preds[in.Name], in.Pred)
			}
		}
		for name, ps := range preds {
			if all[name] {
				continue
			}
			e := ps[0]
			for _, p := range ps[1:] {
				e = &planner.Binary{Op: scalar.OpOr, X: e, Y: p}
			}
			se.entry[name] = rt.compilePred(e)
		}
	}
	se.reads = map[string]bool{}
	for _, in := range s.Inputs {
		se.reads[in.Name] = true
	}
	if len(s.Ops) > 0 {
		_, se.mixed = s.Ops[0].(*planner.Pattern)
	}
	if s.Timer != nil {
		to := &timerOp{rt: rt, stream: s.Name, t: s.Timer}
		se.timed, se.timedAt, se.timer = to, -1, to
	}
	// captured: the items of a projection right after a pattern that
	// captures what they read (patternOp.captureProjection).
	var captured []planner.Expr
	for i, op := range s.Ops {
		switch op := op.(type) {
		case *planner.Filter:
			se.ops = append(se.ops, &filterOp{p: rt.compilePred(op.Pred)})
		case *planner.Project:
			if op.Union != nil {
				se.multi[i] = &unionOp{aliases: op.Union}
				se.ops = append(se.ops, nil)
				continue
			}
			po := &projectOp{keepAll: op.KeepAll}
			for j, it := range op.Items {
				x := it.X
				if captured != nil {
					x = captured[j] // reading what the pattern before captured
				}
				po.names = append(po.names, it.Name)
				po.ks = append(po.ks, rt.compile(x))
			}
			captured = nil
			se.ops = append(se.ops, po)
		case *planner.Print:
			po := &printOp{rt: rt, stream: s.Name}
			for _, a := range op.Args {
				po.ks = append(po.ks, rt.compile(a))
			}
			se.ops = append(se.ops, po)
		case *planner.Log:
			lo := &logOp{rt: rt, stream: s.Name, level: op.Level}
			if op.Message != nil {
				lo.message = rt.compile(op.Message)
			}
			if op.Data != nil {
				lo.data = rt.compile(op.Data)
			}
			se.ops = append(se.ops, lo)
		case *planner.Limit:
			se.ops = append(se.ops, &limitOp{n: op.N, keys: newKeyIndex(s.PartitionBy)})
		case *planner.Distinct:
			do := &distinctOp{rt: rt, stream: s.Name, part: newKeyIndex(s.PartitionBy), max: rt.opts.Limits.MaxDistinctKeys, lru: list.New()}
			if op.Key != nil {
				do.key = rt.compile(op.Key)
			}
			se.ops = append(se.ops, do)
		case *planner.Process:
			po := &processOp{rt: rt, call: op.Call}
			for _, a := range op.Call.Args {
				po.args = append(po.args, rt.compile(a))
			}
			se.multi[i] = po
			se.hasProcess = true
			se.ops = append(se.ops, nil)
		case *planner.To:
			// Connectors are inert here: simulate never opens them.
			se.ops = append(se.ops, nil)
		case *planner.Window:
			wo := newWindowOp(rt, si, s, op)
			se.multi[i] = wo
			se.ops = append(se.ops, nil)
			if op.Kind.IsTime() {
				se.timed, se.timedAt = wo, i
			}
		case *planner.Pattern:
			var po timedOp
			if op.Rows != nil {
				ro, err := newRowPatternOp(rt, si, s, op)
				if err != nil {
					return nil, err
				}
				po = ro
			} else if len(op.Alts) > 0 || op.And {
				po = newAltPatternOp(rt, si, s, op)
			} else {
				p := newPatternOp(rt, si, s, op)
				po = p
				captured = p.captureProjection(s, i+1)
			}
			se.multi[i] = po
			se.ops = append(se.ops, nil)
			se.timed, se.timedAt = po, i
		case *planner.Join:
			jo := newJoinOp(rt, si, s, op)
			se.multi[i] = jo
			se.ops = append(se.ops, nil)
			se.timed, se.timedAt = jo, i
		case *planner.Aggregate:
			se.multi[i] = &runningAggOp{keys: newKeyIndex(s.PartitionBy), agg: newGroupAgg(rt, op), stream: s.Name}
			se.ops = append(se.ops, nil)
		default:
			return nil, errors.AssertionFailedf("operator %T not supported", op)
		}
	}
	return se, nil
}

// Process runs one input batch whose first row is input event number base
// (0-based, in input order).
func (rt *Runtime) Process(b event.Batch, base int64) error {
	if b.Len() == 0 {
		return nil
	}
	if rt.finished {
		return errors.New("runtime: Process after Finish")
	}
	// The chunk lives for this call only: its memory is reused.
	c := rt.wrap.wrap(b, rt.rawSel)
	rt.rawSel = c.sel
	rt.wrap.p = prov{base: base, phase: 1}
	c.prov = &rt.wrap.p
	rt.countIn(c)
	// maxTs after each row: the watermarks a row is judged against.
	c.prefix = grow(rt.prefixBuf, c.n)
	m := rt.maxTs
	for i, ts := range c.ts {
		m = max(m, ts)
		c.prefix[i] = m
	}
	rt.prefixBuf = c.prefix
	rt.events = base + int64(c.n)
	if !rt.started {
		// Timers count from the first input event (VPL.md §4.1).
		rt.started = true
		for _, se := range rt.streams {
			if se.timer != nil {
				se.timer.start(c.ts[0])
			}
		}
	}
	if rt.rowAtATime {
		for i := int32(0); i < int32(c.n); i++ {
			if err := rt.processRows(c, i, i+1); err != nil {
				return err
			}
		}
		return nil
	}
	return rt.processRows(c, 0, int32(c.n))
}

// processRows runs rows [from, to) of a raw chunk. It splits them where a
// watermark phase has something to release: before such a row, the rows
// up to it are dispatched, then the phase runs (VPL.md §3, steps 3 and 4).
// The split test is conservative: a split where nothing is due costs a
// little time and changes nothing.
func (rt *Runtime) processRows(c *chunk, from, to int32) error {
	if len(rt.timed) == 0 {
		// Nothing falls due between rows: no split.
		rt.maxTs = max(rt.maxTs, c.prefix[to-1])
		return rt.dispatch(c, from, to)
	}
	trigger := rt.trigger()
	start := from
	// Every timed operator's bound is nondecreasing in ts (for its state
	// at the last phase): only a row earlier than every row since then can
	// lower the trigger.
	least := int64(math.MaxInt64)
	for j := from; j < to; j++ {
		ts := c.ts[j]
		if ts > rt.maxTs {
			rt.maxTs = ts
			if ts >= trigger {
				if err := rt.dispatch(c, start, j); err != nil {
					return err
				}
				start = j
				if err := rt.watermarkPhase(c.prov.base+int64(j), false); err != nil {
					return err
				}
				trigger, least = rt.trigger(), math.MaxInt64
			}
		}
		if ts < least {
			least = ts
			trigger = min(trigger, rt.bound(ts))
		}
	}
	return rt.dispatch(c, start, to)
}

// dispatch delivers rows [from, to) of a raw chunk to the streams reading
// its type and writes the outputs.
func (rt *Runtime) dispatch(c *chunk, from, to int32) error {
	if from >= to {
		return nil
	}
	// The view lives for this dispatch only: its memory is reused.
	seg := &rt.seg
	*seg = *c
	// The views and outputs of the last dispatch or phase are done with:
	// they were written and drained.
	for _, v := range rt.views[:rt.viewsUsed] {
		*v = chunk{}
	}
	rt.viewsUsed, rt.viewSel = 0, rt.viewSel[:0]
	rt.outs.reset()
	seg.sel = identityFrom(rt.segBuf, from, to)
	rt.segBuf = seg.sel
	if c.types != nil {
		rt.deliverMixed(seg)
	} else {
		for _, s := range rt.subs[c.typ] {
			rt.pending[s] = append(rt.pending[s], seg)
		}
	}
	rt.outputs = rt.outputs[:0]
	rt.drain()
	rt.fireDeferred(c, from, to)
	return rt.writeOutputs()
}

// deliverMixed hands a chunk of several types to the streams that read
// them: a pattern stream gets one view of all its rows; any other stream
// gets one view per run of rows of one type, so its operators see one type
// at a time. Views keep the chunk's rows and provenance, so the order of
// VPL.md §3 is unchanged.
func (rt *Runtime) deliverMixed(c *chunk) {
	targets := rt.mixTargets[:0]
	for _, t := range c.tnames {
		for _, si := range rt.subs[t] {
			if !slices.Contains(targets, si) {
				targets = append(targets, si)
			}
		}
	}
	slices.Sort(targets)
	rt.mixTargets = targets
	reads := grow(rt.mixReads, len(c.tnames))
	rt.mixReads = reads
	for _, si := range targets {
		se := rt.streams[si]
		for i, t := range c.tnames {
			reads[i] = se.reads[t]
		}
		if se.mixed {
			// The view is drained in this dispatch: its selection reuses
			// the stream's buffer.
			for len(rt.mixSel) <= si {
				rt.mixSel = append(rt.mixSel, nil)
				rt.mixViews = append(rt.mixViews, nil)
			}
			if rt.mixViews[si] == nil {
				rt.mixViews[si] = new(chunk)
			}
			v := rt.mixViews[si]
			*v = *c
			sel, n := grow(rt.mixSel[si], len(c.sel)), 0
			for _, r := range c.sel {
				// Kept when its type is read: without a branch, as types
				// alternate unpredictably.
				sel[n] = r
				n += b2int(reads[c.tcode[r]])
			}
			v.sel, rt.mixSel[si] = sel[:n], sel
			if len(v.sel) > 0 {
				rt.pending[si] = append(rt.pending[si], v)
			}
			continue
		}
		var v *chunk
		last, from := -1, 0
		for _, r := range c.sel {
			code := int(c.tcode[r])
			if !reads[code] {
				continue
			}
			if v == nil || code != last {
				if v != nil {
					v.sel = rt.viewSel[from:len(rt.viewSel):len(rt.viewSel)]
				}
				v = rt.view()
				*v = *c
				v.typ, v.types, v.tcode, v.sel = c.tnames[code], nil, nil, nil
				last, from = code, len(rt.viewSel)
				rt.pending[si] = append(rt.pending[si], v)
			}
			// The views' selections follow one another in one buffer.
			rt.viewSel = append(rt.viewSel, r)
		}
		if v != nil {
			v.sel = rt.viewSel[from:len(rt.viewSel):len(rt.viewSel)]
		}
	}
}

// outPool holds the streams' output chunks and their provenance, reused
// from one dispatch to the next (everything a dispatch or a phase outputs
// is written and drained when it ends).
type outPool struct {
	chunks []*chunk
	provs  []*prov
	nc, np int
}

// reset empties the pool, dropping what its chunks referred to (old
// batches' columns), so that a dispatch with many outputs does not keep
// their memory alive.
func (p *outPool) reset() {
	for _, c := range p.chunks[:p.nc] {
		*c = chunk{}
	}
	for _, v := range p.provs[:p.np] {
		*v = prov{}
	}
	p.nc, p.np = 0, 0
}

func (p *outPool) chunk() *chunk {
	if p.nc == len(p.chunks) {
		p.chunks = append(p.chunks, new(chunk))
	}
	p.nc++
	return p.chunks[p.nc-1]
}

func (p *outPool) prov() *prov {
	if p.np == len(p.provs) {
		p.provs = append(p.provs, new(prov))
	}
	p.np++
	return p.provs[p.np-1]
}

// view returns a chunk for a view that lives for this dispatch only.
func (rt *Runtime) view() *chunk {
	if rt.viewsUsed == len(rt.views) {
		rt.views = append(rt.views, new(chunk))
	}
	v := rt.views[rt.viewsUsed]
	rt.viewsUsed++
	return v
}

// identityFrom returns [from, to) in buf.
func identityFrom(buf []int32, from, to int32) []int32 {
	buf = grow(buf, int(to-from))
	for i := range buf {
		buf[i] = from + int32(i)
	}
	return buf
}

// drain runs every stream that has pending input, in dependency order, and
// routes its output onward.
func (rt *Runtime) drain() {
	for _, si := range rt.order {
		ins := rt.pending[si]
		if len(ins) == 0 {
			continue
		}
		rt.pending[si] = ins[:0]
		se := rt.streams[si]
		runs := rt.orderRuns(ins)
		for i, in := range runs {
			outs := rt.runPipeline(si, se, in, 0)
			for _, o := range outs {
				rt.emit(si, se, o, len(runs) > 1 && i < len(runs)-1)
			}
		}
	}
}

// emit records a stream's output chunk for writing and routes it.
func (rt *Runtime) emit(si int, se *streamExec, o *chunk, mustCopy bool) {
	if len(o.sel) == 0 {
		return
	}
	if mustCopy {
		o = detach(o)
	}
	if se.plan.Visible {
		rt.outputs = append(rt.outputs, o)
		rt.countOut(si, o)
	}
	rt.route(si, o)
}

// W returns the watermark of stream si (VPL.md §4.1): the source's maxTs
// less the allowances accumulated along the way; +inf after the input.
func (rt *Runtime) W(si int) int64 {
	if rt.finished {
		return math.MaxInt64
	}
	return subSat(rt.maxTs, rt.dacc[si])
}

func subSat(a, b int64) int64 {
	if a == math.MinInt64 {
		return a
	}
	if r := a - b; r <= a {
		return r
	}
	return math.MinInt64
}

func addSat(a, b int64) int64 {
	if r := a + b; r >= a {
		return r
	}
	return math.MaxInt64
}

// trigger is the least maxTs at which some stream's watermark reaches the
// due time of its timed operator.
func (rt *Runtime) trigger() int64 {
	t := int64(math.MaxInt64)
	for _, ts := range rt.timed {
		t = min(t, addSat(ts.op.due(), rt.dacc[ts.si]))
	}
	return t
}

// bound is the least maxTs at which state that an event at ts may create
// could fall due.
func (rt *Runtime) bound(ts int64) int64 {
	t := int64(math.MaxInt64)
	for _, x := range rt.timed {
		t = min(t, addSat(x.op.bound(ts), rt.dacc[x.si]))
	}
	return t
}

// watermarkPhase releases, stream by stream in dependency order, what the
// watermark makes due, delivering each stream's releases through the
// cascade before the next stream is considered (VPL.md §3 step 3).
func (rt *Runtime) watermarkPhase(origin int64, final bool) error {
	for pos, si := range rt.order {
		se := rt.streams[si]
		if se.timed == nil {
			continue
		}
		w := rt.W(si)
		if se.timed.due() > w {
			continue
		}
		root := &prov{base: origin, phase: 0, root: int32(pos), maxTs: rt.maxTs, fired: true}
		if final {
			root.maxTs = math.MaxInt64
		}
		fired := se.timed.fire(w, root)
		rt.outputs = rt.outputs[:0]
		for fi, f := range fired {
			outs := rt.runPipeline(si, se, f, se.timedAt+1)
			for oi, o := range outs {
				// runPipeline detached all but its last output; that one
				// is in the stream's kernel buffers, which the next fired
				// chunk reuses.
				rt.emit(si, se, o, oi == len(outs)-1 && fi < len(fired)-1)
			}
		}
		rt.drain()
		if err := rt.writeOutputs(); err != nil {
			return err
		}
	}
	return nil
}

// route hands a stream's output to the streams reading its type or its
// name, once each (VPL.md §11.12).
func (rt *Runtime) route(from int, o *chunk) {
	s := rt.streams[from].plan
	targets := rt.subs[o.typ]
	if s.Name != o.typ {
		if extra := rt.subs[s.Name]; len(extra) > 0 {
			targets = mergeSorted(targets, extra)
		}
	}
	for _, t := range targets {
		rt.pending[t] = append(rt.pending[t], o)
	}
}

func mergeSorted(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	out = append(out, a...)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// orderRuns splits the chunks a stream receives into runs in delivery
// order, so the stream sees its events in the order of VPL.md §3 even when
// they come from several producers.
func (rt *Runtime) orderRuns(ins []*chunk) []*chunk {
	if len(ins) == 1 {
		return ins
	}
	if siblings(ins) {
		return rt.siblingRuns(ins)
	}
	heads := make([]int, len(ins))
	var runs []*chunk
	for {
		best := -1
		for i, c := range ins {
			if heads[i] >= len(c.sel) {
				continue
			}
			if best < 0 || rt.less(c, c.sel[heads[i]], ins[best], ins[best].sel[heads[best]]) {
				best = i
			}
		}
		if best < 0 {
			return runs
		}
		c := ins[best]
		start := heads[best]
		end := start + 1
		for end < len(c.sel) {
			ok := true
			for i, o := range ins {
				if i != best && heads[i] < len(o.sel) && rt.less(o, o.sel[heads[i]], c, c.sel[end]) {
					ok = false
					break
				}
			}
			if !ok {
				break
			}
			end++
		}
		run := *c
		run.sel = c.sel[start:end]
		runs = append(runs, &run)
		heads[best] = end
	}
}

// siblings reports whether every chunk was made by a different stream from
// the rows of one input chunk, keeping its domain: then order is by row,
// then by stream.
func siblings(ins []*chunk) bool {
	p0 := ins[0].prov
	if p0.parent == nil || p0.prow != nil {
		return false
	}
	for _, c := range ins[1:] {
		if p := c.prov; p.parent != p0.parent || p.prow != nil {
			return false
		}
	}
	return true
}

// siblingRuns merges sibling chunks by (row, stream) without keys.
func (rt *Runtime) siblingRuns(ins []*chunk) []*chunk {
	heads := make([]int, len(ins))
	runs := rt.runs[:0]
	for {
		best := -1
		var bestRow int32
		for i, c := range ins {
			if heads[i] >= len(c.sel) {
				continue
			}
			r := c.sel[heads[i]]
			if best < 0 || r < bestRow || r == bestRow && c.prov.sub < ins[best].prov.sub {
				best, bestRow = i, r
			}
		}
		if best < 0 {
			rt.runs = runs
			return runs
		}
		// Extend the run while its rows come before every other head.
		limit := int32(1<<31 - 1)
		for i, c := range ins {
			if i != best && heads[i] < len(c.sel) {
				h := c.sel[heads[i]]
				if c.prov.sub < ins[best].prov.sub {
					h-- // the stream declared first wins ties
				}
				limit = min(limit, h)
			}
		}
		c := ins[best]
		start, end := heads[best], heads[best]+1
		for end < len(c.sel) && c.sel[end] <= limit {
			end++
		}
		run := *c
		run.sel = c.sel[start:end]
		runs = append(runs, &run)
		heads[best] = end
	}
}

func (rt *Runtime) less(a *chunk, ra int32, b *chunk, rb int32) bool {
	// Fast path: siblings made from the same input rows without new domains
	// order by input row, then by producing stream.
	if pa, pb := a.prov, b.prov; pa.parent != nil && pa.parent == pb.parent && pa.prow == nil && pb.prow == nil {
		if ra != rb {
			return ra < rb
		}
		return pa.sub < pb.sub
	}
	rt.keyA = appendKey(rt.keyA[:0], a, ra)
	rt.keyB = appendKey(rt.keyB[:0], b, rb)
	return bytes.Compare(rt.keyA, rt.keyB) < 0
}

// runPipeline runs a chunk through a stream's operators from index from
// on and gives the outputs their type and provenance.
func (rt *Runtime) runPipeline(si int, se *streamExec, in *chunk, from int) []*chunk {
	c := in
	if from == 0 {
		if p := se.entry[in.typ]; p != nil {
			f := *in
			f.sel = p.filter(in, in.sel, nil)
			c = &f
		}
	}
	// The list is reused by the next call: callers are done with the
	// outputs' list (not the outputs) before they run a pipeline again.
	clear(rt.pipeBuf)
	cur := append(rt.pipeBuf[:0], c)
	for i := from; i < len(se.ops); i++ {
		if m := se.multi[i]; m != nil {
			// The two lists take turns: the other one holds the outputs.
			clear(rt.pipeBuf2)
			next := rt.pipeBuf2[:0]
			for _, x := range cur {
				if len(x.sel) > 0 {
					next = append(next, m.runMany(x)...)
				}
			}
			rt.pipeBuf2 = cur
			cur = next
			continue
		}
		op := se.ops[i]
		if op == nil {
			continue
		}
		for j, x := range cur {
			if len(x.sel) > 0 {
				cur[j] = op.run(x)
				if j < len(cur)-1 {
					// The op runs again on the next chunk, over the same
					// kernel buffers.
					cur[j] = detach(cur[j])
				}
			}
		}
	}
	for j, x := range cur {
		o := rt.outs.chunk()
		*o = *x
		o.typ = se.plan.OutType
		if se.hasProcess && !se.emitAfterProcess {
			o.typ = x.typ // events built by emit statements keep their type
		}
		if from == 0 || x.up != nil {
			p := rt.outs.prov()
			*p = prov{parent: in, sub: int32(si)}
			if x.up != nil {
				p.prow, p.seq = x.up.prow, x.up.seq
			}
			o.prov = p
		}
		o.up, o.aliases = nil, nil // aliases end at the stream's boundary
		cur[j] = o
	}
	rt.pipeBuf = cur
	return cur
}

// emitAfterProcess reports whether an .emit follows the last .process,
// renaming its events to the stream's output type.
func emitAfterProcess(s *planner.Stream) bool {
	last := -1
	for i, op := range s.Ops {
		if _, ok := op.(*planner.Process); ok {
			last = i
		}
	}
	for _, op := range s.Ops[last+1:] {
		if p, ok := op.(*planner.Project); ok && p.Emit {
			return true
		}
	}
	return false
}

// detach copies a chunk's computed columns, event times and field names,
// whose buffers may belong to kernels or to an operator's arena (see
// chunkArena) that will run again before the chunk is consumed.
func detach(c *chunk) *chunk {
	o := *c
	o.cols = make([]*vec, len(c.cols))
	for i, v := range c.cols {
		if v.arr != nil || v.isConst {
			cp := *v // the vec itself may be a kernel's, its data is not
			o.cols[i] = &cp
			continue
		}
		nv := &vec{kind: planner.KindAny, vals: make([]event.Value, c.n)}
		for _, r := range c.sel {
			nv.vals[r] = cloneValue(v.value(int(r)))
		}
		o.cols[i] = nv
	}
	o.sel = slices.Clone(c.sel)
	// Event times and names may be in an operator's arena too.
	o.ts, o.names = slices.Clone(c.ts), slices.Clone(c.names)
	return &o
}

// writeOutputs hands the visible outputs of one delivery round to the sink
// in key order.
func (rt *Runtime) writeOutputs() error {
	outs := rt.outputs
	if len(outs) == 0 || rt.opts.Sink == nil {
		return nil
	}
	if len(outs) == 1 {
		rt.outBuf = Output{c: outs[0], rows: outs[0].sel}
		return rt.opts.Sink.Emit(&rt.outBuf)
	}
	for _, run := range rt.orderRuns(outs) {
		rt.outBuf = Output{c: run, rows: run.sel}
		if err := rt.opts.Sink.Emit(&rt.outBuf); err != nil {
			return err
		}
	}
	return nil
}

// Finish ends the input: every source's maxTs becomes +inf and a last
// watermark phase flushes every window and pending timeout (VPL.md §3).
func (rt *Runtime) Finish() error {
	if rt.finished {
		return nil
	}
	rt.finished = true
	return rt.watermarkPhase(rt.events, true)
}

// AdvanceTo raises the source's maxTs to ts, without an event, and runs
// the watermark phase that follows: what the new watermarks make due is
// released. run uses it for idle sources and processing time; it is a
// no-op when ts is not ahead.
func (rt *Runtime) AdvanceTo(ts int64) error {
	if rt.finished || ts <= rt.maxTs || !rt.started {
		return nil
	}
	rt.maxTs = ts
	return rt.watermarkPhase(rt.events, false)
}

// MaxTs returns the greatest event time the source has reached.
func (rt *Runtime) MaxTs() int64 { return rt.maxTs }

// IdleTimeout returns the shortest .watermark(idle: i) of the plan, or 0.
func (rt *Runtime) IdleTimeout() int64 {
	var idle int64
	for _, s := range rt.plan.Streams {
		if s.Idle > 0 && (idle == 0 || s.Idle < idle) {
			idle = s.Idle
		}
	}
	return idle
}

// countLate counts one late event dropped by stream si.
func (rt *Runtime) countLate(si int) {
	rt.late++
	rt.lateBy[si]++
}

// LateByStream returns the late events each stream dropped so far, the
// varpulis_late_events_total{stream} counter (streams without any are
// left out).
func (rt *Runtime) LateByStream() map[string]int64 {
	m := map[string]int64{}
	for si, n := range rt.lateBy {
		if n > 0 {
			m[rt.plan.Streams[si].Name] = n
		}
	}
	return m
}

// Late returns the number of late events dropped so far (VPL.md §4.3).
func (rt *Runtime) Late() int64 { return rt.late }

func (rt *Runtime) diag(b []byte) {
	if rt.opts.Diag != nil {
		_, _ = rt.opts.Diag.Write(b)
	}
}

// warnOnce writes a warning once per key.
func (rt *Runtime) warnOnce(key, msg string) {
	if rt.warned[key] {
		return
	}
	rt.warned[key] = true
	rt.diag([]byte(msg + "\n"))
}

// limitHit counts a limit hit and warns once per stream and limit.
func (rt *Runtime) limitHit(stream, limit string, n int) {
	if rt.opts.OnLimit != nil {
		rt.opts.OnLimit(stream, limit)
	}
	if rt.countLimit(stream, limit) == 1 {
		rt.diag(fmt.Appendf(nil, "warning: stream %s: limit %s=%d reached\n", stream, limit, n))
	}
}
