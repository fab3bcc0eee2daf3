package scalar

import (
	"math"
	"sort"

	"github.com/varpulis/varpulis-go/event"
)

// Func is a built-in scalar function of VPL.md §5.
type Func struct {
	Name    string
	MinArgs int
	MaxArgs int // -1: any number of arguments from MinArgs on

	// Call evaluates the function. It checks the argument count and kinds
	// itself and accepts any slice (a wrong count gives null, since the
	// checker does not reject built-in calls by arity); it neither keeps
	// nor modifies args.
	Call func(args []event.Value) event.Value

	// Pure: the result depends on the arguments only, so a call with
	// constant arguments may be folded. Every scalar built-in is pure; the
	// field exists so that callers need not assume it.
	Pure bool

	// Strict: a null argument always gives null, so a kernel may skip rows
	// with a null argument and the planner may fold such a call to null.
	// coalesce, if_null, the is_* tests, type_of, and the value arguments of
	// push, set and get are not strict.
	Strict bool

	result func(args []event.Kind) (event.Kind, bool)
}

// Accepts reports whether n arguments are within the function's arity.
func (f *Func) Accepts(n int) bool {
	return n >= f.MinArgs && (f.MaxArgs < 0 || n <= f.MaxArgs)
}

// ResultKind predicts the kind of every non-null result of a call whose
// arguments have the given kinds (see BinaryKind for the conventions). With
// args nil it answers from the function alone: ok is true only when the
// kind does not depend on the arguments (len is always an int).
func (f *Func) ResultKind(args []event.Kind) (event.Kind, bool) {
	if args == nil {
		if f.result == nil {
			return event.KindNull, false
		}
		return f.result(nil)
	}
	if !f.Accepts(len(args)) {
		return event.KindNull, true
	}
	if f.Strict {
		for _, k := range args {
			if k == event.KindNull {
				return event.KindNull, true
			}
		}
	}
	if f.result == nil {
		return event.KindNull, false
	}
	return f.result(args)
}

var registry = map[string]*Func{}

// def registers a function. impl may assume the argument count is within
// [min, max] and, for a strict function, that no argument is null.
func def(name string, min, max int, strict bool, result func([]event.Kind) (event.Kind, bool), impl func([]event.Value) event.Value) {
	f := &Func{Name: name, MinArgs: min, MaxArgs: max, Pure: true, Strict: strict, result: result}
	f.Call = func(args []event.Value) event.Value {
		if len(args) < min || (max >= 0 && len(args) > max) {
			return event.Null
		}
		if strict {
			for i := range args {
				if args[i].IsNull() {
					return event.Null
				}
			}
		}
		return impl(args)
	}
	registry[name] = f
}

// Lookup returns the scalar built-in named name.
func Lookup(name string) (*Func, bool) {
	f, ok := registry[name]
	return f, ok
}

// Funcs returns every scalar built-in, sorted by name.
func Funcs() []*Func {
	out := make([]*Func, 0, len(registry))
	for _, f := range registry {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Call evaluates the built-in named name; an unknown name gives null.
func Call(name string, args ...event.Value) event.Value {
	f, ok := registry[name]
	if !ok {
		return event.Null
	}
	return f.Call(args)
}

// Names the engine evaluates itself. They are not in the registry because
// they read the current event, the match or a group of events.
var (
	eventFuncs      = []string{"event_type", "event_time", "now"}
	aggregates      = []string{"count", "count_distinct", "sum", "avg", "min", "max", "stddev", "first", "last", "ema"}
	trendAggregates = []string{"count_trends", "count_events", "sum_trends", "avg_trends", "min_trends", "max_trends"}
)

func contains(list []string, name string) bool {
	for _, s := range list {
		if s == name {
			return true
		}
	}
	return false
}

// IsEventFunc reports whether name is one of the event-dependent functions
// (event_type, event_time, now) that the engine evaluates.
func IsEventFunc(name string) bool { return contains(eventFuncs, name) }

// IsAggregate reports whether name is an aggregate of .aggregate and of
// pattern aliases (VPL.md §4.4, §4.5.8). sum, avg, first, last, min and max
// are also scalar array functions (Lookup finds them): which one a call
// means depends on where it stands, which is the checker's business.
func IsAggregate(name string) bool { return contains(aggregates, name) }

// IsTrendAggregate reports whether name is a function of
// .trend_aggregate (VPL.md §4.5.9).
func IsTrendAggregate(name string) bool { return contains(trendAggregates, name) }

// IsKnown reports whether name is any built-in: scalar, event-dependent,
// aggregate or trend aggregate. A call to a name that is neither this nor a
// user function is E050.
func IsKnown(name string) bool {
	_, ok := registry[name]
	return ok || IsEventFunc(name) || IsAggregate(name) || IsTrendAggregate(name)
}

// Result-kind helpers for def.

func fixed(k event.Kind) func([]event.Kind) (event.Kind, bool) {
	return func([]event.Kind) (event.Kind, bool) { return k, true }
}

// numArg: the kind of the first argument when it is a number (abs, floor,
// ceil, round keep it), else always null.
func numArg(args []event.Kind) (event.Kind, bool) {
	if args == nil {
		return event.KindNull, false
	}
	if args[0].IsNumber() {
		return args[0], true
	}
	return event.KindNull, true
}

// sameArgs: the common kind of the non-null arguments, when they agree
// (min, max, clamp, coalesce and if_null return one of their arguments).
func sameArgs(args []event.Kind) (event.Kind, bool) {
	if args == nil {
		return event.KindNull, false
	}
	k := event.KindNull
	for _, a := range args {
		switch {
		case a == event.KindNull:
		case k == event.KindNull:
			k = a
		case a != k:
			return event.KindNull, false
		}
	}
	if k == event.KindArray {
		return event.KindNull, false // min(array) and max(array) return an element
	}
	return k, true
}

func powKind(args []event.Kind) (event.Kind, bool) {
	if args == nil {
		return event.KindNull, false
	}
	return BinaryKind(OpPow, args[0], args[1])
}

func init() {
	// Math (funcs_math.go).
	def("abs", 1, 1, true, numArg, fnAbs)
	def("sqrt", 1, 1, true, fixed(event.KindFloat), floatFn(math.Sqrt))
	def("exp", 1, 1, true, fixed(event.KindFloat), floatFn(math.Exp))
	def("log", 1, 1, true, fixed(event.KindFloat), floatFn(math.Log))
	def("log10", 1, 1, true, fixed(event.KindFloat), floatFn(math.Log10))
	def("sin", 1, 1, true, fixed(event.KindFloat), floatFn(math.Sin))
	def("cos", 1, 1, true, fixed(event.KindFloat), floatFn(math.Cos))
	def("tan", 1, 1, true, fixed(event.KindFloat), floatFn(math.Tan))
	def("pow", 2, 2, true, powKind, func(a []event.Value) event.Value { return Pow(a[0], a[1]) })
	def("floor", 1, 1, true, numArg, fnFloor)
	def("ceil", 1, 1, true, numArg, fnCeil)
	def("round", 1, 2, true, numArg, fnRound)
	def("min", 1, -1, true, sameArgs, fnMin)
	def("max", 1, -1, true, sameArgs, fnMax)
	def("clamp", 3, 3, true, sameArgs, fnClamp)

	// Strings (funcs_string.go).
	def("len", 1, 1, true, fixed(event.KindInt), fnLen)
	def("lower", 1, 1, true, fixed(event.KindString), fnLower)
	def("upper", 1, 1, true, fixed(event.KindString), fnUpper)
	def("to_lower", 1, 1, true, fixed(event.KindString), fnLower)
	def("to_upper", 1, 1, true, fixed(event.KindString), fnUpper)
	def("trim", 1, 1, true, fixed(event.KindString), fnTrim)
	def("contains", 2, 2, true, fixed(event.KindBool), fnContains)
	def("starts_with", 2, 2, true, fixed(event.KindBool), fnStartsWith)
	def("ends_with", 2, 2, true, fixed(event.KindBool), fnEndsWith)
	def("replace", 3, 3, true, fixed(event.KindString), fnReplace)
	def("split", 2, 2, true, fixed(event.KindArray), fnSplit)
	def("join", 2, 2, true, fixed(event.KindString), fnJoin)
	def("concat", 1, -1, true, fixed(event.KindString), fnConcat)
	def("substring", 2, 3, true, fixed(event.KindString), fnSubstring)

	// Arrays and maps (funcs_array.go).
	def("first", 1, 1, true, nil, fnFirst)
	def("last", 1, 1, true, nil, fnLast)
	def("reverse", 1, 1, true, fixed(event.KindArray), fnReverse)
	def("unique", 1, 1, true, fixed(event.KindArray), fnUnique)
	def("keys", 1, 1, true, fixed(event.KindArray), fnKeys)
	def("values", 1, 1, true, fixed(event.KindArray), fnValues)
	def("push", 2, 2, false, fixed(event.KindArray), fnPush)
	def("pop", 1, 1, true, fixed(event.KindArray), fnPop)
	def("sort", 1, 1, true, fixed(event.KindArray), fnSort)
	def("range", 2, 2, true, fixed(event.KindArray), func(a []event.Value) event.Value { return Range(a[0], a[1], false) })
	def("sum", 1, 1, true, nil, fnSum)
	def("avg", 1, 1, true, fixed(event.KindFloat), fnAvg)
	def("get", 2, 3, false, nil, fnGet)
	def("set", 3, 3, false, fixed(event.KindMap), fnSet)

	// Conversion (funcs_conv.go).
	def("to_string", 1, 1, true, fixed(event.KindString), fnToString)
	def("to_int", 1, 1, true, fixed(event.KindInt), fnToInt)
	def("to_float", 1, 1, true, fixed(event.KindFloat), fnToFloat)
	def("type_of", 1, 1, false, fixed(event.KindString), fnTypeOf)

	// Null and kinds (funcs_conv.go).
	def("coalesce", 1, -1, false, sameArgs, fnCoalesce)
	def("if_null", 2, 2, false, sameArgs, fnCoalesce)
	def("is_null", 1, 1, false, fixed(event.KindBool), isKind(event.KindNull))
	def("is_int", 1, 1, false, fixed(event.KindBool), isKind(event.KindInt))
	def("is_float", 1, 1, false, fixed(event.KindBool), isKind(event.KindFloat))
	def("is_string", 1, 1, false, fixed(event.KindBool), isKind(event.KindString))
	def("is_bool", 1, 1, false, fixed(event.KindBool), isKind(event.KindBool))
	def("is_array", 1, 1, false, fixed(event.KindBool), isKind(event.KindArray))
	def("is_map", 1, 1, false, fixed(event.KindBool), isKind(event.KindMap))
}
