package workload

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

func BenchmarkW1Core(b *testing.B) {
	plan, err := Plan(W1Program)
	if err != nil {
		b.Fatal(err)
	}
	batches := W1Batches(1<<20, 1)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var events, outputs int64
	for i := 0; i < b.N; i++ {
		r, err := RunCore(plan, batches)
		if err != nil {
			b.Fatal(err)
		}
		events += r.Events
		outputs = r.Outputs
	}
	reportPerEvent(b, events, outputs, cpuTime()-cpu0)
}

// TestW1Deterministic pins the generator: the same seed gives the same
// events, and the query's output count on them is known.
func TestW1Deterministic(t *testing.T) {
	plan, err := Plan(W1Program)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := RunCore(plan, W1Batches(10000, 7))
	if err != nil {
		t.Fatal(err)
	}
	plan2, _ := Plan(W1Program)
	r2, err := RunCore(plan2, W1Batches(10000, 7))
	if err != nil {
		t.Fatal(err)
	}
	if r1.Outputs != r2.Outputs || r1.Events != 10000 {
		t.Fatalf("runs differ: %+v %+v", r1, r2)
	}
	// About half the prices exceed 50 and 1% exceed 99.
	if r1.Outputs < 4800 || r1.Outputs > 5400 {
		t.Fatalf("unexpected output count %d", r1.Outputs)
	}
}

func benchCore(b *testing.B, program string, batches func() []event.Batch) {
	benchCorePlan(b, func() (*planner.Plan, error) { return Plan(program) }, batches)
}

// benchCorePlan is benchCore for a plan that plan builds.
func benchCorePlan(b *testing.B, plan func() (*planner.Plan, error), batches func() []event.Batch) {
	if _, err := plan(); err != nil {
		b.Fatal(err)
	}
	bs := batches()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var events, outputs int64
	for i := 0; i < b.N; i++ {
		p, _ := plan()
		r, err := RunCore(p, bs)
		if err != nil {
			b.Fatal(err)
		}
		events += r.Events
		outputs = r.Outputs
	}
	reportPerEvent(b, events, outputs, cpuTime()-cpu0)
}

func BenchmarkW2aCore(b *testing.B) {
	benchCore(b, W2aProgram, func() []event.Batch { return W2Batches(1<<20, 1) })
}

func BenchmarkW2bCore(b *testing.B) {
	benchCore(b, W2bProgram, func() []event.Batch { return W2Batches(1<<18, 1) })
}

// cpuTime is the process's user and system CPU time. On a machine shared
// with other work, CPU time per event is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportPerEvent(b *testing.B, events, outputs int64, cpu time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
	b.ReportMetric(float64(outputs), "outputs")
}

func BenchmarkW3Core(b *testing.B) {
	for _, k := range []int{3, 5, 7, 9} {
		for _, pol := range []string{"", "any"} {
			name := fmt.Sprintf("k=%d/policy=%s", k, map[string]string{"": "next", "any": "any"}[pol])
			b.Run(name, func(b *testing.B) {
				benchCore(b, W3Program(k, pol), func() []event.Batch { return W3Batches(1<<17, k, 1) })
			})
		}
	}
}

func BenchmarkW4Core(b *testing.B) {
	benchCore(b, W4Program, func() []event.Batch { return W3Batches(1<<17, 3, 1) })
}

// BenchmarkW4RiseRowsCore is W4's rising runs written as a
// MATCH_RECOGNIZE with greedy quantifiers, which runs as a row pattern.
func BenchmarkW4RiseRowsCore(b *testing.B) {
	benchCorePlan(b, W4RisingRowsPlan, func() []event.Batch { return W4WalkBatches(1<<19, 1) })
}

// BenchmarkW4RiseCore is W4's rising runs over a per-symbol random walk.
func BenchmarkW4RiseCore(b *testing.B) {
	benchCore(b, W4RisingProgram, func() []event.Batch { return W4WalkBatches(1<<19, 1) })
}

// BenchmarkW5AbsenceCore is W5's unpaid orders (an absence of 15 minutes).
func BenchmarkW5AbsenceCore(b *testing.B) {
	benchCore(b, W5AbsenceProgram, func() []event.Batch { return W5OrdersBatches(1<<21, 1) })
}

// BenchmarkW5Core is W5's login/logout query. Its runs wait five minutes,
// 300,000 events: the input is long enough for most of it to run with the
// state full, as make bench's does.
func BenchmarkW5Core(b *testing.B) {
	benchCore(b, W5Program, func() []event.Batch { return W5Batches(1<<21, 0.01, 1) })
}

// BenchmarkPatternNoMatch runs a pattern whose first step no event
// satisfies over W3 input: no run ever starts or changes, so nothing may be
// allocated per event (BENCHMARKS.md, issue of the pattern operator).
func BenchmarkPatternNoMatch(b *testing.B) {
	const program = "stream None = T1 as a .where(id < 0) -> T2 as b -> T3 as c .within(100ms) .emit(x: a.id)\n"
	benchCore(b, program, func() []event.Batch { return W3Batches(1<<20, 3, 1) })
}
