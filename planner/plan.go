package planner

import (
	"github.com/varpulis/varpulis-go/event"
)

// Plan is a whole program: its streams in declaration order, the user
// functions they call, the global variables and the statements that
// initialise them at load time.
type Plan struct {
	Streams   []*Stream
	Functions []*Function
	Globals   []string // global variable names by slot
	Init      []Stmt   // top-level statements, run once before any event
	// EventTime maps an event type to its declared event_time field.
	EventTime map[string]string
	// Connectors names the declared connectors and their kinds.
	Connectors map[string]string
}

// Input is one input of a stream: events named Name (an event type or a
// stream). A merge member may be labelled and filtered.
type Input struct {
	Name  string
	Label string
	Pred  Expr // nil: every event
}

// Stream is a pipeline: it reads its inputs, runs Ops in order and, when
// Visible, writes its output events. Output events take type OutType.
type Stream struct {
	Name    string
	Index   int // declaration order
	Inputs  []Input
	Merge   bool // inputs come from merge(...): an event passes if one member accepts it
	Ops     []Op
	Visible bool
	OutType string
	// PartitionBy names the partition key fields (.partition_by).
	PartitionBy []string
	// OutOfOrder is the stream's watermark allowance (.watermark), ns.
	OutOfOrder int64
	// AllowedLateness keeps time windows open after they fired (ns).
	AllowedLateness int64
	// Idle (.watermark(idle: i), run only): a source silent this long in
	// wall-clock time advances its event time by the wall-clock time
	// elapsed, so windows and absences complete on a quiet source.
	Idle int64
	// Timer, when set, makes the stream's source a timer: it has no
	// inputs and its events are ticks (VPL.md §4.1).
	Timer *Timer
}

// Timer ticks at t0 + Delay + k·Every, t0 being the first input event's
// ts; a tick is an event with one field, tick: k.
type Timer struct {
	Every, Delay int64
}

// Op is a logical operator of a stream.
type Op interface {
	opName() string
}

// Filter keeps the events for which Pred is exactly true.
type Filter struct{ Pred Expr }

// Item is one output field of a projection.
type Item struct {
	Name string
	X    Expr
}

// Project replaces the fields of each event by Items (.select, .emit).
// KeepAll keeps every field (.emit()). Emit marks the stream visible and
// As, when set, renames the output type.
//
// Union, when set, replaces Items: the fields are the union of the fields
// of the events bound to these aliases, in this order, each event's fields
// in their own order, the first alias winning a name clash (.emit() on a
// join, VPL.md §4.6, §11.8). The names depend on the bound events, so they
// are found per event at run time.
type Project struct {
	Items   []Item
	KeepAll bool
	Emit    bool
	As      string
	Union   []string
}

// Print writes `[print] <stream> v1 v2 ...` to the diagnostic output per
// event (no Args: the event in text form).
type Print struct{ Args []Expr }

// Log writes `<level> <stream>: <message> <data as JSON>` per event.
type Log struct {
	Level   string
	Message Expr // nil: empty
	Data    Expr // nil: omitted
}

// Distinct drops events whose key was seen before (Key nil: all fields).
type Distinct struct{ Key Expr }

// Limit passes the first N events (per partition when partitioned).
type Limit struct{ N int64 }

// Process replaces each event by the events the call's emit statements
// create.
type Process struct{ Call *UserCall }

// To sends each event to a connector; it passes events through and is
// inert in simulate.
type To struct {
	Connector string
}

func (*Filter) opName() string   { return "Filter" }
func (*Project) opName() string  { return "Project" }
func (*Print) opName() string    { return "Print" }
func (*Log) opName() string      { return "Log" }
func (*Distinct) opName() string { return "Distinct" }
func (*Limit) opName() string    { return "Limit" }
func (*Process) opName() string  { return "Process" }
func (*To) opName() string       { return "To" }

// Function is a user function with an imperative body. Slots number its
// parameters first, then its locals.
type Function struct {
	Name   string
	Params []string
	NSlots int
	Body   []Stmt
}

// Stmt is a statement of a function body or of the program's load-time
// code.
type Stmt interface{ stmt() }

// SetLocal assigns a function local (let, var, const, :=).
type SetLocal struct {
	Slot  int
	Value Expr
}

// SetGlobal assigns a global variable.
type SetGlobal struct {
	Slot  int
	Value Expr
}

// If runs the first branch whose condition is exactly true, else Else.
type If struct {
	Conds  []Expr
	Bodies [][]Stmt
	Else   []Stmt
}

// For iterates Iter (array elements, range integers lazily, map keys) into
// local Slot. Range bounds are evaluated once.
type For struct {
	Slot       int
	Iter       Expr
	RangeLo    Expr // set with RangeHi when Iter is a range: iterated lazily
	RangeHi    Expr
	RangeIncl  bool
	Body       []Stmt
	IsRangeFor bool
}

// While loops while Cond is exactly true.
type While struct {
	Cond Expr
	Body []Stmt
}

// Break leaves the innermost loop.
type Break struct{}

// Continue starts the next iteration of the innermost loop.
type Continue struct{}

// Return ends the function with Value (nil: null).
type Return struct{ Value Expr }

// EmitEvent appends an event of type Type with the given fields (an emit
// statement under .process).
type EmitEvent struct {
	Type  string
	Names []string
	Vals  []Expr
}

// Eval evaluates an expression for its effect, or as the function's value
// when it is the last statement.
type Eval struct{ X Expr }

func (*SetLocal) stmt()  {}
func (*SetGlobal) stmt() {}
func (*If) stmt()        {}
func (*For) stmt()       {}
func (*While) stmt()     {}
func (*Break) stmt()     {}
func (*Continue) stmt()  {}
func (*Return) stmt()    {}
func (*EmitEvent) stmt() {}
func (*Eval) stmt()      {}

// NewConst returns a constant expression.
func NewConst(v event.Value) *Const { return &Const{Val: v} }

// KeyFields returns the fields some operator groups events by: the
// partition keys of every stream, written or inferred by a pattern. The
// readers number only these string columns (event.Dict).
func (p *Plan) KeyFields() map[string]bool {
	keys := map[string]bool{}
	var pattern func(pt *Pattern)
	pattern = func(pt *Pattern) {
		for _, f := range pt.KeyFields {
			keys[f] = true
		}
		for _, alt := range pt.Alts {
			pattern(alt)
		}
	}
	for _, s := range p.Streams {
		for _, f := range s.PartitionBy {
			keys[f] = true
		}
		for _, op := range s.Ops {
			if pt, ok := op.(*Pattern); ok {
				pattern(pt)
			}
		}
	}
	return keys
}
