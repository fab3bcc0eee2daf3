package planner

import (
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/vpl"
)

// lowerJoin lowers a join(...) source with the stream's .on(...) keys and
// .window(d) horizon (VPL.md §4.6), and puts the members' aliases in sc.
// A member's alias is its label, else its name; a labelled member may also
// be named by its type when no other member has that type or alias.
func (l *lowerer) lowerJoin(s *vpl.StreamDecl, src *vpl.JoinSource, sc *scope) (*Join, error) {
	j := &Join{Horizon: DefaultJoinHorizon}
	if len(src.Members) == 0 {
		return nil, l.errorf(src.Pos, "a join needs members: join(A, B).on(A.key == B.key)")
	}
	sc.join = true
	sc.aliases = map[string]aliasRef{}
	member := map[string]int{} // canonical alias -> member index
	types := map[string]int{}
	for i, m := range src.Members {
		alias := m.Name
		if m.Label != "" {
			alias = m.Label
		}
		if _, dup := member[alias]; dup {
			return nil, l.errorf(m.Pos, "join member %s appears twice: label the members, as in join(stream A1 = %s.on(key), stream A2 = %s.on(key))",
				alias, m.Name, m.Name)
		}
		member[alias] = i
		types[m.Name]++
		j.Members = append(j.Members, JoinMember{Name: m.Name, Alias: alias})
		sc.aliases[alias] = aliasRef{name: alias, kinds: l.declKinds(m.Name, 0)}
		sc.union = append(sc.union, alias)
	}
	for i, m := range src.Members {
		if _, taken := sc.aliases[m.Name]; !taken && types[m.Name] == 1 {
			sc.aliases[m.Name] = sc.aliases[j.Members[i].Alias]
		}
	}

	var conj []vpl.Expr
	for _, op := range s.Ops {
		c, ok := op.(*vpl.CallOp)
		if !ok {
			continue
		}
		switch c.Name {
		case "on":
			if len(c.Args) != 1 || c.Args[0].Name != "" {
				return nil, l.errorf(c.Pos, ".on takes one condition: .on(A.key == B.key)")
			}
			conj = splitAnd(c.Args[0].Value, conj)
		case "window":
			if len(c.Args) != 1 || c.Args[0].Name != "" {
				return nil, l.errorf(c.Pos, "in a join stream .window(d) is the horizon: one duration")
			}
			v, err := l.constValue(c.Args[0].Value, sc)
			if err != nil {
				return nil, err
			}
			if v.Kind() != event.KindDuration || v.AsInt() < 0 {
				return nil, l.errorf(c.Args[0].Pos, "in a join stream .window(d) is the horizon: a non-negative duration")
			}
			j.Horizon = v.AsInt()
		}
	}

	// Each key part is a chain of equalities linking every member once.
	var parts [][]Expr // per part, per member
	keyed := 0
	for _, m := range src.Members {
		if m.On != nil {
			keyed++
		}
	}
	if keyed > 0 {
		if keyed < len(src.Members) {
			for _, m := range src.Members {
				if m.On == nil {
					return nil, l.errorf(m.Pos, "join member %s has no key: give every member one with stream L = Name.on(key), or key the join with .on(A.key == B.key)", m.Name)
				}
			}
		}
		part := make([]Expr, len(src.Members))
		for i, m := range src.Members {
			alias := j.Members[i].Alias
			msc := &scope{aliases: map[string]aliasRef{alias: sc.aliases[alias]}, kinds: l.declKinds(m.Name, 0)}
			if a, ok := sc.aliases[m.Name]; ok && a.name == alias {
				msc.aliases[m.Name] = a
			}
			x, err := l.lowerExpr(m.On, msc)
			if err != nil {
				return nil, err
			}
			part[i] = ownEvent(x, alias, msc.kinds)
		}
		parts = append(parts, part)
	}
	chained, err := l.chainKeys(conj, j, member, sc)
	if err != nil {
		return nil, err
	}
	parts = append(parts, chained...)
	if len(parts) == 0 {
		return nil, l.errorf(src.Pos, "join without .on(): write join(A, B).on(A.key == B.key)")
	}
	for i := range j.Members {
		if len(parts) == 1 {
			j.Members[i].Key = parts[0][i]
			continue
		}
		arr := &MakeArray{}
		for _, p := range parts {
			arr.Elems = append(arr.Elems, p[i])
		}
		j.Members[i].Key = arr
	}
	return j, nil
}

// splitAnd appends the conjuncts of x.
func splitAnd(x vpl.Expr, out []vpl.Expr) []vpl.Expr {
	if b, ok := x.(*vpl.BinaryExpr); ok && b.Op == vpl.AND {
		return splitAnd(b.Y, splitAnd(b.X, out))
	}
	return append(out, x)
}

// keySide is one side of an equality of .on: an expression over one
// member's event.
type keySide struct {
	member int
	text   string // the rewritten expression as EXPLAIN prints it: equal texts are one key
	x      Expr
	pos    vpl.Pos
}

// chainKeys turns the equalities of .on into key parts. Sides that are
// equal or linked by equalities form one chain; each chain must read every
// member exactly once and is one part of the key.
func (l *lowerer) chainKeys(conj []vpl.Expr, j *Join, member map[string]int, sc *scope) ([][]Expr, error) {
	var sides []keySide
	var parent []int
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	node := func(e vpl.Expr) (int, error) {
		x, err := l.lowerExpr(e, sc)
		if err != nil {
			return 0, err
		}
		as := Aliases(x)
		if len(as) != 1 {
			return 0, l.errorf(e.Position(), "each side of an equality in .on must read one join member, as in Quote.sym == Trade.sym")
		}
		m := member[as[0]]
		x = ownEvent(x, as[0], sc.aliases[as[0]].kinds)
		side := keySide{member: m, text: x.String(), x: x, pos: e.Position()}
		for i, s := range sides {
			if s.member == side.member && s.text == side.text {
				return i, nil
			}
		}
		sides = append(sides, side)
		parent = append(parent, len(parent))
		return len(sides) - 1, nil
	}
	for _, c := range conj {
		eq, ok := c.(*vpl.BinaryExpr)
		if !ok || eq.Op != vpl.EQ {
			return nil, l.errorf(c.Position(), ".on takes equalities of member keys joined by and: .on(A.key == B.key and B.key == C.key)")
		}
		a, err := node(eq.X)
		if err != nil {
			return nil, err
		}
		b, err := node(eq.Y)
		if err != nil {
			return nil, err
		}
		if sides[a].member == sides[b].member {
			return nil, l.errorf(c.Position(), "both sides of this equality read join member %s: compare it with another member", j.Members[sides[a].member].Alias)
		}
		parent[find(a)] = find(b)
	}
	// Chains in order of their first side.
	var roots []int
	chain := map[int][]Expr{}
	for i := range sides {
		r := find(i)
		p, ok := chain[r]
		if !ok {
			roots = append(roots, r)
			p = make([]Expr, len(j.Members))
			chain[r] = p
		}
		m := sides[i].member
		if p[m] != nil {
			return nil, l.errorf(sides[i].pos, "join member %s has two different keys in one chain of equalities in .on", j.Members[m].Alias)
		}
		p[m] = sides[i].x
	}
	out := make([][]Expr, 0, len(roots))
	for _, r := range roots {
		p := chain[r]
		for m, x := range p {
			if x == nil {
				return nil, l.errorf(sides[r].pos, "the equalities of .on must link every join member: %s is missing", j.Members[m].Alias)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// ownEvent rewrites a key expression of one member so that its alias reads
// the event being keyed, which is the current event when the key is
// evaluated.
func ownEvent(x Expr, alias string, kinds map[string]event.Kind) Expr {
	return Rewrite(x, func(e Expr) Expr {
		switch e := e.(type) {
		case *AliasField:
			if e.Alias == alias {
				k := KindAny
				if kk, ok := kinds[e.Field]; ok {
					k = kk
				}
				return &FieldRef{Name: e.Field, K: k}
			}
		case *AliasEvent:
			if e.Alias == alias {
				return &CurrentEvent{}
			}
		case *AliasTime:
			if e.Alias == alias {
				return &EventTimeOf{}
			}
		}
		return e
	})
}
