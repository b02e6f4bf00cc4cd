package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rooksim"
)

// check shows the wait on ROOK's authorized list on its stage line: off a
// terminal, the first answer as a line under the browser's stage.
func TestCheckThroughROOKShowsTheWait(t *testing.T) {
	w := newROOKWorld(t, rooksim.Faults{})
	code, out, errOut := checkROOKNoBrowser(t, w)
	stderr := errOut.String()
	browser := strings.Index(stderr, "… ROOK: open the login in a browser")
	wait := strings.Index(stderr, "asked ROOK 1 time, 0 s of 300 ms; the browser ends on ROOK's own page")
	if code != exitROOK || browser < 0 || wait < browser {
		t.Fatalf("exit %d, stdout %s, stderr %s", code, out.String(), stderr)
	}
	if strings.Count(stderr, "asked ROOK") != 1 {
		t.Fatalf("the wait printed more than once off a terminal:\n%s", stderr)
	}
}

// lockedBuffer is a bytes.Buffer the spinner's goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// On a terminal a note takes the spinner's line in place of the stage's
// words; the stage then ends with its own words and mark.
func TestStageLineNoteOnATerminal(t *testing.T) {
	var buf lockedBuffer
	s := newStageLine(&buf, true)
	s.Start("ROOK: open the login")
	s.Note("asked ROOK 2 times, 2 s of 5 m", false)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), " asked ROOK 2 times, 2 s of 5 m") {
		if time.Now().After(deadline) {
			t.Fatalf("the note never showed: %q", buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Finish("✓")
	if out := buf.String(); !strings.HasSuffix(out, "\r\033[K✓ ROOK: open the login\n") {
		t.Fatalf("the stage did not end with its own words: %q", out)
	}
}
