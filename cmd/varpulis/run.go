package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/cockroachdb/errors"
	"github.com/spf13/cobra"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec"
	"github.com/varpulis/varpulis-go/metrics"
)

// wallClock is the clock of live runs; tests replace it.
var wallClock = func() int64 { return time.Now().UnixNano() }

// runTick is how often a live run looks at the clock when it has idle
// sources or runs on processing time.
const runTick = 20 * time.Millisecond

func newRunCmd() *cobra.Command {
	var (
		file, code, output string
		limits             []string
		processingTime     bool
		serveMetrics       bool
		metricsPort        int
		metricsBind        string
	)
	c := &cobra.Command{
		Use:   "run (--file F | --code SRC)",
		Short: "Run a VPL program live",
		Long: "run starts a VPL program. Without connectors it reads JSON-line events from standard input\n" +
			"(envelope {\"event_type\": ..., \"data\": {...}, \"timestamp\": ...}) and writes output events to\n" +
			"stdout as they are produced. Events without a time of their own get the ingest time.\n" +
			"With --processing-time every event gets the ingest time and the watermark follows the wall\n" +
			"clock, so windows close on time without more input. A stream's .watermark(idle: i) lets\n" +
			"event time advance with the wall clock while the input is silent for i.\n" +
			"With --metrics it serves Prometheus metrics at http://BIND:PORT/metrics while it runs.",
		Example: "  echo '{\"event_type\":\"Reading\",\"data\":{\"temp\":31}}' | varpulis run --code 'stream Hot = Reading.where(temp > 30).emit()'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (file == "") == (code == "") {
				return &exitError{code: 2, msg: "error: give exactly one of --file or --code"}
			}
			if output != "text" && output != "json" {
				return &exitError{code: 2, msg: "error: --output must be text or json"}
			}
			lim, err := limitFlags(limits)
			if err != nil {
				return &exitError{code: 2, msg: "error: " + err.Error()}
			}
			fl := cmd.Flags()
			if !serveMetrics && (fl.Changed("metrics-port") || fl.Changed("metrics-bind")) {
				return &exitError{code: 2, msg: "error: --metrics-port and --metrics-bind need --metrics"}
			}
			if metricsPort < 0 || metricsPort > 65535 {
				return &exitError{code: 2, msg: fmt.Sprintf("error: --metrics-port %d is not a port (0 to 65535)", metricsPort)}
			}
			name, src, err := readSource(file, code)
			if err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", name, err)}
			}
			stderr := cmd.ErrOrStderr()
			l, ok := loadProgram(name, src, stderr)
			if !ok {
				return &exitError{code: 1}
			}
			var m *metrics.Runtime
			if serveMetrics {
				m = metrics.NewRuntime(len(l.plan.Streams))
				srv, err := metrics.Listen(net.JoinHostPort(metricsBind, strconv.Itoa(metricsPort)), metrics.NewRegistry(m))
				if err != nil {
					return &exitError{code: 2, msg: "error: --metrics: " + err.Error()}
				}
				defer srv.Close()
				fmt.Fprintf(stderr, "metrics: listening on %s\n", srv.URL())
			}
			stdout := bufio.NewWriter(cmd.OutOrStdout())
			defer stdout.Flush()
			sink := &outputSink{w: stdout, json: output == "json", flush: true}
			rt, err := exec.New(l.plan, exec.Options{Sink: sink, Diag: stderr, Limits: lim})
			if err != nil {
				return err
			}
			rd := event.NewReader(cmd.InOrStdin(), "<stdin>.jsonl", event.ReaderOptions{
				EventTime:      l.plan.EventTime,
				MixTypes:       true,
				KeyFields:      l.plan.KeyFields(),
				Clock:          wallClock,
				ProcessingTime: processingTime,
				Reject:         func(r event.Rejection) { fmt.Fprintln(stderr, r.String()) },
			})
			defer rd.Close()
			return runLive(rt, rd, processingTime, m)
		},
	}
	fl := c.Flags()
	fl.StringVar(&file, "file", "", "VPL program file")
	fl.StringVar(&code, "code", "", "VPL program text")
	fl.StringVar(&output, "output", "text", "output form: text or json")
	fl.StringArrayVar(&limits, "limit", nil, "resource limit name=n (repeatable)")
	fl.BoolVar(&processingTime, "processing-time", false, "use the ingest time as event time and let watermarks follow the wall clock")
	fl.BoolVar(&serveMetrics, "metrics", false, "serve Prometheus metrics at /metrics while the program runs")
	fl.IntVar(&metricsPort, "metrics-port", 9090, "port of the metrics endpoint; 0 picks a free port")
	fl.StringVar(&metricsBind, "metrics-bind", "127.0.0.1", "address the metrics endpoint listens on")
	return c
}

// batchOrErr is what the reading goroutine hands to the run loop.
type batchOrErr struct {
	b    event.Batch
	err  error
	read time.Time // when the batch was read, with metrics on
}

// runLive feeds the reader's batches to the runtime. All engine work stays
// on this goroutine; a second one only reads. When the program has idle
// sources or runs on processing time, the loop also wakes on a ticker to
// let event time follow the wall clock (VPL.md §4.1). With m set, the
// counters are published after every batch and tick, and each batch's
// latency observed: the clock is read per batch, never per event.
func runLive(rt *exec.Runtime, rd event.BatchReader, processingTime bool, m *metrics.Runtime) error {
	publish := func() {
		if m != nil {
			m.Publish(rt.Stats())
		}
	}
	publish()
	finish := func() error {
		err := rt.Finish()
		publish()
		return err
	}
	in := make(chan batchOrErr, 4)
	go func() {
		for {
			b, err := rd.Next()
			var read time.Time
			if m != nil {
				read = time.Now()
			}
			in <- batchOrErr{b, err, read}
			if err != nil {
				close(in)
				return
			}
		}
	}()
	idle := rt.IdleTimeout()
	var tick <-chan time.Time
	if processingTime || idle > 0 {
		t := time.NewTicker(runTick)
		defer t.Stop()
		tick = t.C
	}
	var n int64
	lastInput := wallClock()
	lastAdvance := lastInput
	for {
		select {
		case item, ok := <-in:
			if !ok {
				return finish()
			}
			if item.err != nil {
				if errors.Is(item.err, io.EOF) {
					return finish()
				}
				return &exitError{code: 2, msg: item.err.Error()}
			}
			err := rt.Process(item.b, n)
			if m != nil {
				m.ObserveBatch(time.Since(item.read))
				publish()
			}
			n += int64(item.b.Len())
			item.b.Rec.Release()
			if err != nil {
				return err
			}
			lastInput = wallClock()
			lastAdvance = lastInput
		case <-tick:
			now := wallClock()
			switch {
			case processingTime:
				if err := rt.AdvanceTo(now); err != nil {
					return err
				}
			case now-lastInput >= idle:
				// A silent source: event time moves on by the wall-clock
				// time elapsed since the last advance.
				if err := rt.AdvanceTo(rt.MaxTs() + (now - lastAdvance)); err != nil {
					return err
				}
				lastAdvance = now
			}
			publish()
		}
	}
}
