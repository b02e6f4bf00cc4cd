package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// runState is where one of step 6's runs is.
type runState int

const (
	runIdle runState = iota
	runRunning
	runDone
	runFailed
)

func (s runState) String() string {
	return [...]string{"idle", "running", "done", "failed"}[s]
}

// runner is what each of step 6's runs has: its state, its run number
// (messages of an earlier run are dropped), the channel its background
// work reports on, a way to cancel it, its spinner and its clock.
type runner struct {
	state                  runState
	run                    int
	ctx                    context.Context
	cancel                 context.CancelFunc
	events                 chan tea.Msg
	spin                   spinner.Model
	started, deadline, now time.Time
}

func newRunner(th Theme) runner {
	sp := spinner.New(spinner.WithSpinner(spinner.Dot))
	sp.Style = th.Current
	return runner{spin: sp}
}

// begin ends the run under way, if any, and starts the next: a new
// number, channel and context.
func (r *runner) begin(now time.Time) chan tea.Msg {
	r.stop()
	r.run++
	r.events = make(chan tea.Msg, 16)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.state, r.started, r.now, r.deadline = runRunning, now, now, now
	return r.events
}

// context is the run's context, cancelled by stop.
func (r *runner) context() context.Context { return r.ctx }

// listen takes the run's next message off its channel, tagged by wrap
// with the run's number.
func (r *runner) listen(wrap func(run int, m tea.Msg) tea.Msg) tea.Cmd {
	events, run := r.events, r.run
	return func() tea.Msg {
		m, ok := <-events
		if !ok {
			return nil
		}
		return wrap(run, m)
	}
}

// stop cancels the background work (its last messages still come, and
// are used while the run number is the same).
func (r *runner) stop() {
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}

// abandon cancels the run and drops whatever it still sends.
func (r *runner) abandon() {
	r.stop()
	r.run++
	r.state = runFailed
}

// left is the time left to log in.
func (r *runner) left() time.Duration { return r.deadline.Sub(r.now).Round(time.Second) }

// spinTick turns the spinner while the run is under way.
func (r *runner) spinTick(msg spinner.TickMsg) tea.Cmd {
	if r.state != runRunning {
		return nil
	}
	var cmd tea.Cmd
	r.spin, cmd = r.spin.Update(msg) // another spinner's tick is ignored
	return cmd
}

// runKeys are one run's bindings.
type runKeys struct {
	Start, Cancel, Glucose, Continue key.Binding
}

// sync enables the keys: Start when no run is under way (busy), the rest
// when this run is the one the page shows.
func (k *runKeys) sync(st runState, busy, shown, glucose bool) {
	enable(!busy, &k.Start)
	enable(shown && st == runRunning, &k.Cancel)
	enable(shown && st == runDone, &k.Continue)
	enable(shown && st == runDone && glucose, &k.Glucose)
}

// common handles the keys of a finished run: the glucose view, continue.
func (k *runKeys) common(msg tea.KeyMsg, g *glucoseModel) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, k.Glucose):
		return func() tea.Msg { return openGlucoseMsg{g} }, true
	case key.Matches(msg, k.Continue):
		return advance, true
	}
	return nil, false
}

// openGlucoseMsg asks the wizard to show the glucose view full screen.
type openGlucoseMsg struct{ g *glucoseModel }

func formatClock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}
