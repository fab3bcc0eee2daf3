package planner

import (
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/vpl"
)

// lowerErr lowers a program that passes the checker and returns the
// lowering error.
func lowerErr(t *testing.T, src string) string {
	t.Helper()
	prog, diags := vpl.ParseFile("test.vpl", []byte(src), nil)
	if vpl.HasErrors(diags) {
		t.Fatalf("parse: %s", vpl.Format(diags, []string{"test.vpl"}))
	}
	if d := vpl.Check(prog); vpl.HasErrors(d) {
		t.Fatalf("check: %s", vpl.Format(d, prog.Files))
	}
	_, err := LowerVPL(prog)
	if err == nil {
		t.Fatalf("lowered without error: %s", src)
	}
	if _, ok := err.(*LowerError); !ok {
		t.Fatalf("not a LowerError: %v", err)
	}
	return err.Error()
}

// TestLowerJoin checks that a join source becomes the stream's inputs and a
// leading Join op, that .window is the horizon, and that member names are
// aliases while bare names read the arriving event.
func TestLowerJoin(t *testing.T) {
	p := lowerSource(t, `
stream Fill = join(Quote, Trade)
    .on(Quote.sym == Trade.sym)
    .window(10s)
    .emit(sym, bid: Quote.bid, px: Trade.px, q: Quote, at: event_time(Trade))
`)
	s := p.Streams[0]
	if len(s.Inputs) != 2 || s.Inputs[0].Name != "Quote" || s.Inputs[1].Name != "Trade" {
		t.Fatalf("inputs: %+v", s.Inputs)
	}
	j, ok := s.Ops[0].(*Join)
	if !ok || len(s.Ops) != 2 {
		t.Fatalf("ops: %#v", s.Ops)
	}
	if j.Horizon != 10e9 {
		t.Errorf("horizon %d", j.Horizon)
	}
	for i, m := range j.Members {
		if f, ok := m.Key.(*FieldRef); !ok || f.Name != "sym" {
			t.Errorf("member %d key: %s", i, m.Key)
		}
	}
	items := s.Ops[1].(*Project).Items
	if _, ok := items[0].X.(*FieldRef); !ok {
		t.Errorf("a bare name reads the arriving event, got %T", items[0].X)
	}
	if a, ok := items[1].X.(*AliasField); !ok || a.Alias != "Quote" || a.Field != "bid" {
		t.Errorf("Quote.bid: %#v", items[1].X)
	}
	if a, ok := items[3].X.(*AliasEvent); !ok || a.Alias != "Quote" {
		t.Errorf("Quote: %#v", items[3].X)
	}
	if a, ok := items[4].X.(*AliasTime); !ok || a.Alias != "Trade" {
		t.Errorf("event_time(Trade): %#v", items[4].X)
	}
}

// TestLowerJoinDefaults: the horizon defaults to 1m; a label is the alias,
// and the type name also names the member when unambiguous.
func TestLowerJoinDefaults(t *testing.T) {
	p := lowerSource(t, `
stream S = join(stream Q = Quote.on(sym), stream T = Trade.on(T.sym))
    .emit(a: Q.bid, b: Quote.bid)
`)
	j := p.Streams[0].Ops[0].(*Join)
	if j.Horizon != 60e9 {
		t.Errorf("default horizon %d", j.Horizon)
	}
	if j.Members[0].Alias != "Q" || j.Members[1].Alias != "T" || j.Members[1].Key.String() != "sym" {
		t.Errorf("members: %+v", j.Members)
	}
	items := p.Streams[0].Ops[1].(*Project).Items
	for _, it := range items {
		if a, ok := it.X.(*AliasField); !ok || a.Alias != "Q" {
			t.Errorf("%s: %s", it.Name, it.X)
		}
	}
}

// TestLowerJoinUnion: .emit() without items writes the members' union
// until an operator reshapes the record.
func TestLowerJoinUnion(t *testing.T) {
	p := lowerSource(t, `
stream S = join(A, B).on(A.k == B.k).emit()
stream T = join(A, B).on(A.k == B.k).select(k).emit()
`)
	if u := p.Streams[0].Ops[1].(*Project); strings.Join(u.Union, ",") != "A,B" || u.KeepAll {
		t.Errorf("union: %+v", u)
	}
	if u := p.Streams[1].Ops[2].(*Project); u.Union != nil || !u.KeepAll {
		t.Errorf("after a reshape .emit() keeps the fields: %+v", u)
	}
}

// TestLowerJoinChains: equalities chain members; two chains make a key of
// two parts in the order of .on.
func TestLowerJoinChains(t *testing.T) {
	p := lowerSource(t, `
stream S = join(A, B, C)
    .on(A.k == B.k and C.x == B.y and B.k == C.k and A.x == C.x)
    .emit()
`)
	j := p.Streams[0].Ops[0].(*Join)
	var got []string
	for _, m := range j.Members {
		got = append(got, m.Key.String())
	}
	if g := strings.Join(got, " | "); g != "[k, x] | [k, y] | [k, x]" {
		t.Errorf("keys: %s", g)
	}
}

// TestLowerJoinErrors: joins the engine cannot key are reported, never run.
func TestLowerJoinErrors(t *testing.T) {
	cases := map[string]string{
		`stream S = join(A, A).on(A.k == A.k).emit()`:                                   "appears twice",
		`stream S = join(A, B).on(A.k == B.k and A.k > 1).emit()`:                       "equalities",
		`stream S = join(A, B).on(A.k == 1).emit()`:                                     "one join member",
		`stream S = join(A, B).on(A.k + B.k == B.j).emit()`:                             "one join member",
		`stream S = join(A, B, C).on(A.k == B.k).emit()`:                                "C is missing",
		`stream S = join(A, B).on(A.k == B.k and B.k == A.j).emit()`:                    "two different keys",
		`stream S = join(A, B).on(A.k == B.k).window(5).emit()`:                         "horizon",
		`stream S = join(stream X = A.on(k), B).on(X.k == B.k).emit()`:                  "has no key",
		`stream S = join(stream X = A.on(k), stream Y = B.on(k)).on(X.j == X.j).emit()`: "both sides",
	}
	for src, want := range cases {
		if got := lowerErr(t, src); !strings.Contains(got, want) {
			t.Errorf("%s\n got %q, want %q", src, got, want)
		}
	}
}

// TestOnlyJoinsTakeWindowAsHorizon: other streams with aliases in scope (a
// pattern) keep .window as a window.
func TestOnlyJoinsTakeWindowAsHorizon(t *testing.T) {
	p := lowerSource(t, `stream P = A as a -> B as b .window(1m).emit()`)
	found := false
	for _, op := range p.Streams[0].Ops {
		if _, ok := op.(*Window); ok {
			found = true
		}
	}
	if !found {
		t.Errorf("a pattern stream's .window was dropped: %s", ExplainText(p))
	}
}
