package main

import (
	"bufio"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunIdleWatermark checks that a quiet source lets event time follow
// the wall clock (.watermark(idle: i)): a window closes while the input
// stays open, without another event.
func TestRunIdleWatermark(t *testing.T) {
	liveWindow(t, 1_000_000*1e9, []string{"run", "--output", "json", "--code",
		`stream W = R.watermark(idle: 1s).window(10s).aggregate(n: count()).emit()`},
		`{"event_type":"R","timestamp":"1970-01-01T00:00:05Z","data":{}}`,
		`{"stream":"W","ts":"1970-01-01T00:00:10Z","fields":{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1}}`)
}

// TestRunProcessingTime checks --processing-time: the event gets the
// clock's time whatever it carries, and the watermark follows the clock.
func TestRunProcessingTime(t *testing.T) {
	liveWindow(t, 5e9, []string{"run", "--processing-time", "--output", "json", "--code",
		`stream W = R.window(10s).aggregate(n: count()).emit()`},
		`{"event_type":"R","timestamp":"2030-01-01T00:00:00Z","data":{}}`,
		`{"stream":"W","ts":"1970-01-01T00:00:10Z","fields":{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1}}`)
}

// liveWindow runs args with the clock at start, writes one input line,
// moves the clock six seconds on and expects want while stdin stays open.
func liveWindow(t *testing.T, start int64, args []string, input, want string) {
	var now atomic.Int64
	now.Store(start)
	saved := wallClock
	wallClock = func() int64 { return now.Load() }
	defer func() { wallClock = saved }()

	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdinR)
	root.SetOut(stdoutW)
	root.SetErr(io.Discard)
	done := make(chan error, 1)
	go func() {
		done <- root.Execute()
		stdoutW.Close()
	}()
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdoutR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if _, err := io.WriteString(stdinW, input+"\n"); err != nil {
		t.Fatal(err)
	}
	// Let the event in, then let six wall-clock seconds pass in silence.
	time.Sleep(200 * time.Millisecond)
	now.Add(6e9)
	select {
	case line := <-lines:
		if line != want {
			t.Fatalf("got %s\nwant %s", line, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the clock did not close the window")
	}
	stdinW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for extra := range lines {
		if strings.TrimSpace(extra) != "" {
			t.Fatalf("unexpected output after the end: %s", extra)
		}
	}
}
