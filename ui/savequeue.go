package ui

import (
	"sync"

	tea "github.com/charmbracelet/bubbletea"
)

// saveQueue tracks the wizard's saves from the moment Update asks for one.
// Bubble Tea runs commands on goroutines it does not wait for, and drops
// those still queued when the program quits; the queue lets the command
// layer finish them all before it closes the vault.
//
// Saves run one at a time, and a save older than one of the same kind that
// already ran is skipped: each is a full snapshot, so the newest must win.
type saveQueue struct {
	mu      sync.Mutex
	seq     uint64
	pending map[uint64]*saveJob
	run     sync.Mutex        // one save at a time
	latest  map[string]uint64 // kind -> newest seq written
}

type saveJob struct {
	seq        uint64
	kind, what string
	once       sync.Once
	save       func() error
	msg        tea.Msg
}

// add queues save, a snapshot of kind, and returns the command that runs it;
// the command answers savedMsg{what} or saveFailedMsg.
func (q *saveQueue) add(kind, what string, save func() error) tea.Cmd {
	q.mu.Lock()
	q.seq++
	j := &saveJob{seq: q.seq, kind: kind, what: what, save: save}
	if q.pending == nil {
		q.pending = map[uint64]*saveJob{}
	}
	q.pending[j.seq] = j
	q.mu.Unlock()
	return func() tea.Msg { return q.do(j) }
}

// do runs j once; a second caller waits for the first and gets its message.
func (q *saveQueue) do(j *saveJob) tea.Msg {
	j.once.Do(func() {
		q.run.Lock()
		if q.latest == nil {
			q.latest = map[string]uint64{}
		}
		j.msg = savedMsg{j.what}
		if q.latest[j.kind] < j.seq { // else a newer snapshot is saved already
			if err := j.save(); err != nil {
				j.msg = saveFailedMsg{err}
			} else {
				q.latest[j.kind] = j.seq
			}
		}
		q.run.Unlock()
		q.mu.Lock()
		delete(q.pending, j.seq)
		q.mu.Unlock()
	})
	return j.msg
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
