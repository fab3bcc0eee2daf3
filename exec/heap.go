package exec

// placed is an element of a placedHeap: it knows its key and keeps its
// position in the heap, for heap.Fix and heap.Remove.
type placed interface {
	heapKey() int64
	setHeapPos(pos int)
}

// placedHeap is a min-heap (container/heap) of elements by key, each
// told its position as it moves (-1 once popped).
type placedHeap[T placed] []T

func (h placedHeap[T]) Len() int           { return len(h) }
func (h placedHeap[T]) Less(i, j int) bool { return h[i].heapKey() < h[j].heapKey() }
func (h placedHeap[T]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].setHeapPos(i)
	h[j].setHeapPos(j)
}

func (h *placedHeap[T]) Push(x any) {
	e := x.(T)
	e.setHeapPos(len(*h))
	*h = append(*h, e)
}

func (h *placedHeap[T]) Pop() any {
	old := *h
	e := old[len(old)-1]
	var zero T
	old[len(old)-1] = zero
	*h = old[:len(old)-1]
	e.setHeapPos(-1)
	return e
}
