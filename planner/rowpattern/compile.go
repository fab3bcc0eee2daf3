package rowpattern

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Op is what a State does; see the package documentation.
type Op uint8

// State operations.
const (
	OpVar    Op = iota + 1 // consume one row satisfying Var's DEFINE, bind it to Var, go to Next
	OpSplit                // go to each of Alts, most preferred first
	OpAccept               // the rows consumed so far are a match
	OpEnter                // counter Ctr := 0, go to Next
	OpLoop                 // a quantifier's repetition point: iterate (Body) or stop (Exit)
	OpIter                 // the end of one iteration of Loop's quantifier
)

func (o Op) String() string {
	switch o {
	case OpVar:
		return "var"
	case OpSplit:
		return "split"
	case OpAccept:
		return "accept"
	case OpEnter:
		return "enter"
	case OpLoop:
		return "loop"
	case OpIter:
		return "iter"
	}
	return "op" + strconv.Itoa(int(o))
}

// State is one state of an Automaton. Which fields count depends on Op.
type State struct {
	Op   Op
	Var  int   // OpVar: index into Automaton.Vars
	Next int   // OpVar, OpEnter, OpIter: the following state
	Alts []int // OpSplit: the following states, most preferred first
	// OpEnter, OpLoop: the counter register of the quantifier, or -1 for a
	// quantifier without one (OpLoop: *, + and ?, whose every pass through
	// the loop is a choice).
	Ctr int
	// OpLoop: the flag register marking an iteration beyond the minimum
	// count, which must consume a row; -1 when the body cannot match zero
	// rows.
	Flag int
	// OpLoop: the quantifier's bounds (Max = Unbounded: none), preference
	// and the states of one more iteration and of leaving.
	Min, Max   int
	Reluctant  bool
	Body, Exit int
	Loop       int // OpIter: the quantifier's OpLoop state
}

// Automaton is a compiled row pattern; see the package documentation for
// its meaning.
type Automaton struct {
	Vars     []string // pattern variables, in order of first occurrence
	States   []State
	Start    int
	Counters int // counter registers
	Flags    int // flag registers (at most MaxFlags)
}

// Size limits of an automaton: MaxStates bounds its states plus the
// targets of its splits.
const (
	MaxStates = 20_000
	MaxFlags  = 32
	// MaxClosure bounds the states one closure can visit: a counted
	// quantifier over a body that can match zero rows may repeat up to its
	// minimum count without consuming a row, and nested ones multiply.
	MaxClosure = 1 << 16
)

// VarIndex returns the index of a variable in a.Vars, or -1.
func (a *Automaton) VarIndex(name string) int { return slices.Index(a.Vars, name) }

// Compile checks a pattern (see Check) and compiles it to an automaton.
// PERMUTE is expanded into the alternation of its permutations, so its
// size grows with the factorial of its arity: beyond MaxStates states the
// pattern is rejected with ErrTooLarge.
func Compile(n *Node) (*Automaton, error) {
	if err := Check(n); err != nil {
		return nil, err
	}
	c := &compiler{a: &Automaton{Vars: n.Vars()}}
	accept := c.add(State{Op: OpAccept})
	start := c.comp(n, accept, 0, 0)
	if c.err != nil {
		return nil, c.err
	}
	c.a.Start = start
	c.renumber()
	if b := closureBound(n) * len(c.a.States); b > MaxClosure || b < 0 {
		return nil, &Error{Kind: ErrTooLarge, Pos: -1, Msg: fmt.Sprintf("quantifiers over sub-patterns that can match zero rows repeat too often: one step could visit %d states (limit %d)", b, MaxClosure)}
	}
	return c.a, nil
}

// closureBound is how many times a closure can pass through one state of
// n: the product of Min+1 over nested counted quantifiers whose body can
// match zero rows (other iterations consume a row), capped.
func closureBound(n *Node) int {
	b := 1
	for _, s := range n.Subs {
		b = max(b, closureBound(s))
	}
	if n.Kind == KindQuant && n.Min > 1 && n.Subs[0].Nullable() {
		b = min(b*(n.Min+1), MaxClosure+1)
	}
	return b
}

type compiler struct {
	a    *Automaton
	size int // states plus split targets
	err  error
}

// grow charges n to the size budget. Split targets count too: PERMUTE
// over arguments that compile to no state (x{0}) adds no states but
// factorially many targets.
func (c *compiler) grow(n int) bool {
	c.size += n
	if c.size > MaxStates && c.err == nil {
		c.err = &Error{Kind: ErrTooLarge, Pos: -1, Msg: fmt.Sprintf("pattern compiles to more than %d states and transitions", MaxStates)}
	}
	return c.err == nil
}

func (c *compiler) add(s State) int {
	if !c.grow(1 + len(s.Alts)) {
		return 0
	}
	c.a.States = append(c.a.States, s)
	return len(c.a.States) - 1
}

// comp compiles n followed by the state next and returns n's entry state.
// ctrs and flags are the registers already taken by the quantifiers that
// enclose n: registers are allocated by nesting depth, since quantifiers
// one after the other are never active together and each leaves its
// register at 0 (counters) or clear (flags).
func (c *compiler) comp(n *Node, next, ctrs, flags int) int {
	if c.err != nil {
		return 0
	}
	switch n.Kind {
	case KindVar:
		return c.add(State{Op: OpVar, Var: slices.Index(c.a.Vars, n.Name), Next: next, Ctr: -1, Flag: -1})
	case KindConcat:
		for i := len(n.Subs) - 1; i >= 0; i-- {
			next = c.comp(n.Subs[i], next, ctrs, flags)
		}
		return next
	case KindAlt:
		alts := make([]int, len(n.Subs))
		for i, s := range n.Subs {
			alts[i] = c.comp(s, next, ctrs, flags)
		}
		return c.add(State{Op: OpSplit, Alts: alts, Ctr: -1, Flag: -1})
	case KindPermute:
		// SQL:2016 defines PERMUTE(x, y, z) as (x y z | x z y | y x z | ...):
		// the permutations in lexicographic order of argument positions.
		var alts []int
		perm := make([]int, len(n.Subs))
		for i := range perm {
			perm[i] = i
		}
		for {
			e := next
			for i := len(perm) - 1; i >= 0; i-- {
				e = c.comp(n.Subs[perm[i]], e, ctrs, flags)
			}
			if !c.grow(1) {
				return 0
			}
			alts = append(alts, e)
			if !nextPermutation(perm) {
				break
			}
		}
		if len(alts) == 1 {
			return alts[0]
		}
		c.size -= len(alts) // charged above
		return c.add(State{Op: OpSplit, Alts: alts, Ctr: -1, Flag: -1})
	}
	return c.quant(n, next, ctrs, flags)
}

func (c *compiler) quant(n *Node, next, ctrs, flags int) int {
	sub := n.Subs[0]
	switch {
	case n.Max == 0:
		return next
	case n.Min == 1 && n.Max == 1:
		return c.comp(sub, next, ctrs, flags)
	}
	counted := !(n.Max == Unbounded && n.Min <= 1 || n.Min == 0 && n.Max == 1)
	// An iteration beyond the minimum must consume a row (else the
	// repetition could go on forever); the flag tells, at the end of the
	// body, that the iteration started in the current closure.
	flagged := n.Max != n.Min && sub.Nullable()
	s := State{Op: OpLoop, Ctr: -1, Flag: -1, Min: n.Min, Max: n.Max, Reluctant: n.Reluctant, Exit: next}
	if counted {
		s.Ctr = ctrs
		ctrs++
		c.a.Counters = max(c.a.Counters, ctrs)
	}
	if flagged {
		if flags >= MaxFlags {
			c.err = &Error{Kind: ErrTooLarge, Pos: n.Pos, Msg: fmt.Sprintf("more than %d nested quantifiers over sub-patterns that can match zero rows", MaxFlags)}
			return 0
		}
		s.Flag = flags
		flags++
		c.a.Flags = max(c.a.Flags, flags)
	}
	if !counted && !flagged {
		// Plain x*, x+, x?: a two-way split.
		split := c.add(State{Op: OpSplit, Ctr: -1, Flag: -1})
		after := split // where the body goes: x* and x+ loop, x? leaves
		if n.Max == 1 {
			after = next
		}
		body := c.comp(sub, after, ctrs, flags)
		if c.err != nil {
			return 0
		}
		c.a.States[split].Alts = []int{body, next}
		if n.Reluctant {
			c.a.States[split].Alts = []int{next, body}
		}
		if n.Min == 1 {
			return body
		}
		return split
	}
	loop := c.add(s)
	after := loop
	if !counted && n.Max == 1 {
		after = next // x? over a body that can be empty
	}
	iter := c.add(State{Op: OpIter, Loop: loop, Next: after, Ctr: -1, Flag: -1})
	body := c.comp(sub, iter, ctrs, flags)
	if c.err != nil {
		return 0
	}
	c.a.States[loop].Body = body
	switch {
	case counted:
		return c.add(State{Op: OpEnter, Ctr: s.Ctr, Next: loop, Flag: -1})
	case n.Min == 1:
		return body // x+: the first iteration is not a choice
	}
	return loop
}

// nextPermutation advances p to the next permutation in lexicographic
// order, reporting false after the last.
func nextPermutation(p []int) bool {
	i := len(p) - 2
	for i >= 0 && p[i] >= p[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(p) - 1
	for p[j] <= p[i] {
		j--
	}
	p[i], p[j] = p[j], p[i]
	slices.Reverse(p[i+1:])
	return true
}

// renumber orders the states depth-first from the start, most preferred
// transition first, so printed automata read in pattern order.
func (c *compiler) renumber() {
	a := c.a
	newID := make([]int, len(a.States))
	for i := range newID {
		newID[i] = -1
	}
	var order []int
	stack := []int{a.Start}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if newID[s] >= 0 {
			continue
		}
		newID[s] = len(order)
		order = append(order, s)
		succ := a.States[s].successors()
		for i := len(succ) - 1; i >= 0; i-- {
			if newID[succ[i]] < 0 {
				stack = append(stack, succ[i])
			}
		}
	}
	states := make([]State, len(order))
	for i, old := range order {
		s := a.States[old]
		switch s.Op {
		case OpVar, OpEnter:
			s.Next = newID[s.Next]
		case OpSplit:
			alts := make([]int, len(s.Alts))
			for k, t := range s.Alts {
				alts[k] = newID[t]
			}
			s.Alts = alts
		case OpLoop:
			s.Body, s.Exit = newID[s.Body], newID[s.Exit]
		case OpIter:
			s.Loop, s.Next = newID[s.Loop], newID[s.Next]
		}
		states[i] = s
	}
	a.States, a.Start = states, 0
}

// successors lists the states s leads to, most preferred first (an
// OpLoop's order is its greedy one).
func (s *State) successors() []int {
	switch s.Op {
	case OpVar, OpEnter, OpIter:
		return []int{s.Next}
	case OpSplit:
		return s.Alts
	case OpLoop:
		if s.Reluctant {
			return []int{s.Exit, s.Body}
		}
		return []int{s.Body, s.Exit}
	}
	return nil
}

// Validate checks an automaton built by hand: every reference in range,
// every OpIter naming an OpLoop. (That the automaton cannot accept zero
// rows depends on its registers and is checked by the matcher.)
func (a *Automaton) Validate() error {
	bad := func(format string, args ...any) error {
		return &Error{Kind: ErrSyntax, Pos: -1, Msg: "automaton: " + fmt.Sprintf(format, args...)}
	}
	if len(a.States) == 0 || len(a.States) > MaxStates {
		return bad("%d states", len(a.States))
	}
	if a.Counters < 0 || a.Flags < 0 || a.Flags > MaxFlags {
		return bad("%d counters, %d flags", a.Counters, a.Flags)
	}
	for i, v := range a.Vars {
		if v == "" || slices.Contains(a.Vars[:i], v) {
			return bad("variable %d: empty or repeated name %q", i, v)
		}
	}
	in := func(s int) bool { return s >= 0 && s < len(a.States) }
	if !in(a.Start) {
		return bad("start %d out of range", a.Start)
	}
	for i, s := range a.States {
		switch s.Op {
		case OpVar:
			if s.Var < 0 || s.Var >= len(a.Vars) || !in(s.Next) {
				return bad("state %d: bad var", i)
			}
		case OpSplit:
			if len(s.Alts) == 0 {
				return bad("state %d: split to nothing", i)
			}
			for _, t := range s.Alts {
				if !in(t) {
					return bad("state %d: bad split target %d", i, t)
				}
			}
		case OpAccept:
		case OpEnter:
			if s.Ctr < 0 || s.Ctr >= a.Counters || !in(s.Next) {
				return bad("state %d: bad enter", i)
			}
		case OpLoop:
			if s.Ctr < -1 || s.Ctr >= a.Counters || s.Flag < -1 || s.Flag >= a.Flags || !in(s.Body) || !in(s.Exit) ||
				s.Min < 0 || s.Min > MaxCount || s.Max < Unbounded || s.Max > MaxCount || s.Max != Unbounded && s.Max < s.Min {
				return bad("state %d: bad loop", i)
			}
		case OpIter:
			if !in(s.Loop) || a.States[s.Loop].Op != OpLoop || !in(s.Next) {
				return bad("state %d: bad iter", i)
			}
		default:
			return bad("state %d: unknown op %d", i, s.Op)
		}
	}
	return nil
}

// String prints the automaton, one state a line:
//
//	0: var a -> 1
//	1: split 3 2
//	2: var _g2 -> 1
//	3: var b -> 4
//	4: accept
func (a *Automaton) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "vars %s; start %d", strings.Join(a.Vars, " "), a.Start)
	if a.Counters > 0 || a.Flags > 0 {
		fmt.Fprintf(&b, "; counters %d; flags %d", a.Counters, a.Flags)
	}
	b.WriteByte('\n')
	for i, s := range a.States {
		fmt.Fprintf(&b, "%d: %s", i, s.Op)
		switch s.Op {
		case OpVar:
			name := "?"
			if s.Var >= 0 && s.Var < len(a.Vars) {
				name = QuoteName(a.Vars[s.Var])
			}
			fmt.Fprintf(&b, " %s -> %d", name, s.Next)
		case OpSplit:
			for _, t := range s.Alts {
				fmt.Fprintf(&b, " %d", t)
			}
		case OpEnter:
			fmt.Fprintf(&b, " c%d -> %d", s.Ctr, s.Next)
		case OpLoop:
			if s.Ctr >= 0 {
				fmt.Fprintf(&b, " c%d", s.Ctr)
			}
			fmt.Fprintf(&b, " %s", QuantString(s.Min, s.Max, s.Reluctant))
			if s.Flag >= 0 {
				fmt.Fprintf(&b, " f%d", s.Flag)
			}
			fmt.Fprintf(&b, " body %d exit %d", s.Body, s.Exit)
		case OpIter:
			fmt.Fprintf(&b, " %d -> %d", s.Loop, s.Next)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
