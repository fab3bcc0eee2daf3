package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/workload"
)

// benchRow is one line of the table of BENCHMARKS.md.
type benchRow struct {
	workload, level string
	events, outputs int64
	elapsed         time.Duration
	allocsPerEvent  float64
	peakRSSBytes    int64
	semantics       string
	// runs and runBytes: a pattern's active partial matches at the end of
	// the input and their memory (core level).
	runs, runBytes int64
}

func (r benchRow) markdown() string {
	rate := float64(r.events) / r.elapsed.Seconds()
	allocs := "-" // not measured across a process boundary
	if r.allocsPerEvent >= 0 {
		allocs = fmt.Sprintf("%.4f", r.allocsPerEvent)
	}
	what := r.semantics
	if r.runs > 0 {
		what += fmt.Sprintf("; %d active partial matches at the end, %d bytes each", r.runs, r.runBytes/r.runs)
	}
	return fmt.Sprintf("| %s | %s | %d | %d | %s | %.2f | %s | %s |",
		r.workload+" ("+what+")", r.level, r.events, r.outputs, humanRate(rate),
		float64(r.elapsed.Nanoseconds())/float64(r.events), allocs, humanBytes(r.peakRSSBytes))
}

func humanRate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.1fM", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.1fK", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

func humanBytes(b int64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func newBenchRunCmd() *cobra.Command {
	var (
		events, runs int
		seed         uint64
		only         string
	)
	c := &cobra.Command{
		Use:   "run",
		Short: "Run the benchmark workloads and print the table of BENCHMARKS.md",
		Long: "run measures each workload at core level (pre-built Arrow batches into the operator tree,\n" +
			"outputs counted, in this process with GOMAXPROCS=1) and end to end (a generated file through\n" +
			"`varpulis simulate` with output discarded, in a child process with GOMAXPROCS=1): one warm-up,\n" +
			"then the median of --runs runs.",
		Example: "  varpulis bench run --events 2000000",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			progress := cmd.ErrOrStderr()
			fmt.Fprintln(out, "| workload | level | events | outputs | events/s | ns/event | allocs/event | peak RSS |")
			fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|")
			for _, wl := range benchWorkloads {
				if only != "" && !strings.EqualFold(only, wl.name) {
					continue
				}
				fmt.Fprintf(progress, "bench: %s core\n", wl.name)
				row, err := benchCore(wl, events, seed, runs)
				if err != nil {
					return err
				}
				fmt.Fprintln(out, row.markdown())
				if wl.write == nil {
					continue // no VPL text: core only
				}
				fmt.Fprintf(progress, "bench: %s e2e\n", wl.name)
				row, err = benchE2E(wl, events, seed, runs)
				if err != nil {
					return err
				}
				fmt.Fprintln(out, row.markdown())
			}
			return nil
		},
	}
	c.Flags().IntVar(&events, "events", 2_000_000, "events per run")
	c.Flags().IntVar(&runs, "runs", 3, "measured runs (the median is reported)")
	c.Flags().Uint64Var(&seed, "seed", 1, "generator seed")
	c.Flags().StringVar(&only, "workload", "", "run only this workload")
	return c
}

func median(rows []benchRow) benchRow {
	slices.SortFunc(rows, func(a, b benchRow) int { return int(a.elapsed - b.elapsed) })
	return rows[len(rows)/2]
}

// benchWorkload is one workload of BENCHMARKS.md as `bench run` measures it.
type benchWorkload struct {
	name, program, semantics string
	batches                  func(n int, seed uint64) []event.Batch
	// write makes the end-to-end input; nil: the workload is measured at
	// core level only (its plan has no VPL text for simulate).
	write func(w io.Writer, n int, seed uint64) error
	// plan, when set, plans the workload instead of program.
	plan func() (*planner.Plan, error)
}

var benchWorkloads = []benchWorkload{
	{"W1", workload.W1Program, "where price > 50 and > 99, emit 2 fields", workload.W1Batches,
		func(w io.Writer, n int, seed uint64) error { return workload.WriteW1(w, n, seed, "evt") }, nil},
	{"W2a", workload.W2aProgram, "count window 100 per symbol, vwap", workload.W2Batches, workload.WriteW2, nil},
	{"W2b", workload.W2bProgram, "1 min sliding 1 s per symbol, avg", workload.W2Batches, workload.WriteW2, nil},
	{"W3", workload.W3Program(3, ""), "k = 3, policy next, within 100ms", w3Batches(3),
		func(w io.Writer, n int, seed uint64) error { return workload.WriteW3(w, n, 3, seed) }, nil},
	{"W3any", workload.W3Program(3, "any"), "k = 3, policy any, within 100ms", w3Batches(3),
		func(w io.Writer, n int, seed uint64) error { return workload.WriteW3(w, n, 3, seed) }, nil},
	{"W4", workload.W4Program, "A -> all B -> C within 100ms, policy next", w3Batches(3),
		func(w io.Writer, n int, seed uint64) error { return workload.WriteW3(w, n, 3, seed) }, nil},
	{"W4rise", workload.W4RisingProgram, "rising runs per symbol, within 60s, 100 symbols, policy next",
		workload.W4WalkBatches, workload.WriteW4Walk, nil},
	{"W4riseRows", "", "W4rise as MATCH_RECOGNIZE PATTERN (a r+ d), greedy, skip past last row: a row pattern",
		workload.W4WalkBatches, nil, workload.W4RisingRowsPlan},
	{"W5", workload.W5Program, "login/logout with trailing not(error) within 5m (an absence), 1% errors",
		func(n int, seed uint64) []event.Batch { return workload.W5Batches(n, 0.01, seed) },
		func(w io.Writer, n int, seed uint64) error { return workload.WriteW5(w, n, 0.01, seed) }, nil},
	{"W5err10", workload.W5Program, "as W5, 10% errors",
		func(n int, seed uint64) []event.Batch { return workload.W5Batches(n, 0.1, seed) },
		func(w io.Writer, n int, seed uint64) error { return workload.WriteW5(w, n, 0.1, seed) }, nil},
	{"W5abs", workload.W5AbsenceProgram, "orders not paid within 15m (an absence), 90% paid within 0-20m",
		workload.W5OrdersBatches, workload.WriteW5Orders, nil},
}

func w3Batches(k int) func(n int, seed uint64) []event.Batch {
	return func(n int, seed uint64) []event.Batch { return workload.W3Batches(n, k, seed) }
}

func benchCore(wl benchWorkload, n int, seed uint64, runs int) (benchRow, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	batches := wl.batches(n, seed)
	var rows []benchRow
	planOf := wl.plan
	if planOf == nil {
		planOf = func() (*planner.Plan, error) { return workload.Plan(wl.program) }
	}
	for i := 0; i <= runs; i++ {
		plan, err := planOf()
		if err != nil {
			return benchRow{}, err
		}
		r, err := workload.RunCore(plan, batches)
		if err != nil {
			return benchRow{}, err
		}
		if i == 0 {
			continue // warm-up
		}
		rows = append(rows, benchRow{workload: wl.name, level: "core", events: r.Events, outputs: r.Outputs,
			elapsed: r.Elapsed, allocsPerEvent: float64(r.Allocs) / float64(r.Events), peakRSSBytes: selfMaxRSS(),
			semantics: wl.semantics, runs: r.Runs, runBytes: r.RunBytes})
	}
	return median(rows), nil
}

// benchE2E generates the workload's input file and times `varpulis
// simulate` on it in a child process.
func benchE2E(wl benchWorkload, n int, seed uint64, runs int) (benchRow, error) {
	dir, err := os.MkdirTemp("", "varpulis-bench-")
	if err != nil {
		return benchRow{}, err
	}
	defer os.RemoveAll(dir)
	prog := filepath.Join(dir, "program.vpl")
	if err := os.WriteFile(prog, []byte(wl.program), 0o644); err != nil {
		return benchRow{}, err
	}
	input := filepath.Join(dir, "input.evt")
	f, err := os.Create(input)
	if err != nil {
		return benchRow{}, err
	}
	if err := wl.write(f, n, seed); err != nil {
		f.Close()
		return benchRow{}, err
	}
	f.Close()
	self, err := os.Executable()
	if err != nil {
		return benchRow{}, err
	}
	var rows []benchRow
	for i := 0; i <= runs; i++ {
		c := exec.Command(self, "simulate", "-p", prog, "-e", input, "--output", "json")
		c.Env = append(os.Environ(), "GOMAXPROCS=1")
		// Straight to /dev/null: a pipe back to this process would
		// measure the pipe.
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return benchRow{}, err
		}
		c.Stdout = null
		var stderr strings.Builder
		c.Stderr = &stderr
		start := time.Now()
		err = c.Run()
		el := time.Since(start)
		null.Close()
		if err != nil {
			return benchRow{}, fmt.Errorf("simulate: %v: %s", err, stderr.String())
		}
		if i == 0 {
			continue
		}
		outputs := summaryField(stderr.String(), "outputs")
		var rss int64
		if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss * 1024
		}
		// The machine may be shared: the child's CPU time says what one
		// core does, whatever else runs.
		cpu := c.ProcessState.UserTime() + c.ProcessState.SystemTime()
		rows = append(rows, benchRow{workload: wl.name, level: "e2e", events: int64(n), outputs: outputs,
			elapsed: el, allocsPerEvent: -1, peakRSSBytes: rss,
			semantics: fmt.Sprintf("%s; .evt in, JSON out discarded; CPU %.0f ns/event", wl.semantics, float64(cpu.Nanoseconds())/float64(n))})
	}
	return median(rows), nil
}

// summaryField reads a number from simulate's summary line.
func summaryField(s, key string) int64 {
	i := strings.LastIndex(s, key+"=")
	if i < 0 {
		return -1
	}
	rest := s[i+len(key)+1:]
	end := strings.IndexAny(rest, " \n")
	if end < 0 {
		end = len(rest)
	}
	n, _ := strconv.ParseInt(rest[:end], 10, 64)
	return n
}

func selfMaxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}
