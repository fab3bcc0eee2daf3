package patternoracle

import (
	"fmt"
	"math"
	"slices"

	"github.com/varpulis/varpulis-go/event"
)

// Event is one input event: type, ts (ns since the epoch) and fields.
type Event = event.Event

// Step is one step of the pattern (VPL.md §4.5.1): step 1 is the source
// `T as a` (or `all T as a`), each further one `-> [all] T [where p] [as a]`.
type Step struct {
	Type   string
	Kleene bool // `all` or `T+`: Kleene+ (one or more events); with Optional `T*`
	// Optional (named patterns only): the step may hold no event: `T?`
	// (zero or one) or, with Kleene, `T*` (zero or more); see N1–N7.
	Optional bool
	Alias    string // "" for an unaliased step
	// Where is the step's predicate as a list of top-level `and`
	// conjuncts (nil: none). An event matches the step iff its type is
	// Type and every conjunct is exactly true; in a Kleene step, a
	// conjunct that mentions the step's own alias compares the candidate
	// with the previously collected element and is skipped for the first
	// element (§4.5.1). Each conjunct's text must bind at least as tightly
	// as `and` (no top-level `or`).
	Where []Expr
}

// Negation is a `.not(Type where p)` (§4.5.4).
type Negation struct {
	Type  string
	Where []Expr // conjuncts, as in Step.Where; nil: none
	// After is the number of steps written before the .not (1 ≤ After ≤
	// len(Steps)). With After == len(Steps) the .not is trailing: together
	// with .within it makes an absence (§4.5.5). Otherwise it only decides
	// where VPL renders it: a negation guards a run from its start
	// wherever it is written (§4.5.4).
	//
	// In a named pattern (Pattern.Named), a negation that is not an Item
	// is a .not written on the stream after the pattern: After must be
	// len(Steps) (it is trailing), and under Or it is ignored (each side
	// gets its own).
	After int
	// Item marks a NOT item of a named SEQ (VPL.md §2): it stands after
	// step After (1 ≤ After ≤ len(Steps); After == len(Steps): last in
	// SEQ) and guards only the gap between the nearest steps around it
	// that hold an event (N6), not the whole run.
	Item bool
}

// Out is one .emit item (§4.2, §4.5.8): `Name: Value`, or with Name ""
// a bare field name (Value must then be a Field), named after it.
type Out struct {
	Name  string
	Value Expr
}

// Policies (§4.5.6).
const (
	Next   = "next"
	Any    = "any"
	Strict = "strict"
)

// Limits are the §4.7 limits; zero means the default. See the package
// documentation for which ones each policy models.
type Limits struct {
	MaxRuns    int // per partition; new runs are not started (default 10 000)
	MaxKleene  int // per Kleene step of a run; further events are not collected (default 1 000)
	MaxMatches int // per input event; further matches are discarded (default 10 000)
}

// Default limits (§4.7).
const (
	DefaultMaxRuns    = 10000
	DefaultMaxKleene  = 1000
	DefaultMaxMatches = 10000
)

// Pattern describes one pattern stream
//
//	stream S = A as a -> all B where p as b -> C as c .not(D where q) .within(d) .partition_by(k) .policy(any) .watermark(out_of_order: o) .emit(…)
type Pattern struct {
	Name        string // stream name; "" is "S"
	Steps       []Step
	Nots        []Negation
	Within      int64  // .within(d) in ns; 0: none
	PartitionBy string // .partition_by(k); "": none
	Policy      string // Next, Any or Strict; "" is Next and is not rendered
	OutOfOrder  int64  // .watermark(out_of_order: d) in ns; 0: not rendered
	Emit        []Out  // nil or empty: .emit(), all fields of the last bound event
	Limits      Limits

	// Named, when set, renders the pattern as `pattern <Named> = …` with
	// Within, PartitionBy and Policy as its clauses, read by the stream
	// (VPL.md §2); it is required by optional steps, NOT items, And and
	// Or. Steps are then the items of one SEQ, unless And or Or.
	Named string
	// And makes the pattern `I1 AND I2` (N9): exactly two ordinary steps
	// (neither Kleene nor Optional), bound in either order; no Item
	// negations.
	And bool
	// Or makes the pattern `Or[0] OR Or[1] OR …` (N10): each alternative
	// sets Steps, Nots (Item negations only) and And, nothing else; the
	// top level sets no Steps, and its Nots (not Items) are the stream's
	// .not, given to every side.
	Or []Pattern
}

// DefaultName is the stream name used when Pattern.Name is empty.
const DefaultName = "S"

func (p Pattern) name() string {
	if p.Name == "" {
		return DefaultName
	}
	return p.Name
}

func (p Pattern) policy() string {
	if p.Policy == "" {
		return Next
	}
	return p.Policy
}

// absence reports whether the pattern is an absence (§4.5.5): .within and
// at least one trailing .not.
func (p Pattern) absence() bool {
	if p.Within <= 0 || len(p.Or) > 0 {
		return false // an OR's sides decide for themselves (N10)
	}
	for _, n := range p.Nots {
		if n.After == len(p.Steps) {
			return true
		}
	}
	return false
}

func (p Pattern) maxRuns() int    { return orDefault(p.Limits.MaxRuns, DefaultMaxRuns) }
func (p Pattern) maxKleene() int  { return orDefault(p.Limits.MaxKleene, DefaultMaxKleene) }
func (p Pattern) maxMatches() int { return orDefault(p.Limits.MaxMatches, DefaultMaxMatches) }

func orDefault(n, d int) int {
	if n <= 0 {
		return d
	}
	return n
}

// validate panics on a pattern the oracle does not model or that VPL
// would reject.
func (p Pattern) validate() {
	if p.Named != "" || p.And || len(p.Or) > 0 {
		p.validateNamed()
		if len(p.Or) > 0 {
			return
		}
	}
	if len(p.Steps) == 0 {
		panic("patternoracle: no steps")
	}
	switch p.policy() {
	case Next, Any, Strict:
	default:
		panic("patternoracle: unknown policy " + p.Policy)
	}
	if p.Within < 0 || p.OutOfOrder < 0 {
		panic("patternoracle: negative within or out_of_order")
	}
	seen := map[string]bool{}
	for _, s := range p.Steps {
		if s.Type == "" {
			panic("patternoracle: step without a type")
		}
		if s.Optional && p.Named == "" {
			panic("patternoracle: an optional step outside a named pattern")
		}
		if s.Alias != "" {
			if seen[s.Alias] {
				panic("patternoracle: alias bound twice (E023): " + s.Alias)
			}
			seen[s.Alias] = true
		}
	}
	for _, n := range p.Nots {
		if n.Item && p.Named == "" {
			panic("patternoracle: a NOT item outside a named pattern")
		}
		if n.After < 1 || n.After > len(p.Steps) {
			panic(fmt.Sprintf("patternoracle: negation after %d of %d steps", n.After, len(p.Steps)))
		}
	}
	for _, o := range p.Emit {
		if o.Value.eval == nil {
			panic("patternoracle: an .emit item without a value")
		}
		if o.Name == "" && o.Value.bare == "" {
			panic("patternoracle: an unnamed .emit item must be a Field")
		}
	}
}

// key is the partition key of an event (§4.5.7): the value of field k,
// null when missing; without partitioning every event has the null key.
func (p Pattern) key(e *Event) event.Value {
	if p.PartitionBy == "" {
		return event.Null
	}
	return get(e, p.PartitionBy)
}

// subscribed reports whether events of type t are dispatched to the
// stream (§3 step 4): the types of its steps and negations.
func (p Pattern) subscribed(t string) bool {
	for _, s := range p.Steps {
		if s.Type == t {
			return true
		}
	}
	for _, n := range p.Nots {
		if n.Type == t {
			return true
		}
	}
	return false
}

// stepType reports whether t occurs in some step (§4.5.6 strict).
func (p Pattern) stepType(t string) bool {
	for _, s := range p.Steps {
		if s.Type == t {
			return true
		}
	}
	return false
}

// Watermark bounds: W starts at −∞ and becomes +∞ at the end of input (§3).
const (
	negInf = math.MinInt64
	posInf = math.MaxInt64
)

// Phases of one input event (§3, §7.3): the watermark phase comes first.
const (
	phaseWatermark = 0
	phaseDispatch  = 1
)

// match is one match before rendering.
type match struct {
	trigger int // index of the input event whose processing produced it; len(events) for the final flush
	phase   int // phaseWatermark or phaseDispatch
	due     int64
	key     event.Value
	start   int     // position of the run's first event (run-start order)
	bound   [][]int // positions bound to each step, in binding order
	ts      int64   // the match's ts (§4.5.8)
	side    int     // the side of an OR that made it (N10); 0 otherwise
}

// positions flattens the bound positions in step order (increasing,
// except for AND, whose second item may come first).
func (m *match) positions() []int {
	var out []int
	for _, b := range m.bound {
		out = append(out, b...)
	}
	return out
}

// last returns the position of the last bound event (in input order).
func (m *match) last() int {
	return slices.Max(m.positions())
}

// cmpBound orders matches completed together (§7.3, N8): by the input
// positions of their events in increasing order, lexicographically; the
// same events assigned differently compare step by step, fewer events in
// the earlier step first, then by the positions of each step.
func cmpBound(a, b *match) int {
	pa, pb := a.positions(), b.positions()
	sa, sb := slices.Clone(pa), slices.Clone(pb)
	slices.Sort(sa)
	slices.Sort(sb)
	if c := slices.Compare(sa, sb); c != 0 {
		return c
	}
	for j := range min(len(a.bound), len(b.bound)) {
		if c := len(a.bound[j]) - len(b.bound[j]); c != 0 {
			return c
		}
	}
	return slices.Compare(pa, pb)
}

// sortMatches puts matches in the order of §7.3: by input event, the
// watermark phase before the dispatch phase; within the dispatch phase
// (matches completed by the same event) by OR side (N10), then in
// lexicographic order of the input positions of their bound events
// (cmpBound, N8); within the watermark phase by due time, then partition
// key, then run-start order, then side, and (reading 8) cmpBound among
// runs with the same start (policy any).
func sortMatches(ms []match) {
	slices.SortStableFunc(ms, func(a, b match) int {
		if a.trigger != b.trigger {
			return a.trigger - b.trigger
		}
		if a.phase != b.phase {
			return a.phase - b.phase
		}
		if a.phase == phaseWatermark {
			if c := cmpInt(a.due, b.due); c != 0 {
				return c
			}
			if c := event.CompareKeys(a.key, b.key); c != 0 {
				return c
			}
			if a.start != b.start {
				return a.start - b.start
			}
		}
		// N10: one event's matches come side by side; watermark
		// firings with the same due time, key and start by side.
		if a.side != b.side {
			return a.side - b.side
		}
		return cmpBound(&a, &b)
	})
}

// limitMatches applies max_matches (§4.7): at most n matches per input
// event (both phases together, reading 10; the final flush counts as one
// more input event); further ones, in §7.3 order, are discarded. ms must
// be sorted.
func limitMatches(ms []match, n int) []match {
	var out []match
	count := 0
	for i, m := range ms {
		if i == 0 || m.trigger != ms[i-1].trigger {
			count = 0
		}
		if count < n {
			out = append(out, m)
		}
		count++
	}
	return out
}

// Matches runs the pattern over events (in input order) and returns the
// output lines in the JSON form of §7.2, in the order of §7.3, with
// p.Name (default "S") as the stream. Policy next and strict follow the
// per-event run rules of §4.5.2 and §4.5.6 literally; policy any
// enumerates every combination of input positions by definition.
func Matches(p Pattern, events []Event) []string {
	return render(p, events, find(p, events))
}

// Positions returns, for each match in output order (as Matches), the
// input positions (0-based indexes into events) of its bound events, in
// step order: a help for explaining a difference.
func Positions(p Pattern, events []Event) [][]int {
	var out [][]int
	for _, m := range find(p, events) {
		out = append(out, m.positions())
	}
	return out
}

// find returns the matches, sorted and limited.
func find(p Pattern, events []Event) []match {
	p.validate()
	var ms []match
	if p.policy() == Any {
		ms = enumerate(p, events)
	} else {
		ms = simulate(p, events)
	}
	sortMatches(ms)
	return limitMatches(ms, p.maxMatches())
}

// render writes the matches as output lines.
func render(p Pattern, events []Event, ms []match) []string {
	var lines []string
	for i := range ms {
		lines = append(lines, line(p, events, &ms[i]))
	}
	return lines
}

// record builds the match record's view (§4.5.8): aliases bound to their
// events; bare names read the last bound event.
func record(p Pattern, events []Event, m *match) *env {
	e := &env{}
	steps := p.Steps
	if len(p.Or) > 0 {
		steps = p.Or[m.side].Steps // N10: the other sides' aliases read null
	}
	for j, s := range steps {
		if s.Alias == "" {
			continue
		}
		var evs []Event
		for _, pos := range m.bound[j] {
			evs = append(evs, events[pos])
		}
		e.names = append(e.names, s.Alias)
		e.events = append(e.events, evs)
	}
	last := events[m.last()]
	e.cur = &last
	return e
}

// line renders one match as a JSON line (§7.2): the .emit items in order
// (or, for .emit(), every field of the last bound event, §4.2, §4.5.8),
// with ts the match's ts (§7.1).
func line(p Pattern, events []Event, m *match) string {
	e := record(p, events, m)
	var names []string
	var vals []event.Value
	if len(p.Emit) == 0 {
		for _, f := range e.cur.Fields {
			names = append(names, f.Name)
			vals = append(vals, f.Value)
		}
	}
	for _, o := range p.Emit {
		name := o.Name
		if name == "" {
			name = o.Value.text
		}
		names = append(names, name)
		vals = append(vals, o.Value.eval(e))
	}
	return jsonLine(p.name(), m.ts, names, vals)
}

// jsonLine renders an output event in the JSON form of §7.2:
// {"stream":"<type>","ts":"<ts>","fields":{…}}, compact, fields in order.
func jsonLine(stream string, ts int64, names []string, vals []event.Value) string {
	b := []byte(`{"stream":`)
	b = event.AppendJSONString(b, stream)
	b = append(b, `,"ts":"`...)
	b = event.AppendTimestamp(b, ts)
	b = append(b, `","fields":{`...)
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = event.AppendJSONString(b, name)
		b = append(b, ':')
		b = event.AppendJSON(b, vals[i])
	}
	b = append(b, "}}"...)
	return string(b)
}

// watermarks computes W(S) after the watermark phase of each input event
// (§3 steps 2–3, §4.1): maxTs := max(maxTs, ts(e)); W = max(previous W,
// maxTs − out_of_order); adv[i] tells whether it advanced at event i. Entry
// len(events) is the final watermark phase, where maxTs becomes +∞ (§3),
// so W = +∞ (reading 1).
func watermarks(p Pattern, events []Event) (w []int64, adv []bool) {
	n := len(events)
	w = make([]int64, n+1)
	adv = make([]bool, n+1)
	cur := int64(negInf)
	maxTs := int64(negInf)
	for i, e := range events {
		maxTs = max(maxTs, e.TS)
		cand := sat(maxTs, p.OutOfOrder)
		if cand > cur {
			cur = cand
			adv[i] = true
		}
		w[i] = cur
	}
	w[n] = posInf
	adv[n] = cur < posInf
	return w, adv
}

// sat is ts − d without overflowing below −∞.
func sat(ts, d int64) int64 {
	if ts < negInf+d {
		return negInf
	}
	return ts - d
}

// deadlineOf is deadline(r) = ts(first event of r) + d (§4.5.3), saturated
// at +∞.
func (p Pattern) deadlineOf(first *Event) int64 {
	if first.TS > posInf-p.Within {
		return posInf
	}
	return first.TS + p.Within
}

// matchesStep reports whether the event at pos matches step j (§4.5.1):
// its type is the step's and every conjunct is exactly true, with the
// aliases of earlier steps bound as in bound (a Kleene alias: its events
// so far), the candidate's fields as bare names, and the step's own alias
// bound to the candidate (ordinary step) or to the elements collected so
// far (Kleene step; a conjunct mentioning it then compares with the
// previous element and is skipped for the first element); reading 7.
func matchesStep(p Pattern, events []Event, bound [][]int, j, pos int) bool {
	s := p.Steps[j]
	cand := &events[pos]
	if cand.Type != s.Type {
		return false
	}
	if len(s.Where) == 0 {
		return true
	}
	e := &env{cur: cand}
	for k := 0; k <= j; k++ {
		a := p.Steps[k].Alias
		if a == "" {
			continue
		}
		var evs []Event
		if k < len(bound) {
			for _, q := range bound[k] {
				evs = append(evs, events[q])
			}
		}
		if k == j && !s.Kleene {
			evs = []Event{*cand}
		}
		e.names = append(e.names, a)
		e.events = append(e.events, evs)
	}
	first := !s.Kleene || j >= len(bound) || len(bound[j]) == 0
	for _, c := range s.Where {
		if s.Kleene && s.Alias != "" && first && c.Mentions(s.Alias) {
			continue // §4.5.1: skipped for the first element
		}
		if !c.eval(e).IsTrue() {
			return false
		}
	}
	return true
}

// negationKills reports whether the event at pos, dispatched to the
// stream, removes a run of its partition with the given bindings (§4.5.4):
// its type is the negation's, the run's deadline (if any) is ≥ its ts, and
// every conjunct is exactly true with the run's aliases bound and the
// event's fields as bare names (reading 5: an unbound alias is null).
func negationKills(p Pattern, events []Event, n Negation, bound [][]int, deadline int64, pos int) bool {
	ev := &events[pos]
	if ev.Type != n.Type {
		return false
	}
	if p.Within > 0 && deadline < ev.TS {
		return false
	}
	e := &env{cur: ev}
	for k, s := range p.Steps {
		if s.Alias == "" {
			continue
		}
		var evs []Event
		if k < len(bound) {
			for _, q := range bound[k] {
				evs = append(evs, events[q])
			}
		}
		e.names = append(e.names, s.Alias)
		e.events = append(e.events, evs)
	}
	for _, c := range n.Where {
		if !c.eval(e).IsTrue() {
			return false
		}
	}
	return true
}
