package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/cockroachdb/errors"
	"time"

	"github.com/spf13/cobra"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec"
)

func newRunCmd() *cobra.Command {
	var (
		file, code, output string
		limits             []string
	)
	c := &cobra.Command{
		Use:   "run (--file F | --code SRC)",
		Short: "Run a VPL program live",
		Long: "run starts a VPL program. Without connectors it reads JSON-line events from standard input\n" +
			"(envelope {\"event_type\": ..., \"data\": {...}, \"timestamp\": ...}) and writes output events to\n" +
			"stdout as they are produced. Events without a time of their own get the ingest time.",
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
			name, src, err := readSource(file, code)
			if err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", name, err)}
			}
			stderr := cmd.ErrOrStderr()
			l, ok := loadProgram(name, src, stderr)
			if !ok {
				return &exitError{code: 1}
			}
			stdout := bufio.NewWriter(cmd.OutOrStdout())
			defer stdout.Flush()
			sink := &outputSink{w: stdout, json: output == "json", flush: true}
			rt, err := exec.New(l.plan, exec.Options{Sink: sink, Diag: stderr, Limits: lim})
			if err != nil {
				return err
			}
			rd := event.NewReader(cmd.InOrStdin(), "<stdin>.jsonl", event.ReaderOptions{
				EventTime: l.plan.EventTime,
				MixTypes:  true,
				Clock:     func() int64 { return time.Now().UnixNano() },
				Reject:    func(r event.Rejection) { fmt.Fprintln(stderr, r.String()) },
			})
			defer rd.Close()
			var n int64
			for {
				b, err := rd.Next()
				if err != nil {
					if errors.Is(err, io.EOF) {
						break
					}
					return &exitError{code: 2, msg: err.Error()}
				}
				err = rt.Process(b, n)
				n += int64(b.Len())
				b.Rec.Release()
				if err != nil {
					return err
				}
			}
			return rt.Finish()
		},
	}
	fl := c.Flags()
	fl.StringVar(&file, "file", "", "VPL program file")
	fl.StringVar(&code, "code", "", "VPL program text")
	fl.StringVar(&output, "output", "text", "output form: text or json")
	fl.StringArrayVar(&limits, "limit", nil, "resource limit name=n (repeatable)")
	return c
}
