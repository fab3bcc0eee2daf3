package exec

import (
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// TestStats checks the counters behind the varpulis_* metrics: input
// events by type, outputs by stream and type, late events by stream and
// limit hits by stream and limit, for single-type and mixed batches.
func TestStats(t *testing.T) {
	src := `stream Hot = Reading.where(temp > 30).emit()
stream Keys = Reading.distinct(sensor).emit()
stream W = Reading.window(5s).aggregate(n: count()).emit()`
	evs := []event.Event{
		ev("Reading", 1, "sensor", "s1", "temp", 31),
		ev("Other", 2, "sensor", "x", "temp", 99),
		ev("Reading", 3, "sensor", "s2", "temp", 20),
		ev("Reading", 6, "sensor", "s3", "temp", 35),
		ev("Reading", 2, "sensor", "s1", "temp", 40), // late for W
	}
	want := Stats{
		Events:  map[string]int64{"Reading": 4, "Other": 1},
		Outputs: map[OutputKey]int64{{"Hot", "Hot"}: 3, {"Keys", "Keys"}: 4, {"W", "W"}: 2},
		Late:    map[string]int64{"Hot": 0, "Keys": 0, "W": 1},
		// One key allowed: s2, s3 and s1 again each evict the oldest.
		LimitHits: map[LimitKey]int64{{"Keys", "max_distinct_keys"}: 3},
	}
	lim := DefaultLimits
	lim.MaxDistinctKeys = 1
	for _, mix := range []bool{false, true} {
		var diag strings.Builder
		rt, err := New(planOf(t, src), Options{Sink: &jsonSink{}, Diag: &diag, Limits: lim})
		if err != nil {
			t.Fatal(err)
		}
		var base int64
		for _, b := range buildBatches(t, evs, mix) {
			if err := rt.Process(b, base); err != nil {
				t.Fatal(err)
			}
			base += int64(b.Len())
			b.Rec.Release()
		}
		if err := rt.Finish(); err != nil {
			t.Fatal(err)
		}
		got := rt.Stats()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("mix=%v:\n got %+v\nwant %+v", mix, got, want)
		}
		// The limit warns once, however often it is hit.
		if w := "warning: stream Keys: limit max_distinct_keys=1 reached\n"; diag.String() != w {
			t.Errorf("mix=%v: diagnostics %q, want %q", mix, diag.String(), w)
		}
		// Stats hands out copies.
		got.Events["Reading"] = 100
		clear(got.Late)
		if again := rt.Stats(); !maps.Equal(again.Events, want.Events) || !maps.Equal(again.Late, want.Late) {
			t.Errorf("mix=%v: Stats shares its maps with the runtime", mix)
		}
	}
}

// TestStatsBeforeInput checks that visible streams of a known type are
// exported at 0 before their first output.
func TestStatsBeforeInput(t *testing.T) {
	rt, err := New(planOf(t, `stream Hot = Reading.where(temp > 30).emit()
stream Quiet = Reading.where(temp > 30)`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := rt.Stats()
	if n, ok := s.Outputs[OutputKey{"Hot", "Hot"}]; !ok || n != 0 || len(s.Outputs) != 1 {
		t.Errorf("outputs %v, want only Hot/Hot at 0", s.Outputs)
	}
	if len(s.Late) != 2 || len(s.Events) != 0 || len(s.LimitHits) != 0 {
		t.Errorf("stats %+v", s)
	}
}
