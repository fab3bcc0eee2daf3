package scalar

import (
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

type fnCase struct {
	name string
	args []event.Value
	want event.Value
}

func c(name string, want event.Value, args ...event.Value) fnCase {
	return fnCase{name, args, want}
}

var funcCases = []fnCase{
	// Math.
	c("abs", I(3), I(-3)),
	c("abs", I(3), I(3)),
	c("abs", F(2.5), F(-2.5)),
	c("abs", F(0), F(negZero)),
	c("floor", F(0), F(negZero)),
	c("round", F(0), F(negZero), I(2)),
	c("abs", N, I(minI)), // overflow
	c("abs", I(maxI), I(-maxI)),
	c("abs", N, S("x")),
	c("abs", N, N),
	c("sqrt", F(2), I(4)),
	c("sqrt", F(1.5), F(2.25)),
	c("sqrt", N, I(-1)), // NaN
	c("exp", F(1), I(0)),
	c("exp", N, I(1000)), // +Inf
	c("log", F(0), I(1)),
	c("log", N, I(0)), // -Inf
	c("log", N, F(-1)),
	c("log10", F(3), I(1000)),
	c("sin", F(0), I(0)),
	c("cos", F(1), I(0)),
	c("tan", F(0), F(0)),
	c("sin", N, S("0")),
	c("pow", I(1024), I(2), I(10)), // pow is **
	c("pow", F(0.5), I(2), I(-1)),
	c("pow", N, I(2), I(63)),
	c("pow", F(2), F(4), F(0.5)),
	c("floor", F(2), F(2.7)),
	c("floor", F(-3), F(-2.5)),
	c("floor", I(5), I(5)), // §11.2: int stays int
	c("floor", F(1e300), F(1e300)),
	c("ceil", F(3), F(2.1)),
	c("ceil", F(0), F(-0.5)), // never "-0.0"
	c("ceil", I(-7), I(-7)),
	c("floor", N, S("1")),
	c("round", F(3), F(2.5)), // half away from zero
	c("round", F(-3), F(-2.5)),
	c("round", F(1), F(0.5)),
	c("round", F(0), F(-0.4)),
	c("round", F(0), F(0.49999999999999994)),
	c("round", I(7), I(7)),
	c("round", F(1.01), F(1.005), I(2)), // the decimal form, not the binary value
	c("round", F(2.68), F(2.675), I(2)),
	c("round", F(-1.01), F(-1.005), I(2)),
	c("round", F(1234.57), F(1234.5678), I(2)),
	c("round", F(1200), F(1234.5678), I(-2)),
	c("round", F(100), F(99.5), I(-2)),
	c("round", F(10), F(9.995), I(2)), // carry
	c("round", F(0.0001), F(0.000123456), I(4)),
	c("round", F(0), F(0.000049), I(4)),
	c("round", F(0), F(-0.001), I(2)),
	c("round", F(1e300), F(1e300), I(2)),
	c("round", F(5e-324), F(5e-324), I(400)),
	c("round", F(0), F(5e-324), I(300)),
	c("round", F(0), F(123.4), I(-500)),
	c("round", F(1.5), F(1.5), I(1)),
	c("round", F(2), F(1.5), I(0)),
	c("round", N, F(1.7e308), I(-308)), // 2e308 overflows
	c("round", I(1300), I(1250), I(-2)),
	c("round", I(-1300), I(-1250), I(-2)),
	c("round", I(1200), I(1249), I(-2)),
	c("round", I(20), I(15), I(-1)),
	c("round", I(123), I(123), I(2)),
	c("round", N, I(maxI), I(-1)),
	c("round", N, I(minI), I(-1)),
	c("round", N, I(maxI), I(-19)),
	c("round", I(0), I(4e18), I(-19)),
	c("round", I(0), I(123), I(-25)),
	c("round", I(0), I(maxI), I(minI)),
	c("round", F(0), F(1.5), I(minI)),
	c("round", F(1.5), F(1.5), I(maxI)),
	c("round", I(-9223372036854775000), I(-9223372036854775123), I(-3)),
	c("round", N, F(1.5), F(1)), // digits must be an int
	c("round", N, F(1.5), N),
	c("min", I(1), I(3), I(1), I(2)),
	c("min", I(1), I(1), F(1)), // ties keep the first
	c("min", F(1), F(1), I(1)),
	c("min", F(1), I(2), F(1)), // the winner keeps its kind
	c("max", F(2.5), I(1), F(2.5)),
	c("min", S("a"), S("b"), S("a")),
	c("max", B(true), B(false), B(true)),
	c("min", D(1), D(2), D(1)),
	c("max", T(2), T(1), T(2)),
	c("min", N, I(1), S("a")),
	c("min", N, I(1), N), // a null argument
	c("min", I(5), I(5)),
	c("min", I(1), A(I(3), I(1), I(2))), // the array form
	c("max", I(3), A(I(3), N, I(1))),    // skips nulls, like the aggregate
	c("min", N, A()),
	c("min", N, A(N)),
	c("max", N, A(I(1), S("a"))),
	c("max", S("b"), A(S("a"), S("b"))),
	c("min", N, A(I(1)), A(I(2))),
	c("min", N, M("a", I(1))),
	c("min", N, A(A(I(1)))),
	c("min", N),
	c("clamp", I(3), I(5), I(1), I(3)),
	c("clamp", I(1), I(0), I(1), I(3)),
	c("clamp", I(2), I(2), I(1), I(3)),
	c("clamp", F(2.5), F(2.5), I(1), I(3)),
	c("clamp", F(3.5), I(5), I(1), F(3.5)),
	c("clamp", N, I(1), I(3), I(1)), // lo > hi
	c("clamp", S("b"), S("b"), S("a"), S("c")),
	c("clamp", N, I(1), S("a"), S("c")),
	c("clamp", N, N, I(1), I(3)),

	// Strings.
	c("len", I(5), S("héllo")), // code points
	c("len", I(1), S("😀")),
	c("len", I(0), S("")),
	c("len", I(2), A(I(1), N)),
	c("len", I(1), M("a", I(1))),
	c("len", N, I(5)),
	c("upper", S("HÉLLO WÖRLD"), S("héllo wörld")), // Unicode
	c("upper", S("STRASSE"), S("straße")),          // full mapping
	c("upper", S("FINE"), S("ﬁne")),
	c("upper", S("ΑΙ"), S("ᾳ")),
	c("upper", S("Ǆ"), S("ǆ")),
	c("upper", S("ABC1"), S("abc1")),
	c("to_upper", S("ABC"), S("abc")),
	c("lower", S("àb"), S("ÀB")),
	c("lower", S("οδος"), S("ΟΔΟΣ")), // final sigma
	c("lower", S("ὀδυσσεύς"), S("ὈΔΥΣΣΕΎΣ")),
	c("lower", S("σα"), S("ΣΑ")),
	c("lower", S("σ"), S("Σ")),
	c("lower", S("ας."), S("ΑΣ.")),
	c("lower", S("ασ\u0301β"), S("ΑΣ\u0301Β")),
	c("lower", S("άς σα"), S("ΆΣ ΣΑ")),
	c("lower", S("i\u0307stanbul"), S("İstanbul")),
	c("to_lower", S("abc"), S("ABC")),
	c("upper", N, I(1)),
	c("trim", S("a b"), S("  a b \t\n")),
	c("trim", S("x"), S("\u00a0x\u2003")),
	c("trim", S(""), S("   ")),
	c("contains", B(true), S("abc"), S("b")),
	c("contains", B(true), S("abc"), S("")),
	c("contains", B(false), S("abc"), S("d")),
	c("contains", N, S("abc"), I(1)),
	c("contains", N, A(I(1)), I(1)),
	c("starts_with", B(true), S("abc"), S("ab")),
	c("starts_with", B(false), S("abc"), S("bc")),
	c("ends_with", B(true), S("abc"), S("bc")),
	c("ends_with", B(false), S("abc"), S("x")),
	c("ends_with", N, N, S("x")),
	c("replace", S("a+b+c"), S("a-b-c"), S("-"), S("+")), // every occurrence
	c("replace", S("bbbbbb"), S("aaa"), S("a"), S("bb")),
	c("replace", S("-a-é-"), S("aé"), S(""), S("-")),
	c("replace", S("abc"), S("abc"), S("x"), S("y")),
	c("replace", S("c"), S("abc"), S("ab"), S("")),
	c("replace", N, I(1), S("a"), S("b")),
	c("split", A(S("a"), S(""), S("b")), S("a,,b"), S(",")), // §11.3: three elements
	c("split", A(S("")), S(""), S(",")),
	c("split", A(S("a"), S("b"), S("")), S("a,b,"), S(",")),
	c("split", A(S("a"), S("b")), S("a::b"), S("::")),
	c("split", A(S("h"), S("é"), S("l")), S("hél"), S("")),
	c("split", A(), S(""), S("")),
	c("split", N, I(1), S(",")),
	c("join", S("a-b"), A(S("a"), S("b")), S("-")),
	c("join", S(""), A(), S(",")),
	c("join", S("1,2.5,true,1s"), A(I(1), F(2.5), B(true), D(sec)), S(",")),
	c("join", S(`[1,"x"]`), A(A(I(1), S("x"))), S(";")),
	c("join", N, A(S("a"), N), S(",")),
	c("join", N, A(S("a")), I(1)),
	c("join", N, S("ab"), S(",")),
	c("concat", S("abc"), S("a"), S("b"), S("c")),
	c("concat", N, S("a"), N), // §11.3
	c("concat", S("a11.5true"), S("a"), I(1), F(1.5), B(true)),
	c("concat", S("x"), S("x")),
	c("concat", S("1m30s"), D(90*sec)),
	c("concat", N),
	c("substring", S("éll"), S("héllo"), I(1), I(3)), // code points from 0
	c("substring", S("éllo"), S("héllo"), I(1)),
	c("substring", S(""), S("abc"), I(5)),
	c("substring", S("bc"), S("abc"), I(1), I(100)),
	c("substring", S("bc"), S("abc"), I(1), I(maxI)),
	c("substring", S(""), S("abc"), I(0), I(0)),
	c("substring", N, S("abc"), I(-1)),
	c("substring", N, S("abc"), I(0), I(-1)),
	c("substring", N, S("abc"), F(1)),
	c("substring", N, S("abc"), I(1), F(1)),

	// Arrays and maps.
	c("first", I(1), A(I(1), I(2))),
	c("first", N, A()),
	c("first", N, S("abc")),
	c("last", I(2), A(I(1), I(2))),
	c("last", N, A()),
	c("reverse", A(I(3), I(2), I(1)), A(I(1), I(2), I(3))),
	c("reverse", A(), A()),
	c("reverse", N, S("abc")),
	c("unique", A(I(1), I(2), S("1"), N), A(I(1), F(1), I(2), I(1), S("1"), N, N)),
	c("unique", A(A(I(1)), M("a", I(1))), A(A(I(1)), A(F(1)), M("a", I(1)), M("a", F(1)))),
	c("unique", A(), A()),
	c("unique", N, M("a", I(1))),
	c("keys", A(S("a"), S("b")), M("a", I(1), "b", I(2))),
	c("keys", A(), M()),
	c("keys", N, A(I(1))),
	c("values", A(I(1), I(2)), M("a", I(1), "b", I(2))),
	c("values", N, A(I(1))),
	c("push", A(I(1), I(2)), A(I(1)), I(2)),
	c("push", A(I(1), N), A(I(1)), N), // a null value is pushed
	c("push", A(A()), A(), A()),
	c("push", N, N, I(1)),
	c("push", N, S("a"), I(1)),
	c("pop", A(I(1)), A(I(1), I(2))),
	c("pop", A(), A()),
	c("pop", N, N),
	c("sort", A(F(1.5), I(2), I(3)), A(I(3), F(1.5), I(2))),
	c("sort", A(F(1), I(1), I(2)), A(I(2), F(1), I(1))), // stable
	c("sort", A(S("B"), S("a"), S("b")), A(S("b"), S("a"), S("B"))),
	c("sort", A(), A()),
	c("sort", N, A(I(1), S("a"))), // mixed
	c("sort", N, A(S("a"), I(1))),
	c("sort", N, A(I(1), N)),
	c("sort", N, A(B(true))),
	c("sort", N, S("ba")),
	c("range", A(I(1), I(2), I(3)), I(1), I(4)),
	c("range", A(), I(4), I(1)),
	c("range", N, I(0), I(10001)),
	c("range", N, I(0), F(3)),
	c("sum", I(6), A(I(1), I(2), I(3))),
	c("sum", F(3.5), A(I(1), F(2.5))),
	c("sum", I(3), A(I(1), N, I(2))),
	c("sum", N, A()),
	c("sum", N, A(N)),
	c("sum", N, A(I(maxI), I(1))),              // int overflow
	c("sum", I(maxI), A(I(maxI), I(1), I(-1))), // exact: only the total must fit
	c("sum", I(minI), A(I(minI), I(minI), I(maxI), I(1))),
	c("sum", N, A(I(minI), I(minI), I(maxI))),
	c("sum", F(9223372036854775808), A(I(maxI), I(1), F(0.5))),
	c("sum", N, A(I(1), S("a"))),
	c("sum", N, I(5)),
	c("avg", F(1.5), A(I(1), I(2))),
	c("avg", F(2), A(I(1), N, I(3))),
	c("avg", N, A()),
	c("avg", N, A(S("a"))),
	c("avg", F(9223372036854775807), A(I(maxI), I(maxI))),
	c("get", I(1), M("a", I(1)), S("a")),
	c("get", N, M("a", I(1)), S("b")),
	c("get", I(0), M("a", I(1)), S("b"), I(0)),
	c("get", N, M("a", N), S("a"), I(5)), // the entry exists
	c("get", N, N, S("a"), I(1)),
	c("get", N, M("a", I(1)), I(1)),
	c("get", N, A(I(1)), I(0)),
	c("set", M("a", I(1), "b", I(2)), M("a", I(1)), S("b"), I(2)),
	c("set", M("a", I(3), "b", I(2)), M("a", I(1), "b", I(2)), S("a"), I(3)),
	c("set", M("a", N), M("a", I(1)), S("a"), N),
	c("set", N, N, S("a"), I(1)),
	c("set", N, M(), I(1), I(1)),

	// Conversion.
	c("to_string", S("1"), I(1)),
	c("to_string", S("1.0"), F(1)),
	c("to_string", S("1e+21"), F(1e21)), // §11.4
	c("to_string", S("1e-7"), F(1e-7)),
	c("to_string", S("a\"b"), S("a\"b")), // strings unchanged
	c("to_string", S("true"), B(true)),
	c("to_string", S(`[1,"a"]`), A(I(1), S("a"))),
	c("to_string", S(`{"a":"x","t":@1970-01-01T00:00:01Z}`), M("a", S("x"), "t", T(sec))),
	c("to_string", S("@1970-01-01T00:00:00Z"), T(0)),
	c("to_string", S("1m30s"), D(90*sec)),
	c("to_string", N, N),
	c("to_int", I(4), S("4.5")), // §11.3
	c("to_int", I(-4), S("-4.5")),
	c("to_int", I(42), S("42")),
	c("to_int", I(42), S(" 42 ")),
	c("to_int", I(7), S("+7")),
	c("to_int", I(12), S("12.")),
	c("to_int", I(0), S(".9")),
	c("to_int", I(0), S("-0.9")),
	c("to_int", I(400), S("4e2")),
	c("to_int", I(15), S("1.5e1")),
	c("to_int", I(0), S("15e-2")),
	c("to_int", I(maxI), S("9223372036854775807")),
	c("to_int", I(maxI), S("9223372036854775807.9")), // exact, no float rounding
	c("to_int", N, S("9223372036854775808")),
	c("to_int", I(minI), S("-9223372036854775808")),
	c("to_int", I(minI), S("-9223372036854775808.9")),
	c("to_int", N, S("-9223372036854775809")),
	c("to_int", I(1234567890123456789), S("123456789012345678901234e-5")),
	c("to_int", I(0), S("0e999999999999")),
	c("to_int", I(0), S("000000000000000000000000000001e-5")),
	c("to_int", I(0), S("1e-999999999999")),
	c("to_int", N, S("1e999999999999")),
	c("to_int", N, S("abc")),
	c("to_int", N, S("")),
	c("to_int", N, S(".")),
	c("to_int", N, S("1e")),
	c("to_int", N, S("1_000")),
	c("to_int", N, S("0x10")),
	c("to_int", N, S("inf")),
	c("to_int", N, S("- 7")),
	c("to_int", N, S("4.5.6")),
	c("to_int", I(3), F(3.99)), // truncates floats
	c("to_int", I(-3), F(-3.99)),
	c("to_int", N, F(1e19)),
	c("to_int", I(minI), F(-9223372036854775808)),
	c("to_int", N, F(9223372036854775807)), // the float is 2^63
	c("to_int", I(1), B(true)),
	c("to_int", N, T(1)),
	c("to_int", N, D(1)),
	c("to_float", F(2.5), S("2.5")),
	c("to_float", F(1), S(" 1 ")),
	c("to_float", F(0.5), S(".5")),
	c("to_float", F(0), S("1e-400")),
	c("to_float", N, S("1e400")),
	c("to_float", N, S("abc")),
	c("to_float", N, S("nan")),
	c("to_float", N, S("Infinity")),
	c("to_float", N, S("0x1p3")),
	c("to_float", F(3), I(3)),
	c("to_float", F(0), B(false)),
	c("to_float", N, A()),
	c("type_of", S("null"), N),
	c("type_of", S("bool"), B(true)),
	c("type_of", S("int"), I(1)),
	c("type_of", S("float"), F(1)),
	c("type_of", S("string"), S("")),
	c("type_of", S("timestamp"), T(0)),
	c("type_of", S("duration"), D(0)),
	c("type_of", S("array"), A()),
	c("type_of", S("map"), M()),

	// Null and kinds.
	c("coalesce", I(3), N, N, I(3), I(4)),
	c("coalesce", N, N),
	c("coalesce", I(1), I(1)),
	c("coalesce", N),
	c("if_null", I(2), N, I(2)),
	c("if_null", I(1), I(1), I(2)),
	c("if_null", N, N, N),
	c("is_null", B(true), N),
	c("is_null", B(false), I(0)),
	c("is_int", B(true), I(1)),
	c("is_int", B(false), F(1)),
	c("is_int", B(false), N), // always a bool
	c("is_float", B(true), F(1)),
	c("is_string", B(true), S("")),
	c("is_string", B(false), N),
	c("is_bool", B(true), B(false)),
	c("is_array", B(true), A()),
	c("is_array", B(false), M()),
	c("is_map", B(true), M()),
	c("is_map", B(false), A()),

	// Wrong argument counts give null.
	c("abs", N),
	c("abs", N, I(1), I(2)),
	c("is_null", N),
	c("substring", N, S("a"), I(0), I(1), I(2)),
	c("if_null", N, I(1)),
}

func TestFuncs(t *testing.T) {
	for _, tc := range funcCases {
		f, ok := Lookup(tc.name)
		if !ok {
			t.Errorf("%s is not registered", tc.name)
			continue
		}
		args := slices.Clone(tc.args)
		got := f.Call(args)
		what := tc.name + showAll(tc.args)
		check(t, what, got, tc.want)
		for i := range args {
			if show(args[i]) != show(tc.args[i]) {
				t.Errorf("%s modified its argument %d", what, i)
			}
		}
		kinds := make([]event.Kind, len(tc.args))
		for i, a := range tc.args {
			kinds[i] = a.Kind()
		}
		if k, ok := f.ResultKind(kinds); ok && !tc.want.IsNull() && k != tc.want.Kind() {
			t.Errorf("%s: ResultKind = %s, but the result is %s", what, k, show(tc.want))
		}
	}
}

// TestFuncsDoNotMutate checks that functions which build arrays and maps
// leave their inputs as they were.
func TestFuncsDoNotMutate(t *testing.T) {
	arr := A(I(3), I(1), I(2))
	m := M("a", I(1), "b", I(2))
	for _, name := range []string{"reverse", "sort", "unique", "pop"} {
		Call(name, arr)
	}
	Call("push", arr, I(9))
	Call("set", m, S("a"), I(9))
	Call("set", m, S("c"), I(9))
	p := Call("pop", arr)
	Call("push", p, I(7)) // must not write into arr's last slot
	check(t, "array after calls", arr, A(I(3), I(1), I(2)))
	check(t, "map after calls", m, M("a", I(1), "b", I(2)))
	v := Call("values", m)
	Call("push", v, I(7))
	check(t, "map after push on values", m, M("a", I(1), "b", I(2)))
}

// TestUniqueLarge runs unique over an array long enough for the hashed
// path and compares it with the pairwise definition.
func TestUniqueLarge(t *testing.T) {
	var in []event.Value
	for i := 0; i < 60; i++ {
		switch i % 6 {
		case 0:
			in = append(in, I(int64(i%7)))
		case 1:
			in = append(in, F(float64(i%7)))
		case 2:
			in = append(in, F(float64(i%7)+0.5))
		case 3:
			in = append(in, S(string(rune('a'+i%5))))
		case 4:
			in = append(in, A(I(int64(i%3))), N, B(i%2 == 0))
		case 5:
			in = append(in, T(int64(i%4)), D(int64(i%4)), M("k", F(float64(i%2))))
		}
	}
	var want []event.Value
	for _, v := range in {
		if !slices.ContainsFunc(want, func(w event.Value) bool { return event.Equal(v, w) }) {
			want = append(want, v)
		}
	}
	check(t, "unique(large)", Call("unique", A(in...)), A(want...))
}

func TestRegistry(t *testing.T) {
	spec := strings.Fields(`abs sqrt exp log log10 sin cos tan pow floor ceil round min max clamp
		len lower upper to_lower to_upper trim contains starts_with ends_with replace split join concat substring
		first last reverse unique keys values push pop sort range sum avg get set
		to_string to_int to_float type_of coalesce if_null is_null is_int is_float is_string is_bool is_array is_map`)
	for _, name := range spec {
		f, ok := Lookup(name)
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if f.Name != name || !f.Pure || f.Call == nil {
			t.Errorf("%s: bad entry %+v", name, f)
		}
		if !IsKnown(name) {
			t.Errorf("IsKnown(%s) is false", name)
		}
	}
	if len(Funcs()) != len(spec) {
		t.Errorf("%d functions registered, %d in the spec", len(Funcs()), len(spec))
	}
	if fs := Funcs(); !slices.IsSortedFunc(fs, func(a, b *Func) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Funcs not sorted")
	}
	for _, name := range []string{"event_type", "event_time", "now"} {
		if _, ok := Lookup(name); ok || !IsEventFunc(name) || !IsKnown(name) {
			t.Errorf("%s: not an event function", name)
		}
	}
	for _, name := range []string{"count", "count_distinct", "stddev", "ema", "sum", "avg", "min", "max", "first", "last"} {
		if !IsAggregate(name) || !IsKnown(name) {
			t.Errorf("%s: not an aggregate", name)
		}
	}
	for _, name := range []string{"count_trends", "count_events", "sum_trends", "avg_trends", "min_trends", "max_trends"} {
		if !IsTrendAggregate(name) || !IsKnown(name) {
			t.Errorf("%s: not a trend aggregate", name)
		}
	}
	for _, name := range []string{"", "foo", "Abs", "count_", "print"} {
		if IsKnown(name) {
			t.Errorf("IsKnown(%q)", name)
		}
	}
	if _, ok := Lookup("count"); ok {
		t.Error("count is an aggregate only")
	}
	if !Call("nope", I(1)).IsNull() {
		t.Error("unknown name through Call")
	}
	abs, _ := Lookup("abs")
	if !abs.Accepts(1) || abs.Accepts(0) || abs.Accepts(2) {
		t.Error("abs arity")
	}
	concat, _ := Lookup("concat")
	if !concat.Accepts(100) || concat.MaxArgs != -1 {
		t.Error("concat is variadic")
	}
	for _, name := range []string{"coalesce", "if_null", "is_null", "type_of", "push", "set", "get"} {
		if f, _ := Lookup(name); f.Strict {
			t.Errorf("%s is strict", name)
		}
	}
}

func TestResultKind(t *testing.T) {
	k := func(ks ...event.Kind) []event.Kind { return ks }
	cases := []struct {
		name string
		args []event.Kind
		want event.Kind
		ok   bool
	}{
		{"len", nil, event.KindInt, true},
		{"abs", nil, event.KindNull, false},
		{"abs", k(event.KindInt), event.KindInt, true},
		{"abs", k(event.KindFloat), event.KindFloat, true},
		{"abs", k(event.KindNull), event.KindNull, true},
		{"abs", k(event.KindString), event.KindNull, true},
		{"abs", []event.Kind{}, event.KindNull, true}, // wrong count: always null
		{"pow", k(event.KindInt, event.KindInt), event.KindNull, false},
		{"pow", k(event.KindInt, event.KindFloat), event.KindFloat, true},
		{"first", k(event.KindArray), event.KindNull, false},
		{"coalesce", k(event.KindNull, event.KindInt), event.KindInt, true},
		{"coalesce", k(event.KindInt, event.KindFloat), event.KindNull, false},
		{"min", k(event.KindArray), event.KindNull, false},
		{"is_int", k(event.KindNull), event.KindBool, true},
		{"to_string", k(event.KindNull), event.KindNull, true},
	}
	for _, tc := range cases {
		f, _ := Lookup(tc.name)
		got, ok := f.ResultKind(tc.args)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s.ResultKind(%v) = %s, %v; want %s, %v", tc.name, tc.args, got, ok, tc.want, tc.ok)
		}
	}
}

// TestWorkedExampleE2 evaluates VPL.md §10 E2 row by row with the
// operators: where(qty >= 1.5 or vip), emit(half: qty / 2, per_zero:
// qty / 0, same: qty == 2).
func TestWorkedExampleE2(t *testing.T) {
	rows := []struct {
		qty, vip              event.Value
		pass                  bool
		half, perZero, isSame event.Value
	}{
		{I(3), N, true, I(1), N, B(false)},
		{I(1), B(false), false, I(0), N, B(false)},
		{N, B(true), true, N, N, N},
		{N, N, false, N, N, N},
		{F(2), N, true, F(1), N, B(true)},
	}
	for i, r := range rows {
		pass := Or(Ge(r.qty, F(1.5)), r.vip).IsTrue()
		if pass != r.pass {
			t.Errorf("row %d: where = %v", i, pass)
		}
		if !pass {
			continue
		}
		check(t, "half", Div(r.qty, I(2)), r.half)
		check(t, "per_zero", Div(r.qty, I(0)), r.perZero)
		check(t, "same", Eq(r.qty, I(2)), r.isSame)
	}
}

// TestLimits checks the memory guards: a built string or array beyond the
// implementation limits is null instead of exhausting memory.
func TestLimits(t *testing.T) {
	half := S(strings.Repeat("x", MaxStringBytes/2+1))
	if !Add(half, half).IsNull() {
		t.Error("string + string beyond MaxStringBytes")
	}
	if Add(half, S("y")).IsNull() {
		t.Error("string + string within the limit")
	}
	if !Call("replace", S(strings.Repeat("a", 1024)), S("a"), S(strings.Repeat("b", 1<<14+1))).IsNull() {
		t.Error("replace beyond MaxStringBytes")
	}
	if !Call("concat", half, half).IsNull() {
		t.Error("concat beyond MaxStringBytes")
	}
	if !Call("join", A(half, half), S("")).IsNull() {
		t.Error("join beyond MaxStringBytes")
	}
	big := event.Array(make([]event.Value, MaxArrayLen/2+1))
	if !Add(big, big).IsNull() {
		t.Error("array + array beyond MaxArrayLen")
	}
	if !Call("push", event.Array(make([]event.Value, MaxArrayLen)), I(1)).IsNull() {
		t.Error("push beyond MaxArrayLen")
	}
	if !Call("split", S(strings.Repeat(",", MaxArrayLen)), S(",")).IsNull() {
		t.Error("split beyond MaxArrayLen")
	}
}
