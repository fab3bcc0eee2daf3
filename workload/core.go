package workload

import (
	"fmt"
	"runtime"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/vpl"
)

// Result is one measured run.
type Result struct {
	Events  int64
	Outputs int64
	Elapsed time.Duration
	Allocs  uint64 // heap allocations during the run
	// Runs and RunBytes are the pattern streams' active partial matches at
	// the end of the input, before it is finished, and the memory they
	// hold (exec.PatternState); counting them is not timed.
	Runs, RunBytes int64
}

// countSink counts outputs.
type countSink struct{ n int64 }

func (s *countSink) Emit(o *exec.Output) error { s.n += int64(o.Len()); return nil }

// Plan parses, checks and lowers a workload's VPL program.
func Plan(src string) (*planner.Plan, error) {
	prog, diags := vpl.ParseFile("workload.vpl", []byte(src), nil)
	if !vpl.HasErrors(diags) {
		diags = append(diags, vpl.Check(prog)...)
	}
	if vpl.HasErrors(diags) {
		return nil, fmt.Errorf("workload program: %s", vpl.Format(diags, []string{"workload.vpl"}))
	}
	return planner.LowerVPL(prog)
}

// W1Batches builds n W1 events as Arrow batches.
func W1Batches(n int, seed uint64) []event.Batch {
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	syms := make([]string, W1Symbols)
	for i := range syms {
		syms[i] = fmt.Sprintf("S%d", i)
	}
	fields := make([]event.Field, 3)
	W1(n, seed, func(t StockTick) {
		fields[0] = event.Field{Name: "symbol", Value: event.String(syms[t.Symbol])}
		fields[1] = event.Field{Name: "price", Value: event.Float(t.Price)}
		fields[2] = event.Field{Name: "volume", Value: event.Int(t.Volume)}
		bb.AppendFields("StockTick", t.TS, fields, 0)
	})
	return bb.Flush()
}

// RunCore feeds pre-built batches to a fresh runtime of plan and counts
// the outputs: the core level of BENCHMARKS.md.
func RunCore(plan *planner.Plan, batches []event.Batch) (Result, error) {
	sink := &countSink{}
	rt, err := exec.New(plan, exec.Options{Sink: sink})
	if err != nil {
		return Result{}, err
	}
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	var base int64
	for _, b := range batches {
		if err := rt.Process(b, base); err != nil {
			return Result{}, err
		}
		base += int64(b.Len())
	}
	el := time.Since(start)
	var runs, runBytes int64
	for _, st := range rt.PatternStates() {
		runs, runBytes = runs+st.Runs, runBytes+st.Bytes
	}
	start = time.Now()
	if err := rt.Finish(); err != nil {
		return Result{}, err
	}
	el += time.Since(start)
	runtime.ReadMemStats(&ms1)
	return Result{Events: base, Outputs: sink.n, Elapsed: el, Allocs: ms1.Mallocs - ms0.Mallocs, Runs: runs, RunBytes: runBytes}, nil
}
