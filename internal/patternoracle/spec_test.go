package patternoracle

import (
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/vpl"
)

// ev builds an input event at sec seconds (fractions allowed) with fields
// given as name, value pairs (Go int, float64, string, bool or nil).
func ev(sec float64, typ string, kv ...any) Event {
	e := Event{Type: typ, TS: int64(sec * 1e9)}
	for i := 0; i < len(kv); i += 2 {
		e.Fields = append(e.Fields, event.Field{Name: kv[i].(string), Value: val(kv[i+1])})
	}
	return e
}

func val(x any) event.Value {
	switch x := x.(type) {
	case nil:
		return event.Null
	case int:
		return event.Int(int64(x))
	case float64:
		return event.Float(x)
	case string:
		return event.String(x)
	case bool:
		return event.Bool(x)
	case event.Value:
		return x
	}
	panic("val: unsupported value")
}

func eq(l, r Expr) Expr        { return Cmp(l, "==", r) }
func out(n string, x Expr) Out { return Out{Name: n, Value: x} }

const minute = 60 * second

// specCase is one stream of a §10 example: the pattern, the program text
// as the specification writes it, the input and the stream's lines of the
// expected output.
type specCase struct {
	name    string
	pattern Pattern
	program string
	input   []Event
	output  []string
}

func specCases() []specCase {
	e9in := []Event{ev(1, "A", "n", 1), ev(2, "A", "n", 2), ev(3, "B", "n", 1), ev(4, "B", "n", 2)}
	e9emit := []Out{out("x", Ref("a", "n")), out("y", Ref("b", "n"))}
	e9steps := []Step{{Type: "A", Alias: "a"}, {Type: "B", Alias: "b"}}
	e15in := []Event{ev(1, "Start", "user", "u1"), ev(2, "Start", "user", "u2"), ev(3, "Stop", "user", "u2"), ev(4, "Stop", "user", "u1")}
	e15steps := []Step{{Type: "Start", Alias: "a"}, {Type: "Stop", Alias: "b"}}
	return []specCase{
		{
			name: "E8",
			pattern: Pattern{Name: "Paid",
				Steps: []Step{{Type: "Order", Alias: "o"},
					{Type: "Payment", Alias: "p", Where: []Expr{eq(Field("order_id"), Ref("o", "id"))}}},
				Emit: []Out{out("id", Ref("o", "id")), out("amount", Ref("p", "amount"))}},
			program: `stream Paid = Order as o
    -> Payment where order_id == o.id as p
    .emit(id: o.id, amount: p.amount)`,
			input: []Event{ev(1, "Order", "id", 1), ev(2, "Order", "id", 2), ev(3, "Payment", "order_id", 2, "amount", 5),
				ev(4, "Payment", "order_id", 1, "amount", 7), ev(5, "Payment", "order_id", 1, "amount", 9)},
			output: []string{
				`{"stream":"Paid","ts":"1970-01-01T00:00:03Z","fields":{"id":2,"amount":5}}`,
				`{"stream":"Paid","ts":"1970-01-01T00:00:04Z","fields":{"id":1,"amount":7}}`,
			},
		},
		{
			name:    "E9/Next",
			pattern: Pattern{Name: "Next", Steps: e9steps, Emit: e9emit},
			program: `stream Next = A as a -> B as b .emit(x: a.n, y: b.n)`,
			input:   e9in,
			output: []string{
				`{"stream":"Next","ts":"1970-01-01T00:00:03Z","fields":{"x":1,"y":1}}`,
				`{"stream":"Next","ts":"1970-01-01T00:00:03Z","fields":{"x":2,"y":1}}`,
			},
		},
		{
			name:    "E9/Any",
			pattern: Pattern{Name: "Any", Steps: e9steps, Policy: Any, Emit: e9emit},
			program: `stream Any = A as a -> B as b .policy(any) .emit(x: a.n, y: b.n)`,
			input:   e9in,
			output: []string{
				`{"stream":"Any","ts":"1970-01-01T00:00:03Z","fields":{"x":1,"y":1}}`,
				`{"stream":"Any","ts":"1970-01-01T00:00:03Z","fields":{"x":2,"y":1}}`,
				`{"stream":"Any","ts":"1970-01-01T00:00:04Z","fields":{"x":1,"y":2}}`,
				`{"stream":"Any","ts":"1970-01-01T00:00:04Z","fields":{"x":2,"y":2}}`,
			},
		},
		{
			name:    "E9/Strict",
			pattern: Pattern{Name: "Strict", Steps: e9steps, Policy: Strict, Emit: e9emit},
			program: `stream Strict = A as a -> B as b .policy(strict) .emit(x: a.n, y: b.n)`,
			input:   e9in,
			output: []string{
				`{"stream":"Strict","ts":"1970-01-01T00:00:03Z","fields":{"x":2,"y":1}}`,
			},
		},
		{
			name: "E10",
			pattern: Pattern{Name: "Takeover",
				Steps: []Step{{Type: "Login", Alias: "l"},
					{Type: "Fail", Kleene: true, Alias: "f", Where: []Expr{eq(Field("user"), Ref("l", "user"))}},
					{Type: "Success", Alias: "s", Where: []Expr{eq(Field("user"), Ref("l", "user"))}}},
				Emit: []Out{out("user", Ref("l", "user")), out("fails", Agg("count", "f", "")),
					out("first_code", Agg("first", "f", "code")), out("last_code", Ref("f", "code"))}},
			program: `stream Takeover = Login as l
    -> all Fail where user == l.user as f
    -> Success where user == l.user as s
    .emit(user: l.user, fails: count(f), first_code: first(f.code), last_code: f.code)`,
			input: []Event{ev(1, "Login", "user", "ann"), ev(2, "Fail", "user", "ann", "code", 11),
				ev(3, "Fail", "user", "bob", "code", 99), ev(4, "Fail", "user", "ann", "code", 12),
				ev(5, "Success", "user", "ann"), ev(6, "Login", "user", "cy"), ev(7, "Success", "user", "cy")},
			output: []string{
				`{"stream":"Takeover","ts":"1970-01-01T00:00:05Z","fields":{"user":"ann","fails":2,"first_code":11,"last_code":12}}`,
			},
		},
		{
			name: "E11",
			pattern: Pattern{Name: "Climb",
				Steps: []Step{{Type: "Tick", Alias: "t0"},
					{Type: "Tick", Kleene: true, Alias: "up", Where: []Expr{eq(Field("sym"), Ref("t0", "sym")), Cmp(Field("px"), ">", Ref("t0", "px"))}}},
				Emit: []Out{out("sym", Ref("t0", "sym")), out("base", Ref("t0", "px")),
					out("n", Agg("count", "up", "")), out("top", Agg("max", "up", "px"))}},
			program: `stream Climb = Tick as t0
    -> all Tick where sym == t0.sym and px > t0.px as up
    .emit(sym: t0.sym, base: t0.px, n: count(up), top: max(up.px))`,
			input: []Event{ev(1, "Tick", "sym", "X", "px", 10), ev(2, "Tick", "sym", "X", "px", 11),
				ev(3, "Tick", "sym", "Y", "px", 50), ev(4, "Tick", "sym", "X", "px", 12)},
			output: []string{
				`{"stream":"Climb","ts":"1970-01-01T00:00:02Z","fields":{"sym":"X","base":10,"n":1,"top":11}}`,
				`{"stream":"Climb","ts":"1970-01-01T00:00:04Z","fields":{"sym":"X","base":10,"n":2,"top":12}}`,
				`{"stream":"Climb","ts":"1970-01-01T00:00:04Z","fields":{"sym":"X","base":11,"n":1,"top":12}}`,
			},
		},
		{
			name: "E12",
			pattern: Pattern{Name: "Shipped",
				Steps: []Step{{Type: "Order", Alias: "o"},
					{Type: "Shipment", Alias: "s", Where: []Expr{eq(Field("oid"), Ref("o", "id"))}}},
				Nots:   []Negation{{Type: "Cancel", Where: []Expr{eq(Field("oid"), Ref("o", "id"))}, After: 1}},
				Within: 60 * minute,
				Emit:   []Out{out("id", Ref("o", "id")), out("carrier", Ref("s", "carrier"))}},
			program: `stream Shipped = Order as o
    .not(Cancel where oid == o.id)
    -> Shipment where oid == o.id as s
    .within(1h)
    .emit(id: o.id, carrier: s.carrier)`,
			input: []Event{ev(60, "Order", "id", 1), ev(120, "Order", "id", 2), ev(180, "Cancel", "oid", 1),
				ev(240, "Shipment", "oid", 1, "carrier", "dhl"), ev(300, "Shipment", "oid", 2, "carrier", "ups"), ev(360, "Cancel", "oid", 2)},
			output: []string{
				`{"stream":"Shipped","ts":"1970-01-01T00:05:00Z","fields":{"id":2,"carrier":"ups"}}`,
			},
		},
		{
			name: "E13",
			pattern: Pattern{Name: "Unpaid",
				Steps:  []Step{{Type: "Order", Alias: "o"}},
				Nots:   []Negation{{Type: "Payment", Where: []Expr{eq(Field("order_id"), Ref("o", "id"))}, After: 1}},
				Within: 15 * minute,
				Emit:   []Out{out("id", Ref("o", "id")), out("total", Ref("o", "total"))}},
			program: `stream Unpaid = Order as o
    .not(Payment where order_id == o.id)
    .within(15m)
    .emit(id: o.id, total: o.total)`,
			input: []Event{ev(0, "Order", "id", 1, "total", 20), ev(60, "Order", "id", 2, "total", 35), ev(300, "Payment", "order_id", 1),
				ev(1020, "Order", "id", 3, "total", 10), ev(1200, "Payment", "order_id", 3), ev(1800, "Order", "id", 4, "total", 8)},
			output: []string{
				`{"stream":"Unpaid","ts":"1970-01-01T00:16:00Z","fields":{"id":2,"total":35}}`,
				`{"stream":"Unpaid","ts":"1970-01-01T00:45:00Z","fields":{"id":4,"total":8}}`,
			},
		},
		{
			name: "E14",
			pattern: Pattern{Name: "QuickBuy",
				Steps: []Step{{Type: "Login", Alias: "l"},
					{Type: "Purchase", Alias: "p", Where: []Expr{eq(Field("user"), Ref("l", "user"))}}},
				Within: 10 * minute,
				Emit:   []Out{out("user", Ref("l", "user")), out("amount", Ref("p", "amount"))}},
			program: `stream QuickBuy = Login as l
    -> Purchase where user == l.user as p
    .within(10m)
    .emit(user: l.user, amount: p.amount)`,
			input: []Event{ev(0, "Login", "user", "ann"), ev(300, "Login", "user", "bob"),
				ev(660, "Purchase", "user", "ann", "amount", 30), ev(900, "Purchase", "user", "bob", "amount", 12.5)},
			output: []string{
				`{"stream":"QuickBuy","ts":"1970-01-01T00:15:00Z","fields":{"user":"bob","amount":12.5}}`,
			},
		},
		{
			name: "E15/PerUser",
			pattern: Pattern{Name: "PerUser", Steps: e15steps, PartitionBy: "user",
				Emit: []Out{{Value: Field("user")}, out("took", Arith(EventTime("b"), "-", EventTime("a")))}},
			program: `stream PerUser = Start as a -> Stop as b .partition_by(user)
    .emit(user, took: event_time(b) - event_time(a))`,
			input: e15in,
			output: []string{
				`{"stream":"PerUser","ts":"1970-01-01T00:00:03Z","fields":{"user":"u2","took":"1s"}}`,
				`{"stream":"PerUser","ts":"1970-01-01T00:00:04Z","fields":{"user":"u1","took":"3s"}}`,
			},
		},
		{
			name:    "E15/AnyUser",
			pattern: Pattern{Name: "AnyUser", Steps: e15steps, Emit: []Out{out("start_user", Ref("a", "user")), out("stop_user", Ref("b", "user"))}},
			program: `stream AnyUser = Start as a -> Stop as b .emit(start_user: a.user, stop_user: b.user)`,
			input:   e15in,
			output: []string{
				`{"stream":"AnyUser","ts":"1970-01-01T00:00:03Z","fields":{"start_user":"u1","stop_user":"u2"}}`,
				`{"stream":"AnyUser","ts":"1970-01-01T00:00:03Z","fields":{"start_user":"u2","stop_user":"u2"}}`,
			},
		},
	}
}

// TestSpecExamples reproduces the §10 outputs of E8–E15, one stream at a
// time, checks that VPL renders each stream as the specification writes
// it (whitespace aside), and that the rendering parses and checks.
func TestSpecExamples(t *testing.T) {
	for _, c := range specCases() {
		t.Run(c.name, func(t *testing.T) {
			got := Matches(c.pattern, c.input)
			if !slices.Equal(got, c.output) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.output, "\n"))
			}
			if r, w := strings.Join(strings.Fields(c.pattern.VPL()), " "), strings.Join(strings.Fields(c.program), " "); r != w {
				t.Errorf("VPL renders\n%s\nthe specification writes\n%s", r, w)
			}
			checkVPL(t, c.pattern.VPL())
			// Under policy any the branching runs agree with the
			// enumeration; under next and strict the simulation is the
			// oracle itself.
			if c.pattern.policy() == Any {
				if sim := render(c.pattern, c.input, sorted(simulate(c.pattern, c.input))); !slices.Equal(sim, c.output) {
					t.Errorf("branching runs give\n%s", strings.Join(sim, "\n"))
				}
			}
		})
	}
}

func sorted(ms []match) []match {
	sortMatches(ms)
	return ms
}

// checkVPL parses and checks a program; errors fail the test.
func checkVPL(t testing.TB, src string) {
	t.Helper()
	prog, diags := vpl.ParseFile("oracle.vpl", []byte(src), nil)
	if !vpl.HasErrors(diags) {
		diags = append(diags, vpl.Check(prog)...)
	}
	if vpl.HasErrors(diags) {
		t.Fatalf("%s\n%s", src, vpl.Format(diags, prog.Files))
	}
}
