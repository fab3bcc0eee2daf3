package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/errors"
	"github.com/spf13/cobra"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec"
)

// outputSink writes output events in JSON or text form.
type outputSink struct {
	w     *bufio.Writer
	json  bool
	buf   []byte
	count int64
	flush bool // flush after every delivery (live output)
}

func (s *outputSink) Emit(o *exec.Output) error {
	for i := 0; i < o.Len(); i++ {
		if s.json {
			s.buf = o.AppendJSON(s.buf[:0], i)
		} else {
			s.buf = o.AppendText(s.buf[:0], i)
		}
		s.buf = append(s.buf, '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
	}
	s.count += int64(o.Len())
	if s.flush {
		return s.w.Flush()
	}
	return nil
}

// limitFlags parses repeated --limit name=n settings (VPL.md §4.7).
func limitFlags(settings []string) (exec.Limits, error) {
	l := exec.DefaultLimits
	for _, s := range settings {
		name, val, ok := strings.Cut(s, "=")
		n, err := strconv.Atoi(val)
		if !ok || err != nil || n < 0 {
			return l, errors.WithHint(errors.Newf("invalid --limit %q", s), "write --limit name=n with a non-negative integer n")
		}
		switch name {
		case "max_runs":
			l.MaxRuns = n
		case "max_kleene":
			l.MaxKleene = n
		case "max_matches":
			l.MaxMatches = n
		case "max_join_buffer":
			l.MaxJoinBuffer = n
		case "max_distinct_keys":
			l.MaxDistinctKeys = n
		default:
			return l, errors.WithHint(errors.Newf("unknown limit %q", name),
				"limits are max_runs, max_kleene, max_matches, max_join_buffer and max_distinct_keys")
		}
	}
	return l, nil
}

func newSimulateCmd() *cobra.Command {
	var (
		program, events, output string
		limits                  []string
		verbose, quiet          bool
		immediate, preload      bool
		workers                 int
	)
	c := &cobra.Command{
		Use:   "simulate -p PROGRAM -e EVENTS",
		Short: "Run a VPL program over an event file and print its outputs",
		Long: "simulate checks the program, reads the events (.jsonl/.ndjson as JSON lines, .csv as CSV,\n" +
			"anything else as .evt), processes them in file order and writes the output events, and\n" +
			"nothing else, to stdout. Rejections, .print/.log lines and warnings go to stderr, followed\n" +
			"by a summary line unless -q. Exit code 1 on program errors, 2 on unreadable input.",
		Example: "  varpulis simulate -p examples/fraud/program.vpl -e examples/fraud/events.evt --output json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return &exitError{code: 2, msg: "error: --output must be text or json"}
			}
			lim, err := limitFlags(limits)
			if err != nil {
				return &exitError{code: 2, msg: "error: " + err.Error()}
			}
			src, err := os.ReadFile(program)
			if err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", program, err)}
			}
			stderr := cmd.ErrOrStderr()
			l, ok := loadProgram(program, src, stderr)
			if !ok {
				return &exitError{code: 1}
			}
			f, err := os.Open(events)
			if err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", events, err)}
			}
			defer f.Close()
			stdout := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			sink := &outputSink{w: stdout, json: output == "json"}
			diag := bufio.NewWriter(stderr)
			defer diag.Flush()
			st, runErr := simulate(l, f, events, sink, diag, lim, verbose)
			if err := stdout.Flush(); err != nil && runErr == nil {
				runErr = err
			}
			if !quiet {
				fmt.Fprintf(diag, "simulate: events=%d rejected=%d late=%d outputs=%d\n", st.events, st.rejected, st.late, sink.count)
			}
			if st.elapsed > 0 && verbose && !quiet {
				fmt.Fprintf(diag, "simulate: %.0f events/s\n", float64(st.events)/st.elapsed.Seconds())
			}
			if runErr != nil {
				diag.Flush()
				return &exitError{code: 2, msg: runErr.Error()}
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVarP(&program, "program", "p", "", "VPL program file (required)")
	fl.StringVarP(&events, "events", "e", "", "event file: .evt, .jsonl/.ndjson or .csv (required)")
	fl.StringVar(&output, "output", "text", "output form: text or json")
	fl.StringArrayVar(&limits, "limit", nil, "resource limit name=n (repeatable): max_runs, max_kleene, max_matches, max_join_buffer, max_distinct_keys")
	fl.BoolVarP(&verbose, "verbose", "v", false, "also print every input event on stderr")
	fl.BoolVarP(&quiet, "quiet", "q", false, "do not print the summary line")
	fl.BoolVar(&immediate, "immediate", false, "accepted for compatibility; never changes results")
	fl.BoolVar(&preload, "preload", false, "accepted for compatibility; never changes results")
	fl.IntVarP(&workers, "workers", "w", 0, "accepted for compatibility; never changes results")
	_ = c.MarkFlagRequired("program")
	_ = c.MarkFlagRequired("events")
	return c
}

type simStats struct {
	events, rejected, late int64
	elapsed                time.Duration
}

// simulate feeds every batch of the input to a runtime.
func simulate(l *loaded, in io.Reader, name string, sink exec.Sink, diag *bufio.Writer, lim exec.Limits, verbose bool) (simStats, error) {
	var st simStats
	if os.Getenv("GOGC") == "" {
		// simulate's live heap is a few batches and the operator state:
		// collecting less often buys about a sixth of its time.
		debug.SetGCPercent(400)
	}
	rt, err := exec.New(l.plan, exec.Options{Sink: sink, Diag: diag, Limits: lim})
	if err != nil {
		return st, err
	}
	opts := event.ReaderOptions{
		EventTime: l.plan.EventTime,
		MixTypes:  true,
		KeyFields: l.plan.KeyFields(),
		Reject: func(r event.Rejection) {
			fmt.Fprintln(diag, r.String())
		},
	}
	rd := event.NewReader(in, name, opts)
	defer rd.Close()
	start := time.Now()
	var line []byte
	for {
		b, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			st.rejected = int64(rd.Rejected())
			st.late = rt.Late()
			return st, err
		}
		if verbose {
			for i := 0; i < b.Len(); i++ {
				ev := b.Event(i)
				line = event.AppendEvent(append(line[:0], "in "...), &ev, event.FormatText)
				diag.Write(append(line, '\n'))
			}
		}
		err = rt.Process(b, st.events)
		st.events += int64(b.Len())
		b.Rec.Release()
		if err != nil {
			return st, err
		}
	}
	err = rt.Finish()
	st.late = rt.Late()
	if err != nil {
		return st, err
	}
	st.rejected = int64(rd.Rejected())
	st.elapsed = time.Since(start)
	return st, nil
}
