package service

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/webhook"
)

// Delivery is one document the client's webhook received from ROOK.
type Delivery struct {
	DataStructure string    `json:"data_structure"`
	ClientUUID    string    `json:"client_uuid"`
	UserID        string    `json:"user_id"`
	Date          string    `json:"date"`
	Readings      int       `json:"readings"`
	Status        int       `json:"status"` // what the receiver answered
	At            time.Time `json:"at"`
	// Hash is the receiver's verdict on x-rook-hash: verified, wrong,
	// missing, or "" when it does not check.
	Hash string `json:"x_rook_hash,omitempty"`
}

// DeliverySource is where a session hears what its data webhook received
// (a local receiver). Without one, a run through ROOK waits for nothing.
type DeliverySource interface {
	// Listen returns the deliveries received from now on, until stop.
	Listen() (deliveries <-chan Delivery, stop func())
}

// DeliveryHub hands each delivery a receiver reports (Add) to every
// listener at that moment; a listener that falls behind misses some
// rather than blocking the receiver.
type DeliveryHub struct {
	mu   sync.Mutex
	next int
	subs map[int]chan Delivery
}

// Add reports one delivery.
func (h *DeliveryHub) Add(d Delivery) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.subs {
		select {
		case c <- d:
		default:
		}
	}
}

// Listen implements DeliverySource.
func (h *DeliveryHub) Listen() (<-chan Delivery, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[int]chan Delivery{}
	}
	h.next++
	id, c := h.next, make(chan Delivery, 16)
	h.subs[id] = c
	return c, func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}

// ROOKRun is what differs between the front ends running step 6 through
// ROOK: how the login is opened, where events go, where the session may
// change.
type ROOKRun struct {
	// Open shows the authorization URL (a browser, the screen, a test
	// user's automatic login).
	Open func(ctx context.Context, url string) error
	// Dexcom, when the direct check ran, lets the run compare ROOK's
	// readings with Dexcom's.
	Dexcom *dexcom.Client
	// OnEvent hears each stage (and, at StageBrowser, each answer of ROOK's
	// authorized list), the result and the webhook's delivery, in that
	// order, from the run's goroutine.
	OnEvent func(ROOKEvent)
	// Apply runs a change to the session (recording the result) where the
	// front end owns it: the wizard hands it to its Update. nil applies it
	// at once.
	Apply func(change func())
	// DeliveryWait bounds the wait for the webhook's delivery (default 15 s).
	DeliveryWait time.Duration
	// Leg adjusts the leg before it runs (check's flags); nil leaves it.
	Leg func(*ROOKLeg)
}

// ROOKEventKind says what a ROOKEvent reports.
type ROOKEventKind int

// The events of a run through ROOK.
const (
	ROOKStageStarted ROOKEventKind = iota // Stage (and URL) begins
	ROOKFinished                          // Result is in and recorded
	ROOKDelivered                         // Delivery came (nil: none in time)
	// ROOKWaiting: ROOK's authorized list answered "not yet" (or "yes")
	// while the user logs in; Wait says how long and how often it was asked.
	ROOKWaiting
)

// ROOKWait is the wait for the user to connect at one answer of ROOK's
// authorized list: without redirect_url the browser ends on ROOK's own
// page, so the list is the only sign.
type ROOKWait struct {
	Asked  int           // how many times ROOK's list was asked
	Waited time.Duration // time waited between the questions so far
	Limit  time.Duration // the most the leg waits
}

// String is the wait in words, the same in every front end: "asked ROOK
// 4 times, 12 s of 5 m; the browser ends on ROOK's own page".
func (w ROOKWait) String() string {
	times := "times"
	if w.Asked == 1 {
		times = "time"
	}
	return fmt.Sprintf("asked ROOK %d %s, %s of %s; the browser ends on ROOK's own page", w.Asked, times, shortDuration(w.Waited), shortDuration(w.Limit))
}

// shortDuration is d in whole seconds or minutes: "12 s", "5 m", "1 m 30 s"
// (a limit under a second in milliseconds).
func shortDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	switch {
	case d > 0 && d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s%60 == 0:
		return fmt.Sprintf("%d m", s/60)
	}
	return fmt.Sprintf("%d m %d s", s/60, s%60)
}

// ROOKEvent is one thing a run through ROOK reports.
type ROOKEvent struct {
	Kind  ROOKEventKind
	Stage ROOKStage
	URL   string // the authorization URL, at StageCheckURL and StageBrowser
	// Result is set at ROOKFinished; Awaiting then says a delivery is
	// awaited (a new connection, with a delivery source).
	Result   *ROOKResult
	Awaiting bool
	Delivery *Delivery // at ROOKDelivered; nil when none came in time
	Wait     ROOKWait  // at ROOKWaiting
}

// ROOKOutcome is what ConnectThroughROOK found.
type ROOKOutcome struct {
	Result   *ROOKResult
	Delivery *Delivery // this run's webhook delivery, when one came
	// Probe is what the receiver heard of dexonboard's own webhook probe,
	// when it reports deliveries.
	Probe *Delivery
}

// Report is the run's report with what the receiver heard: ROOK's
// delivery, and its verdict on the probe's x-rook-hash. A copy: the
// result itself was handed to the front end already.
func (o *ROOKOutcome) Report() ROOKReport {
	rep := o.Result.Report
	rep.Delivery = o.Delivery
	if rep.Webhook != nil && o.Probe != nil {
		w := *rep.Webhook
		w.Hash = o.Probe.Hash
		rep.Webhook = &w
	}
	return rep
}

// ConnectThroughROOK is step 6 through ROOK: build the leg from the
// session's app, run it, record the result (through run.Apply), and, after
// a new connection, wait for ROOK's delivery to the webhook. A delivery is
// this run's only when it is for this run's ROOK client and user and came
// after ROOK said the user was not connected yet: ROOK pushes after a
// connection, so nothing from an earlier one can come after that. err is
// set only when the leg could not be built (a step not done yet) or the
// session is closed.
func (s *Session) ConnectThroughROOK(ctx context.Context, run ROOKRun) (*ROOKOutcome, error) {
	plan, err := s.PlanThroughROOK(run)
	if err != nil {
		return nil, err
	}
	return plan.Run(ctx)
}

// PullAndCompare pulls the test user's newest blood glucose from ROOK
// again, without a login (the user is connected already), and compares it
// with Dexcom's readings of that day when dc (the direct check's client)
// is set. err is set only when a step is not done yet.
func (s *Session) PullAndCompare(ctx context.Context, dc *dexcom.Client) (*ROOKResult, error) {
	leg, err := s.ROOKLegOf(nil, dc)
	if err != nil {
		return nil, err
	}
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return leg.PullAndCompare(ctx), nil
}

// ROOKPlan is a run through ROOK built from the session at one moment: the
// stages it will go through and its login timeout, for a front end to
// show, and Run, which may go on in the background.
type ROOKPlan struct {
	Stages  []ROOKStage
	Timeout time.Duration
	s       *Session
	leg     ROOKLeg
	run     ROOKRun
}

// PlanThroughROOK builds the run from the session now, on the caller's
// goroutine (the wizard's Update), so that Run reads nothing the front
// end may be changing.
func (s *Session) PlanThroughROOK(run ROOKRun) (*ROOKPlan, error) {
	leg, err := s.ROOKLegOf(run.Open, run.Dexcom)
	if err != nil {
		return nil, err
	}
	if run.Leg != nil {
		run.Leg(&leg)
	}
	p := &ROOKPlan{Timeout: leg.Timeout, s: s, leg: leg, run: run}
	for _, st := range ROOKStages() {
		if (st == StageCompare && leg.Dexcom == nil) || (st == StageWebhook && leg.WebhookURL == "") {
			continue
		}
		p.Stages = append(p.Stages, st)
	}
	return p, nil
}

// Run runs the plan once (see ConnectThroughROOK).
func (p *ROOKPlan) Run(ctx context.Context) (*ROOKOutcome, error) {
	s, leg, run := p.s, p.leg, p.run
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	emit := func(e ROOKEvent) {
		if run.OnEvent != nil {
			run.OnEvent(e)
		}
	}
	// Listen from the start: the webhook probe runs alongside the login
	// and its receipt may come first. ROOK's own deliveries count only
	// from the moment ROOK said the user is not connected (the URL check),
	// so an earlier connection's late delivery is not taken for this one's.
	var heard <-chan Delivery
	var connecting atomic.Int64 // unix nanoseconds of ROOK's "not connected"
	if s.Deliveries != nil {
		var stop func()
		heard, stop = s.Deliveries.Listen()
		defer stop()
	}
	leg.OnStage = func(st ROOKStage, u string) {
		if st == StageCheckURL {
			connecting.CompareAndSwap(0, time.Now().UnixNano())
		}
		emit(ROOKEvent{Kind: ROOKStageStarted, Stage: st, URL: u})
	}
	limit, onWait := leg.Timeout, leg.OnWait
	if limit <= 0 {
		limit = connect.DefaultTimeout // as browse waits
	}
	leg.OnWait = func(w rook.WatchProgress) {
		if onWait != nil {
			onWait(w)
		}
		emit(ROOKEvent{Kind: ROOKWaiting, Stage: StageBrowser, Wait: ROOKWait{Asked: w.Attempt, Waited: w.Waited, Limit: limit}})
	}
	res := leg.Run(ctx)
	apply := run.Apply
	if apply == nil {
		apply = func(change func()) { change() }
	}
	apply(func() { s.RecordROOK(res) })
	awaiting := res.OK() && heard != nil && connecting.Load() != 0
	emit(ROOKEvent{Kind: ROOKFinished, Result: res, Awaiting: awaiting})
	out := &ROOKOutcome{Result: res}
	if !awaiting {
		return out, nil
	}
	wait := run.DeliveryWait
	if wait <= 0 {
		wait = 15 * time.Second
	}
	since := time.Unix(0, connecting.Load())
	out.Delivery, out.Probe = awaitDelivery(ctx, heard, leg.Credentials.ClientUUID, leg.UserID, since, res.Report.Webhook != nil, wait)
	emit(ROOKEvent{Kind: ROOKDelivered, Delivery: out.Delivery})
	return out, nil
}

// awaitDelivery takes the first delivery for client and user received
// since (a receiver that does not know the client matches any), and with
// probed the receiver's report of the probe, until both came or wait ends.
func awaitDelivery(ctx context.Context, heard <-chan Delivery, client, user string, since time.Time, probed bool, wait time.Duration) (d, probe *Delivery) {
	t := time.NewTimer(wait)
	defer t.Stop()
	for d == nil || (probed && probe == nil) {
		select {
		case got := <-heard:
			switch {
			case got.UserID == user && (got.ClientUUID == "" || got.ClientUUID == client) && d == nil && !got.At.Before(since):
				d = &got
			case got.UserID == webhook.ProbeUserID && probe == nil:
				probe = &got
			}
		case <-t.C:
			return d, probe
		case <-ctx.Done():
			return d, probe
		}
	}
	return d, probe
}
