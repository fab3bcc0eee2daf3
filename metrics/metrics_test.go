package metrics

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/vpl"
)

// TestCollect checks names, types, labels and values of the exported
// counters.
func TestCollect(t *testing.T) {
	r := NewRuntime(3)
	const active = `
# HELP varpulis_active_streams Streams of the loaded program.
# TYPE varpulis_active_streams gauge
varpulis_active_streams 3
`
	// Before the first batch: only the gauge.
	if err := testutil.CollectAndCompare(r, strings.NewReader(active),
		"varpulis_active_streams", "varpulis_events_total", "varpulis_late_events_total"); err != nil {
		t.Fatal(err)
	}
	r.Publish(exec.Stats{
		Events:    map[string]int64{"Reading": 5, "Other": 1},
		Outputs:   map[exec.OutputKey]int64{{Stream: "Tolerant", Type: "Tolerant"}: 2, {Stream: "P", Type: "Alert"}: 1},
		Late:      map[string]int64{"Tolerant": 1, "P": 0},
		LimitHits: map[exec.LimitKey]int64{{Stream: "P", Limit: "max_runs"}: 4},
	})
	want := active + `
# HELP varpulis_events_total Input events received, by event type.
# TYPE varpulis_events_total counter
varpulis_events_total{event_type="Other"} 1
varpulis_events_total{event_type="Reading"} 5
# HELP varpulis_late_events_total Late events dropped by time, session and trend windows, by stream.
# TYPE varpulis_late_events_total counter
varpulis_late_events_total{stream="P"} 0
varpulis_late_events_total{stream="Tolerant"} 1
# HELP varpulis_limit_hits_total Resource limit hits, by stream and limit.
# TYPE varpulis_limit_hits_total counter
varpulis_limit_hits_total{limit="max_runs",stream="P"} 4
# HELP varpulis_output_events_total Output events emitted, by stream and event type.
# TYPE varpulis_output_events_total counter
varpulis_output_events_total{event_type="Alert",stream="P"} 1
varpulis_output_events_total{event_type="Tolerant",stream="Tolerant"} 2
`
	if err := testutil.CollectAndCompare(r, strings.NewReader(want),
		"varpulis_active_streams", "varpulis_events_total", "varpulis_late_events_total",
		"varpulis_limit_hits_total", "varpulis_output_events_total"); err != nil {
		t.Fatal(err)
	}
	if problems, err := testutil.CollectAndLint(r); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", problems, err)
	}
}

// TestObserveBatch checks the latency histogram's buckets.
func TestObserveBatch(t *testing.T) {
	r := NewRuntime(1)
	r.ObserveBatch(2 * time.Millisecond)
	r.ObserveBatch(2 * time.Second)
	want := `
# HELP varpulis_processing_latency_seconds Time from reading an input batch to writing its outputs, per batch.
# TYPE varpulis_processing_latency_seconds histogram
varpulis_processing_latency_seconds_bucket{le="0.0001"} 0
varpulis_processing_latency_seconds_bucket{le="0.0005"} 0
varpulis_processing_latency_seconds_bucket{le="0.001"} 0
varpulis_processing_latency_seconds_bucket{le="0.005"} 1
varpulis_processing_latency_seconds_bucket{le="0.01"} 1
varpulis_processing_latency_seconds_bucket{le="0.05"} 1
varpulis_processing_latency_seconds_bucket{le="0.1"} 1
varpulis_processing_latency_seconds_bucket{le="0.5"} 1
varpulis_processing_latency_seconds_bucket{le="1"} 1
varpulis_processing_latency_seconds_bucket{le="+Inf"} 2
varpulis_processing_latency_seconds_sum 2.002
varpulis_processing_latency_seconds_count 2
`
	if err := testutil.CollectAndCompare(r, strings.NewReader(want), "varpulis_processing_latency_seconds"); err != nil {
		t.Fatal(err)
	}
}

// TestScrapeWhileRunning runs a program batch by batch, publishing after
// each, while another goroutine scrapes over HTTP (run it with -race);
// the last scrape sees the final counts.
func TestScrapeWhileRunning(t *testing.T) {
	src := `stream W = R.watermark(out_of_order: 2s).window(5s).aggregate(n: count()).emit()
stream Hot = R.where(v > 5).emit()`
	prog, diags := vpl.ParseFile("t.vpl", []byte(src), nil)
	if vpl.HasErrors(diags) {
		t.Fatal(vpl.Format(diags, []string{"t.vpl"}))
	}
	plan, err := planner.LowerVPL(prog)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := exec.New(plan, exec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := NewRuntime(len(plan.Streams))
	srv, err := Listen("127.0.0.1:0", NewRegistry(m))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	// Every tenth event is 10 s behind: late for W, whose watermark is
	// 2 s behind the greatest ts.
	const n = 2000
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	for i := range n {
		ts := int64(i)
		if i%10 == 9 {
			ts -= 10
		}
		bb.Append(&event.Event{Type: "R", TS: ts * 1e9, Fields: []event.Field{{Name: "v", Value: event.Int(int64(i % 10))}}})
		if i%7 == 6 {
			bb.CloseBatch()
		}
	}
	batches := bb.Flush()

	done := make(chan error, 1)
	go func() {
		var base int64
		for _, b := range batches {
			start := time.Now()
			if err := rt.Process(b, base); err != nil {
				done <- err
				return
			}
			m.Publish(rt.Stats())
			m.ObserveBatch(time.Since(start))
			base += int64(b.Len())
			b.Rec.Release()
			// Give the scraper room to overlap; a sleep orders nothing,
			// so the race detector still sees every unsynchronised access.
			time.Sleep(200 * time.Microsecond)
		}
		done <- nil
	}()
	scrapes := 0
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
		}
		scrape(t, srv.URL())
		scrapes++
	}
	body := scrape(t, srv.URL())
	for series, want := range map[string]string{
		`varpulis_events_total{event_type="R"}`:                       fmt.Sprint(n),
		`varpulis_late_events_total{stream="W"}`:                      fmt.Sprint(n / 10),
		`varpulis_late_events_total{stream="Hot"}`:                    "0",
		`varpulis_output_events_total{event_type="Hot",stream="Hot"}`: fmt.Sprint(n * 4 / 10),
		`varpulis_active_streams`:                                     "2",
		`varpulis_processing_latency_seconds_count`:                   fmt.Sprint(len(batches)),
	} {
		if got, ok := value(body, series); !ok || got != want {
			t.Errorf("%s = %q (found %v), want %s", series, got, ok, want)
		}
	}
	t.Logf("%d scrapes during %d batches", scrapes, len(batches))
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %v %s", err, resp.Status)
	}
	return string(b)
}

// value returns the value of a series in a text exposition.
func value(body, series string) (string, bool) {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v, true
		}
	}
	return "", false
}

// TestListenBusy checks that a bind failure is reported by Listen.
func TestListenBusy(t *testing.T) {
	srv, err := Listen("127.0.0.1:0", NewRegistry(NewRuntime(0)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	addr := strings.TrimSuffix(strings.TrimPrefix(srv.URL(), "http://"), "/metrics")
	if s2, err := Listen(addr, NewRegistry(NewRuntime(0))); err == nil {
		s2.Close()
		t.Fatalf("a second Listen on %s succeeded", addr)
	}
}
