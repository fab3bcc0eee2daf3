package reference

import (
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// at builds an input event at sec seconds with fields given as name, value
// pairs; a Go int is an int, a float64 a float, a string a string, nil null.
func at(sec float64, kv ...any) Input {
	in := Input{TS: int64(sec * 1e9)}
	for i := 0; i < len(kv); i += 2 {
		var v event.Value
		switch x := kv[i+1].(type) {
		case int:
			v = event.Int(int64(x))
		case int64:
			v = event.Int(x)
		case float64:
			v = event.Float(x)
		case string:
			v = event.String(x)
		case bool:
			v = event.Bool(x)
		case nil:
			v = event.Null
		default:
			panic("at: unsupported value")
		}
		in.Fields = append(in.Fields, event.Field{Name: kv[i].(string), Value: v})
	}
	return in
}

const sec = int64(1e9)

type runCase struct {
	name   string
	stream string
	cfg    Config
	input  []Input
	want   []string
	late   int
}

func (c runCase) check(t *testing.T) {
	t.Helper()
	stream := c.stream
	if stream == "" {
		stream = DefaultStream
	}
	got, late := RunStream(c.cfg, stream, c.input)
	if !slices.Equal(got, c.want) || late != c.late {
		t.Errorf("%s\n%s\ngot late=%d\n%s\nwant late=%d\n%s", c.name, c.cfg.VPL(stream),
			late, strings.Join(got, "\n"), c.late, strings.Join(c.want, "\n"))
	}
}

// TestSpecExamples reproduces VPL.md §10 E3–E7 and the windowed stream of
// E18 (inputs and outputs copied by hand).
func TestSpecExamples(t *testing.T) {
	cases := []runCase{
		{
			name:   "E3 partitioned tumbling window",
			stream: "PerMinute",
			cfg: Config{
				PartitionBy: []string{"sensor"},
				Window:      Window{Kind: Tumbling, Size: 60 * sec},
				Aggs:        []Agg{{Alias: "n", Fn: "count"}, {Alias: "total", Fn: "sum", Field: "v"}, {Alias: "mean", Fn: "avg", Field: "v"}},
			},
			input: []Input{
				at(10, "sensor", "b", "v", 4),
				at(20, "sensor", "a", "v", 1),
				at(50, "sensor", "a", "v", 2),
				at(70, "sensor", "a", "v", 5),
				at(200, "sensor", "b", "v", 1),
			},
			want: []string{
				`{"stream":"PerMinute","ts":"1970-01-01T00:01:00Z","fields":{"sensor":"a","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","n":2,"total":3,"mean":1.5}}`,
				`{"stream":"PerMinute","ts":"1970-01-01T00:01:00Z","fields":{"sensor":"b","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","n":1,"total":4,"mean":4.0}}`,
				`{"stream":"PerMinute","ts":"1970-01-01T00:02:00Z","fields":{"sensor":"a","window_start":"1970-01-01T00:01:00Z","window_end":"1970-01-01T00:02:00Z","n":1,"total":5,"mean":5.0}}`,
				`{"stream":"PerMinute","ts":"1970-01-01T00:04:00Z","fields":{"sensor":"b","window_start":"1970-01-01T00:03:00Z","window_end":"1970-01-01T00:04:00Z","n":1,"total":1,"mean":1.0}}`,
			},
		},
		{
			name:   "E4 sliding time window",
			stream: "Recent",
			cfg: Config{
				Window: Window{Kind: Sliding, Size: 10 * sec, Slide: 5 * sec},
				Aggs:   []Agg{{Alias: "n", Fn: "count"}, {Alias: "hi", Fn: "max", Field: "v"}},
			},
			input: []Input{at(13, "v", 3), at(17, "v", 8), at(22, "v", 5)},
			want: []string{
				`{"stream":"Recent","ts":"1970-01-01T00:00:15Z","fields":{"window_start":"1970-01-01T00:00:05Z","window_end":"1970-01-01T00:00:15Z","n":1,"hi":3}}`,
				`{"stream":"Recent","ts":"1970-01-01T00:00:20Z","fields":{"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":2,"hi":8}}`,
				`{"stream":"Recent","ts":"1970-01-01T00:00:25Z","fields":{"window_start":"1970-01-01T00:00:15Z","window_end":"1970-01-01T00:00:25Z","n":2,"hi":8}}`,
				`{"stream":"Recent","ts":"1970-01-01T00:00:30Z","fields":{"window_start":"1970-01-01T00:00:20Z","window_end":"1970-01-01T00:00:30Z","n":1,"hi":5}}`,
			},
		},
		{
			name:   "E5 count window (Tri)",
			stream: "Tri",
			cfg: Config{
				Window: Window{Kind: Count, Size: 3},
				Aggs:   []Agg{{Alias: "n", Fn: "count"}, {Alias: "s", Fn: "sum", Field: "v"}},
			},
			input: e5Input(),
			want: []string{
				`{"stream":"Tri","ts":"1970-01-01T00:00:03Z","fields":{"window_start":"1970-01-01T00:00:01Z","window_end":"1970-01-01T00:00:03Z","n":3,"s":6}}`,
			},
		},
		{
			name:   "E5 sliding count window (Hop)",
			stream: "Hop",
			cfg: Config{
				Window: Window{Kind: SlidingCount, Size: 3, Slide: 2},
				Aggs:   []Agg{{Alias: "s", Fn: "sum", Field: "v"}},
			},
			input: e5Input(),
			want: []string{
				`{"stream":"Hop","ts":"1970-01-01T00:00:03Z","fields":{"window_start":"1970-01-01T00:00:01Z","window_end":"1970-01-01T00:00:03Z","s":6}}`,
				`{"stream":"Hop","ts":"1970-01-01T00:00:05Z","fields":{"window_start":"1970-01-01T00:00:03Z","window_end":"1970-01-01T00:00:05Z","s":12}}`,
			},
		},
		{
			name:   "E6 session window",
			stream: "Visits",
			cfg: Config{
				PartitionBy: []string{"user"},
				Window:      Window{Kind: Session, Size: 30 * sec},
				Aggs:        []Agg{{Alias: "clicks", Fn: "count"}},
			},
			input: []Input{at(0, "user", "u1"), at(20, "user", "u1"), at(25, "user", "u2"), at(60, "user", "u1"), at(90, "user", "u1")},
			want: []string{
				`{"stream":"Visits","ts":"1970-01-01T00:00:50Z","fields":{"user":"u1","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:50Z","clicks":2}}`,
				`{"stream":"Visits","ts":"1970-01-01T00:00:55Z","fields":{"user":"u2","window_start":"1970-01-01T00:00:25Z","window_end":"1970-01-01T00:00:55Z","clicks":1}}`,
				`{"stream":"Visits","ts":"1970-01-01T00:02:00Z","fields":{"user":"u1","window_start":"1970-01-01T00:01:00Z","window_end":"1970-01-01T00:02:00Z","clicks":2}}`,
			},
		},
		{
			name:   "E7 out-of-order input",
			stream: "Tolerant",
			cfg: Config{
				OutOfOrder: 5 * sec,
				Window:     Window{Kind: Tumbling, Size: 10 * sec},
				Aggs:       []Agg{{Alias: "n", Fn: "count"}, {Alias: "s", Fn: "sum", Field: "v"}},
			},
			input: []Input{at(1, "v", 1), at(12, "v", 2), at(8, "v", 3), at(16, "v", 4), at(3, "v", 5)},
			want: []string{
				`{"stream":"Tolerant","ts":"1970-01-01T00:00:10Z","fields":{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":2,"s":4}}`,
				`{"stream":"Tolerant","ts":"1970-01-01T00:00:20Z","fields":{"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":2,"s":6}}`,
			},
			late: 1,
		},
		{
			// The Alert events that Big emits in E18, fed to AlertCount.
			name:   "E18 AlertCount",
			stream: "AlertCount",
			cfg: Config{
				Window: Window{Kind: Tumbling, Size: 60 * sec},
				Aggs:   []Agg{{Alias: "n", Fn: "count"}, {Alias: "top", Fn: "max", Field: "amt"}},
			},
			input: []Input{at(20, "acct", "b", "amt", 150), at(30, "acct", "a", "amt", 100.0)},
			want: []string{
				`{"stream":"AlertCount","ts":"1970-01-01T00:01:00Z","fields":{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","n":2,"top":150}}`,
			},
		},
	}
	for _, c := range cases {
		c.check(t)
	}
}

func e5Input() []Input {
	return []Input{at(1, "v", 1), at(2, "v", 2), at(3, "v", 3), at(4, "v", 4), at(5, "v", 5)}
}

// line builds an expected output line of stream S.
func line(ts string, fields string) string {
	return `{"stream":"S","ts":"` + ts + `","fields":{` + fields + `}}`
}

// TestAllowedLateness: a late event within the bound is added and the
// window's complete result is emitted again, in its dispatch phase; past
// end + L it is dropped.
func TestAllowedLateness(t *testing.T) {
	cfg := Config{
		AllowedLateness: 10 * sec,
		Window:          Window{Kind: Tumbling, Size: 10 * sec},
		Aggs:            []Agg{{Alias: "n", Fn: "count"}, {Alias: "s", Fn: "sum", Field: "v"}},
	}
	runCase{
		name: "tumbling with lateness",
		cfg:  cfg,
		input: []Input{
			at(1, "v", 1),
			at(12, "v", 2), // W = 12: [0,10) fires
			at(5, "v", 3),  // late, W < 20: added, [0,10) emitted again
			at(25, "v", 4), // W = 25: [10,20) fires; [0,10) state dropped
			at(7, "v", 5),  // late, W ≥ 20: dropped
			at(9, "v", 6),  // W = 25 < 30, but [0,10) is gone: dropped
		},
		want: []string{
			line("1970-01-01T00:00:10Z", `"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1,"s":1`),
			line("1970-01-01T00:00:10Z", `"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":2,"s":4`),
			line("1970-01-01T00:00:20Z", `"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":1,"s":2`),
			line("1970-01-01T00:00:30Z", `"window_start":"1970-01-01T00:00:20Z","window_end":"1970-01-01T00:00:30Z","n":1,"s":4`),
		},
		late: 2,
	}.check(t)

	// Sliding 10s every 5s, L = 5s. At W = 17 the event @3 lies in
	// [-5,5) (gone: 17 ≥ 5+5) and [0,10) (fired, kept until 15... also
	// gone), so it is dropped; @8 lies in [0,10) (gone) and [5,15) (fired,
	// kept until W ≥ 20): added and emitted again; it is not late-counted.
	// A late event that re-opens two windows emits them by ascending start.
	runCase{
		name: "sliding with lateness",
		cfg: Config{
			AllowedLateness: 5 * sec,
			Window:          Window{Kind: Sliding, Size: 10 * sec, Slide: 5 * sec},
			Aggs:            []Agg{{Alias: "n", Fn: "count"}},
		},
		input: []Input{
			at(6),
			at(17), // W = 17: [0,10) and [5,15) fire
			at(3),  // dropped, late
			at(8),  // [5,15) again, n = 2
			at(21), // W = 21: [10,20) fires (17)
			at(12), // [5,15) gone (21 ≥ 20); [10,20) kept until 25: again, n = 2
			at(18), // [10,20) and [15,25) (not yet due): [10,20) again, n = 3
		},
		want: []string{
			line("1970-01-01T00:00:10Z", `"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:15Z", `"window_start":"1970-01-01T00:00:05Z","window_end":"1970-01-01T00:00:15Z","n":1`),
			line("1970-01-01T00:00:15Z", `"window_start":"1970-01-01T00:00:05Z","window_end":"1970-01-01T00:00:15Z","n":2`),
			line("1970-01-01T00:00:20Z", `"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":1`),
			line("1970-01-01T00:00:20Z", `"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":2`),
			line("1970-01-01T00:00:20Z", `"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":3`),
			// end of input: [15,25) holds 17, 21, 18; [20,30) holds 21.
			line("1970-01-01T00:00:25Z", `"window_start":"1970-01-01T00:00:15Z","window_end":"1970-01-01T00:00:25Z","n":3`),
			line("1970-01-01T00:00:30Z", `"window_start":"1970-01-01T00:00:20Z","window_end":"1970-01-01T00:00:30Z","n":1`),
		},
		late: 1,
	}.check(t)

	// An empty window still within the bound: the late event creates it,
	// and its result is emitted at once.
	runCase{
		name: "empty due window within the bound",
		cfg: Config{
			AllowedLateness: 10 * sec,
			Window:          Window{Kind: Tumbling, Size: 10 * sec},
			Aggs:            []Agg{{Alias: "n", Fn: "count"}},
		},
		input: []Input{at(15), at(4)},
		want: []string{
			line("1970-01-01T00:00:10Z", `"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:20Z", `"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":1`),
		},
	}.check(t)
}

// TestNegativeTime: windows are epoch-aligned with floor division, and
// sliding windows exist for negative j (§11.6).
func TestNegativeTime(t *testing.T) {
	runCase{
		name: "sliding window before the epoch",
		cfg: Config{
			Window: Window{Kind: Sliding, Size: 10 * sec, Slide: 5 * sec},
			Aggs:   []Agg{{Alias: "n", Fn: "count"}},
		},
		input: []Input{at(1)},
		want: []string{
			line("1970-01-01T00:00:05Z", `"window_start":"1969-12-31T23:59:55Z","window_end":"1970-01-01T00:00:05Z","n":1`),
			line("1970-01-01T00:00:10Z", `"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
		},
	}.check(t)
	runCase{
		name: "tumbling window before the epoch",
		cfg: Config{
			OutOfOrder: 20 * sec,
			Window:     Window{Kind: Tumbling, Size: 10 * sec},
			Aggs:       []Agg{{Alias: "n", Fn: "count"}},
		},
		input: []Input{at(-1), at(-10), at(-10.5)},
		want: []string{
			line("1969-12-31T23:59:50Z", `"window_start":"1969-12-31T23:59:40Z","window_end":"1969-12-31T23:59:50Z","n":1`),
			line("1970-01-01T00:00:00Z", `"window_start":"1969-12-31T23:59:50Z","window_end":"1970-01-01T00:00:00Z","n":2`),
		},
	}.check(t)
}

// TestSessions covers late events (§11.10, reading 4) and merging.
func TestSessions(t *testing.T) {
	runCase{
		name: "late events and sessions",
		cfg: Config{
			Window: Window{Kind: Session, Size: 10 * sec},
			Aggs:   []Agg{{Alias: "n", Fn: "count"}, {Alias: "f", Fn: "first", Field: "v"}},
		},
		input: []Input{
			at(0, "v", 1),
			at(30, "v", 2), // W = 30: [0] released (30 > 10)
			at(5, "v", 3),  // late, only within the released [0]: dropped
			at(25, "v", 4), // late, within g of the open [30]: joins
			at(14, "v", 5), // late, near no session, its own would be due (30 > 24): dropped
			at(22, "v", 6), // late, joins [25, 30]
		},
		want: []string{
			line("1970-01-01T00:00:10Z", `"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1,"f":1`),
			line("1970-01-01T00:00:40Z", `"window_start":"1970-01-01T00:00:22Z","window_end":"1970-01-01T00:00:40Z","n":3,"f":2`),
		},
		late: 2,
	}.check(t)
	runCase{
		name: "an event bridging two sessions merges them",
		cfg: Config{
			OutOfOrder: 20 * sec,
			Window:     Window{Kind: Session, Size: 10 * sec},
			Aggs:       []Agg{{Alias: "n", Fn: "count"}, {Alias: "f", Fn: "first", Field: "v"}, {Alias: "l", Fn: "last", Field: "v"}},
		},
		input: []Input{
			at(0, "v", 1),
			at(25, "v", 2), // W = 5; a new session
			at(12, "v", 3), // not late; 12 > 0+10 and 12 < 25−10: a new session
			at(15, "v", 4), // within g of [12] and of [25]: merges them
			at(18, "v", 5), // late? W = 5: no; joins
		},
		want: []string{
			line("1970-01-01T00:00:10Z", `"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1,"f":1,"l":1`),
			line("1970-01-01T00:00:35Z", `"window_start":"1970-01-01T00:00:12Z","window_end":"1970-01-01T00:00:35Z","n":4,"f":2,"l":5`),
		},
	}.check(t)
}

// TestCountWindows: per-key count windows, partial ones discarded; sliding
// count windows with k > n; late events are processed normally.
func TestCountWindows(t *testing.T) {
	runCase{
		name: "count per key",
		cfg: Config{
			PartitionBy: []string{"k"},
			Window:      Window{Kind: Count, Size: 2},
			Aggs:        []Agg{{Alias: "s", Fn: "sum", Field: "v"}},
		},
		input: []Input{at(5, "k", "b", "v", 1), at(1, "k", "a", "v", 2), at(3, "k", "b", "v", 3), at(2, "k", "a", "v", 4), at(9, "k", "a", "v", 5)},
		want: []string{
			line("1970-01-01T00:00:03Z", `"k":"b","window_start":"1970-01-01T00:00:05Z","window_end":"1970-01-01T00:00:03Z","s":4`),
			line("1970-01-01T00:00:02Z", `"k":"a","window_start":"1970-01-01T00:00:01Z","window_end":"1970-01-01T00:00:02Z","s":6`),
		},
	}.check(t)
	var input []Input
	for i := 1; i <= 8; i++ {
		input = append(input, at(float64(i), "v", i))
	}
	runCase{
		name: "sliding count, k > n",
		cfg: Config{
			Window: Window{Kind: SlidingCount, Size: 2, Slide: 3},
			Aggs:   []Agg{{Alias: "s", Fn: "sum", Field: "v"}},
		},
		input: input,
		want: []string{
			line("1970-01-01T00:00:02Z", `"window_start":"1970-01-01T00:00:01Z","window_end":"1970-01-01T00:00:02Z","s":3`),
			line("1970-01-01T00:00:05Z", `"window_start":"1970-01-01T00:00:04Z","window_end":"1970-01-01T00:00:05Z","s":9`),
			line("1970-01-01T00:00:08Z", `"window_start":"1970-01-01T00:00:07Z","window_end":"1970-01-01T00:00:08Z","s":15`),
		},
	}.check(t)
}

// TestRunningAggregate: no window; one output per event, key shown as
// first seen, 1 and 1.0 one key, missing key field is the null key.
func TestRunningAggregate(t *testing.T) {
	runCase{
		name: "running aggregate",
		cfg: Config{
			PartitionBy: []string{"k"},
			Aggs:        []Agg{{Alias: "n", Fn: "count"}, {Alias: "s", Fn: "sum", Field: "v"}},
		},
		input: []Input{at(3, "k", 1.0, "v", 1), at(1, "k", 1, "v", 2.5), at(2, "v", 7), at(4, "k", nil, "v", nil)},
		want: []string{
			line("1970-01-01T00:00:03Z", `"k":1.0,"n":1,"s":1`),
			line("1970-01-01T00:00:01Z", `"k":1.0,"n":2,"s":3.5`),
			line("1970-01-01T00:00:02Z", `"k":null,"n":1,"s":7`),
			line("1970-01-01T00:00:04Z", `"k":null,"n":2,"s":7`),
		},
	}.check(t)
}

// TestKeyOrder: watermark firings with equal due times come in key order
// null < false < true < numbers < strings, multi-field keys field by field.
func TestKeyOrder(t *testing.T) {
	runCase{
		name: "key order",
		cfg: Config{
			PartitionBy: []string{"k", "j"},
			Window:      Window{Kind: Tumbling, Size: 10 * sec},
			Aggs:        []Agg{{Alias: "n", Fn: "count"}},
		},
		input: []Input{
			at(1, "k", "a", "j", 2), at(1, "k", "a", "j", 1), at(1, "k", 2.5), at(1, "k", 1, "j", "x"),
			at(1, "k", true), at(1, "k", false), at(1, "j", 0), at(1), at(1, "k", 1.0, "j", "x"),
		},
		want: []string{
			line("1970-01-01T00:00:10Z", `"k":null,"j":null,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:10Z", `"k":null,"j":0,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:10Z", `"k":false,"j":null,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:10Z", `"k":true,"j":null,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:10Z", `"k":1,"j":"x","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":2`),
			line("1970-01-01T00:00:10Z", `"k":2.5,"j":null,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:10Z", `"k":"a","j":1,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
			line("1970-01-01T00:00:10Z", `"k":"a","j":2,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1`),
		},
	}.check(t)
}

// TestAggregates checks each function of §4.4 on one count window.
func TestAggregates(t *testing.T) {
	const big = int64(1) << 62
	aggs := []Agg{
		{Alias: "n", Fn: "count"},
		{Alias: "nv", Fn: "count", Field: "v"},
		{Alias: "d", Fn: "count_distinct", Field: "v"},
		{Alias: "s", Fn: "sum", Field: "v"},
		{Alias: "a", Fn: "avg", Field: "v"},
		{Alias: "lo", Fn: "min", Field: "v"},
		{Alias: "hi", Fn: "max", Field: "v"},
		{Alias: "sd", Fn: "stddev", Field: "v"},
		{Alias: "f", Fn: "first", Field: "v"},
		{Alias: "l", Fn: "last", Field: "v"},
		{Alias: "e", Fn: "ema", Field: "v", Period: 3},
		{Alias: "none", Fn: "sum", Field: "nope"},
		{Alias: "dn", Fn: "count_distinct", Field: "nope"},
	}
	cases := []struct {
		name   string
		values []any // nil: null; "missing": no field
		want   string
	}{
		{
			// ema: α = 0.5, 1 → 0.5·3 + 0.5·1 = 2 → 0.5·2 + 0.5·2 = 2.
			name:   "ints with nulls",
			values: []any{"missing", 1, nil, 3, 2, 2.0},
			want:   `"n":6,"nv":4,"d":3,"s":8.0,"a":2.0,"lo":1,"hi":3,"sd":0.816496580927726,"f":null,"l":2.0,"e":2.0,"none":null,"dn":0`,
		},
		{
			// 2^62 + 2^62 overflows on the way but the total fits. The
			// float sum loses the 2s (ulp 1024 at 2^62): avg = 2^62/5.
			// ema (α = 0.5): 2^62, 2^62, 0, 1, 1.5.
			name:   "exact int sum",
			values: []any{big, big, -big, 2, 2},
			want:   `"n":5,"nv":5,"d":3,"s":4611686018427387908,"a":922337203685477600.0,"lo":-4611686018427387904,"hi":4611686018427387904,"sd":3858413346544283600.0,"f":4611686018427387904,"l":2,"e":1.5,"none":null,"dn":0`,
		},
		{
			name:   "int sum overflow",
			values: []any{big, big},
			want:   `"n":2,"nv":2,"d":1,"s":null,"a":4611686018427388000.0,"lo":4611686018427387904,"hi":4611686018427387904,"sd":0.0,"f":4611686018427387904,"l":4611686018427387904,"e":4611686018427388000.0,"none":null,"dn":0`,
		},
		{
			// Ties keep the first: max over 2.0, 2 is 2.0; min over 1, 1.0 is 1.
			name:   "ties keep kind of the first",
			values: []any{2.0, 1, 2, 1.0},
			want:   `"n":4,"nv":4,"d":2,"s":6.0,"a":1.5,"lo":1,"hi":2.0,"sd":0.5773502691896257,"f":2.0,"l":1.0,"e":1.375,"none":null,"dn":0`,
		},
		{
			name:   "all null",
			values: []any{nil, "missing", nil, nil},
			want:   `"n":4,"nv":0,"d":0,"s":null,"a":null,"lo":null,"hi":null,"sd":null,"f":null,"l":null,"e":null,"none":null,"dn":0`,
		},
	}
	for _, c := range cases {
		var input []Input
		for i, v := range c.values {
			if v == "missing" {
				input = append(input, at(float64(i)))
			} else {
				input = append(input, at(float64(i), "v", v))
			}
		}
		last := len(input) - 1
		runCase{
			name:  c.name,
			cfg:   Config{Window: Window{Kind: Count, Size: int64(len(input))}, Aggs: aggs},
			input: input,
			want: []string{line(string(event.AppendTimestamp(nil, input[last].TS)),
				`"window_start":"1970-01-01T00:00:00Z","window_end":"`+string(event.AppendTimestamp(nil, input[last].TS))+`",`+c.want)},
		}.check(t)
	}
}

// TestHaving: results whose having predicate is not exactly true are
// dropped; a null result is dropped.
func TestHaving(t *testing.T) {
	runCase{
		name: "having",
		cfg: Config{
			PartitionBy: []string{"k"},
			Window:      Window{Kind: Tumbling, Size: 10 * sec},
			Aggs:        []Agg{{Alias: "n", Fn: "count"}, {Alias: "s", Fn: "sum", Field: "v"}},
			Having:      &Having{Alias: "s", Op: ">=", Value: event.Float(2.5)},
		},
		input: []Input{at(1, "k", "a", "v", 2), at(2, "k", "b", "v", 3), at(3, "k", "c"), at(4, "k", "a", "v", 1)},
		want: []string{
			line("1970-01-01T00:00:10Z", `"k":"a","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":2,"s":3`),
			line("1970-01-01T00:00:10Z", `"k":"b","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1,"s":3`),
		},
	}.check(t)
}

// TestVPL pins the rendering of a configuration.
func TestVPL(t *testing.T) {
	cfg := Config{
		PartitionBy:     []string{"k"},
		OutOfOrder:      5 * sec,
		AllowedLateness: 10 * sec,
		Window:          Window{Kind: Sliding, Size: 60 * sec, Slide: 10 * sec},
		Aggs:            []Agg{{Alias: "n", Fn: "count"}, {Alias: "s", Fn: "sum", Field: "v"}, {Alias: "e", Fn: "ema", Field: "v", Period: 4}},
		Having:          &Having{Alias: "n", Op: ">=", Value: event.Int(2)},
	}
	want := `stream S = T.partition_by(k).watermark(out_of_order: 5s).allowed_lateness(10s).window(1m, sliding: 10s).aggregate(n: count(), s: sum(v), e: ema(v, 4)).having(n >= 2).emit()`
	if got := cfg.VPL("S"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	cfg = Config{Window: Window{Kind: Session, Size: 90 * sec}, AllowedLateness: sec, Aggs: []Agg{{Alias: "x", Fn: "count_distinct", Field: "v"}},
		Having: &Having{Alias: "x", Op: "!=", Value: event.Float(-1)}}
	want = `stream Q = T.window(session: 90s).aggregate(x: count_distinct(v)).having(x != -1.0).emit()`
	if got := cfg.VPL("Q"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestEvt pins the .evt rendering.
func TestEvt(t *testing.T) {
	got := Evt([]Input{at(1.5, "k", "a\"b", "v", 2.0, "w", nil), at(0), at(3, "v", -3, "b", true)})
	want := "@1500ms T { k: \"a\\\"b\", v: 2.0, w: null }\n@0ms T {}\n@3000ms T { v: -3, b: true }\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestLateCounting covers readings 3 and 5: a late event in a gap between
// hopping windows counts as late, a non-late one does not; a dropped late
// event still fixes the value shown for its key.
func TestLateCounting(t *testing.T) {
	runCase{
		name: "gaps between hopping windows",
		cfg: Config{
			Window: Window{Kind: Sliding, Size: 2 * sec, Slide: 5 * sec},
			Aggs:   []Agg{{Alias: "n", Fn: "count"}},
		},
		input: []Input{
			at(9),  // W = 9; in no window ([5,7) and [10,12) miss it), not late
			at(3),  // late, in no window: counted
			at(10), // not late: [10,12)
			at(13), // W = 13: [10,12) fires; in no window, not late: not counted
		},
		want: []string{
			line("1970-01-01T00:00:12Z", `"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:12Z","n":1`),
		},
		late: 1,
	}.check(t)
	runCase{
		name: "a dropped late event fixes its key's value",
		cfg: Config{
			PartitionBy: []string{"k"},
			Window:      Window{Kind: Tumbling, Size: 10 * sec},
			Aggs:        []Agg{{Alias: "n", Fn: "count"}},
		},
		input: []Input{at(15, "k", "a"), at(3, "k", 1.0), at(16, "k", 1)},
		want: []string{
			line("1970-01-01T00:00:20Z", `"k":1.0,"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":1`),
			line("1970-01-01T00:00:20Z", `"k":"a","window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":1`),
		},
		late: 1,
	}.check(t)
}
