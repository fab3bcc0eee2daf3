package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunMetrics runs a program with --metrics on a free port, feeds it
// JSON lines on stdin, one of them late (VPL.md E7), and scrapes /metrics
// over HTTP while the input is still open.
func TestRunMetrics(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	stderrR, stderrW := io.Pipe()
	root := newRootCmd()
	root.SetArgs([]string{"run", "--metrics", "--metrics-port", "0", "--output", "json", "--code",
		`stream Tolerant = Reading.watermark(out_of_order: 5s).window(10s).aggregate(n: count(), s: sum(v)).emit()`})
	root.SetIn(stdinR)
	root.SetOut(stdoutW)
	root.SetErr(stderrW)
	done := make(chan error, 1)
	go func() {
		done <- root.Execute()
		stdoutW.Close()
		stderrW.Close()
	}()
	out := lines(stdoutR)
	errs := lines(stderrR)

	var url string
	select {
	case line := <-errs:
		var ok bool
		if url, ok = strings.CutPrefix(line, "metrics: listening on "); !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
			t.Fatalf("first stderr line %q", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no metrics address on stderr")
	}

	for _, sec := range []int{1, 12, 8, 16, 3} { // @3s is late
		line := `{"event_type":"Reading","timestamp":"1970-01-01T00:00:` + pad2(sec) + `Z","data":{"v":` + strconv.Itoa(sec) + `}}` + "\n"
		if _, err := io.WriteString(stdinW, line); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case line := <-out:
		if want := `{"stream":"Tolerant","ts":"1970-01-01T00:00:10Z","fields":{"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":2,"s":9}}`; line != want {
			t.Fatalf("got %s\nwant %s", line, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no output")
	}

	// Counters are published after each batch: wait for the last one.
	want := map[string]string{
		`varpulis_late_events_total{stream="Tolerant"}`:                         "1",
		`varpulis_events_total{event_type="Reading"}`:                           "5",
		`varpulis_output_events_total{event_type="Tolerant",stream="Tolerant"}`: "1",
		`varpulis_active_streams`:                                               "1",
	}
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; {
		body = get(t, url)
		if v, _ := seriesValue(body, `varpulis_events_total{event_type="Reading"}`); v == "5" || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for series, w := range want {
		if got, ok := seriesValue(body, series); !ok || got != w {
			t.Errorf("%s = %q (present: %v), want %s", series, got, ok, w)
		}
	}
	if n, _ := seriesValue(body, "varpulis_processing_latency_seconds_count"); n == "" || n == "0" {
		t.Errorf("no batch latency observed:\n%s", body)
	}
	if !strings.Contains(body, "# TYPE varpulis_late_events_total counter") {
		t.Errorf("varpulis_late_events_total is not a counter:\n%s", body)
	}

	stdinW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if line := <-out; !strings.HasPrefix(line, `{"stream":"Tolerant","ts":"1970-01-01T00:00:20Z"`) {
		t.Errorf("last window: %s", line)
	}
	// The endpoint lives as long as the run.
	if resp, err := http.Get(url); err == nil {
		resp.Body.Close()
		t.Errorf("%s still answers after the run ended", url)
	}
}

// TestRunMetricsBindFailure checks that a port in use is exit code 2
// before any input is read.
func TestRunMetricsBindFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	in := &readSpy{}
	var stderr strings.Builder
	root := newRootCmd()
	root.SetArgs([]string{"run", "--metrics", "--metrics-port", port, "--code", `stream S = R.emit()`})
	root.SetIn(in)
	root.SetOut(io.Discard)
	root.SetErr(&stderr)
	err = root.Execute()
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(ee.msg, "127.0.0.1:"+port) {
		t.Fatalf("got %v, want exit code 2 naming the address", err)
	}
	if in.reads > 0 {
		t.Errorf("stdin was read %d times", in.reads)
	}
	if strings.Contains(stderr.String(), "listening") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// TestRunMetricsFlags checks the flag errors (exit code 2).
func TestRunMetricsFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--metrics-port", "9999"},
		{"--metrics-bind", "0.0.0.0"},
		{"--metrics", "--metrics-port", "70000"},
		{"--metrics", "--metrics-port", "-1"},
	} {
		root := newRootCmd()
		root.SetArgs(append([]string{"run", "--code", `stream S = R.emit()`}, args...))
		root.SetIn(&readSpy{})
		root.SetOut(io.Discard)
		root.SetErr(io.Discard)
		var ee *exitError
		if err := root.Execute(); !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("%v: got %v, want exit code 2", args, err)
		}
	}
}

// readSpy is an empty input that counts reads.
type readSpy struct{ reads int }

func (r *readSpy) Read([]byte) (int, error) {
	r.reads++
	return 0, io.EOF
}

// lines sends r's lines to the channel it returns, closed at the end.
func lines(r io.Reader) <-chan string {
	ch := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
		close(ch)
	}()
	return ch
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %s", url, err, resp.Status)
	}
	return string(b)
}

// seriesValue returns the value of a series in a text exposition.
func seriesValue(body, series string) (string, bool) {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v, true
		}
	}
	return "", false
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
