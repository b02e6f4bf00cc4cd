package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
)

// stageLine shows one stage at a time: a spinner while it waits (on a
// terminal), then a tick. Off a terminal it prints plain lines, no redraws.
type stageLine struct {
	w    io.Writer
	tty  bool
	mu   sync.Mutex
	msg  string
	stop chan struct{}
	done chan struct{}
	// note is the running stage's progress (its own lock: spin reads it
	// while Finish holds mu).
	nmu  sync.Mutex
	note string
}

func newStageLine(w io.Writer, tty bool) *stageLine { return &stageLine{w: w, tty: tty} }

// Start ends the previous stage (as done) and shows msg with a spinner.
func (s *stageLine) Start(msg string) {
	s.Finish("✓")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msg = msg
	if !s.tty {
		fmt.Fprintln(s.w, "…", msg)
		return
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.spin(msg, s.stop, s.done)
}

func (s *stageLine) spin(msg string, stop, done chan struct{}) {
	defer close(done)
	frames := spinner.Dot.Frames
	t := time.NewTicker(spinner.Dot.FPS)
	defer t.Stop()
	for i := 0; ; i++ {
		line := msg
		s.nmu.Lock()
		if s.note != "" {
			line = s.note // short, so the line never wraps
		}
		s.nmu.Unlock()
		fmt.Fprintf(s.w, "\r\033[K%s %s", frames[i%len(frames)], line)
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// Note shows the running stage's progress: on a terminal in place of its
// words until it ends; elsewhere as a line of its own when print is set
// (a caller prints now and then, not every update).
func (s *stageLine) Note(note string, print bool) {
	if !s.tty {
		if print {
			fmt.Fprintln(s.w, "  ", note)
		}
		return
	}
	s.nmu.Lock()
	s.note = note
	s.nmu.Unlock()
}

// Finish ends the current stage with a mark (✓ or ✗).
func (s *stageLine) Finish(mark string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nmu.Lock()
	s.note = ""
	s.nmu.Unlock()
	if s.msg == "" {
		return
	}
	if s.tty && s.stop != nil {
		close(s.stop)
		<-s.done
		fmt.Fprintf(s.w, "\r\033[K%s %s\n", mark, s.msg)
		s.stop = nil
	}
	s.msg = ""
}
