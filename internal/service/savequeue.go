package service

import (
	"cmp"
	"slices"
	"sync"
)

// saveQueue tracks the wizard's saves from the moment Update asks for one.
// Bubble Tea runs commands on goroutines it does not wait for, and drops
// those still queued when the program quits; the queue lets the command
// layer finish them all before it closes the vault. The background writes
// of a check (its tokens, a recheck's result) go through it too.
//
// Saves run one at a time, and a save older than one of the same kind that
// already ran is skipped: each is a full snapshot, so the newest must win.
// Before a save runs, the older ones of its kind still queued run first, so
// a save that reads the record back (a recheck) builds on them.
type saveQueue struct {
	mu      sync.Mutex
	seq     uint64
	pending map[uint64]*saveJob
	run     sync.Mutex        // one save at a time
	latest  map[string]uint64 // kind -> newest seq written
}

type saveJob struct {
	seq  uint64
	kind string
	once sync.Once
	save func() error
	err  error
}

// add queues save, a snapshot of kind, and returns the call that runs it.
func (q *saveQueue) add(kind string, save func() error) func() error {
	q.mu.Lock()
	q.seq++
	j := &saveJob{seq: q.seq, kind: kind, save: save}
	if q.pending == nil {
		q.pending = map[uint64]*saveJob{}
	}
	q.pending[j.seq] = j
	q.mu.Unlock()
	return func() error { return q.do(j) }
}

// do runs j once; a second caller waits for the first and gets its result.
func (q *saveQueue) do(j *saveJob) error {
	for _, older := range q.olderOfKind(j) {
		q.do(older)
	}
	j.once.Do(func() {
		q.run.Lock()
		if q.latest == nil {
			q.latest = map[string]uint64{}
		}
		if q.latest[j.kind] < j.seq { // else a newer snapshot is saved already
			if j.err = j.save(); j.err == nil {
				q.latest[j.kind] = j.seq
			}
		}
		q.run.Unlock()
		q.mu.Lock()
		delete(q.pending, j.seq)
		q.mu.Unlock()
	})
	return j.err
}

// olderOfKind lists the queued saves of j's kind older than j, oldest first.
func (q *saveQueue) olderOfKind(j *saveJob) []*saveJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*saveJob
	for _, o := range q.pending {
		if o.kind == j.kind && o.seq < j.seq {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b *saveJob) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// drain runs every queued save, oldest first, and waits for those running.
func (q *saveQueue) drain() {
	for {
		q.mu.Lock()
		var next *saveJob
		for _, j := range q.pending {
			if next == nil || j.seq < next.seq {
				next = j
			}
		}
		q.mu.Unlock()
		if next == nil {
			return
		}
		q.do(next)
	}
}

// DrainSaves finishes every save the wizard has queued: it runs those the
// program had no time to start (it quit first) and waits for those
// running. Close does it after stopping the use cases still running.
func (s *Session) DrainSaves() { s.saves.drain() }
