package rowmatch

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// benchRows are row kinds: 0 satisfies a, 1 b, 2 c, 3 nothing.
func benchRows(n int) []uint8 {
	r := rand.New(rand.NewPCG(1, 2))
	rows := make([]uint8, n)
	for i := range rows {
		switch x := r.IntN(100); {
		case x < 10:
			rows[i] = 0
		case x < 70:
			rows[i] = 1
		case x < 80:
			rows[i] = 2
		default:
			rows[i] = 3
		}
	}
	return rows
}

type benchCase struct {
	name    string
	pattern string
	cfg     Config
	history bool // DEFINE reads the partial match
}

var benchCases = []benchCase{
	{name: "a_b+_c/rowonly", pattern: "a b+ c"},
	{name: "a_b+_c/rowonly/within", pattern: "a b+ c", cfg: Config{Within: 50}},
	{name: "a_b*?_c/rowonly/nextrow", pattern: "a b*? c", cfg: Config{Skip: rowpattern.Skip{Mode: rowpattern.SkipToNextRow}}},
	{name: "a_b{2,5}_c/history/within/timeouts", pattern: "a b{2,5} c", cfg: Config{Within: 50, TimeoutRows: true}, history: true},
	{name: "a_(b|c)*_c/history/within", pattern: "a (b | c)* c", cfg: Config{Within: 20}, history: true},
}

func benchProgram(tb testing.TB, bc benchCase, rows []uint8) *Program {
	n, err := rowpattern.Parse(bc.pattern)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := rowpattern.Compile(n)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := bc.cfg
	cfg.Automaton = a
	cfg.RowOnly = !bc.history
	if bc.history {
		cfg.Define = func(v int, row int64, p *Partial) bool {
			// b at most 8 times in a match: reads the partial match.
			return int(rows[row]) == v && (v != 1 || p.Count(1) < 8)
		}
	} else {
		cfg.Define = func(v int, row int64, p *Partial) bool { return int(rows[row]) == v }
	}
	prog, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return prog
}

// BenchmarkMatch pushes 1M rows (ts = row number, in ns) through a
// matcher of a 3-variable pattern per iteration and reports the time,
// allocations and matches per row.
func BenchmarkMatch(b *testing.B) {
	const n = 1 << 20
	rows := benchRows(n)
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			prog := benchProgram(b, bc, rows)
			out := make([]Match, 0, 64)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			mallocs := ms.Mallocs
			matches, iters := 0, 0
			for b.Loop() {
				m := prog.NewMatcher()
				for i := range n {
					var err error
					if out, err = m.Push(int64(i), out[:0]); err != nil {
						b.Fatal(err)
					}
					matches += len(out)
				}
				matches += len(m.Flush(out[:0]))
				iters++
			}
			runtime.ReadMemStats(&ms)
			rowsDone := float64(iters) * n
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rowsDone, "ns/row")
			b.ReportMetric(float64(ms.Mallocs-mallocs)/rowsDone, "allocs/row")
			b.ReportMetric(float64(matches)/rowsDone, "matches/row")
		})
	}
}

// TestSteadyStateAllocs checks that, once warmed up, pushing rows
// allocates nothing.
func TestSteadyStateAllocs(t *testing.T) {
	const n = 1 << 16
	rows := benchRows(n)
	for _, bc := range benchCases {
		prog := benchProgram(t, bc, rows)
		m := prog.NewMatcher()
		out := make([]Match, 0, 64)
		i := 0
		push := func() {
			for range 1000 {
				out, _ = m.Push(int64(i), out[:0])
				i++
			}
		}
		for range 20 {
			push()
		}
		if allocs := testing.AllocsPerRun(20, push); allocs > 0 {
			t.Errorf("%s: %.1f allocations per 1000 rows", bc.name, allocs)
		}
	}
}
