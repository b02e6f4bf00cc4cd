package sandbox

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
)

// Data is generated, not stored: every value is a pure function of the seed,
// the user and the time, so any window gives the same records on every
// machine and the data runs continuously up to "now".

const (
	cadence        = 5 * time.Minute
	sessionLength  = 10 * 24 * time.Hour
	maxJitter      = 20 // seconds a reading may lag its 5-minute slot
	signalLossRate = 0.03
)

// generator makes one user's records for one client app.
type generator struct {
	seed     uint64
	user     User
	clientID string
	memo     *memo // nil computes everything each time
}

// newGenerator is a generator for one request: it remembers each day's
// meals, which every reading of two days asks for three times.
func newGenerator(seed uint64, user User, clientID string) generator {
	g := generator{seed: seed, user: user, clientID: clientID}
	g.memo = &memo{base: g.base(), meals: map[int64][]meal{}}
	return g
}

// memo is a request's cache; a request runs on one goroutine.
type memo struct {
	base  uint64 // the hash of the seed and the user
	meals map[int64][]meal
}

// hash draws a deterministic number in [0, 1) from the seed, user, a tag
// and numbers.
func (g generator) hash(tag string, nums ...int64) float64 {
	return float64(g.hash64(tag, nums...)>>11) / (1 << 53)
}

// hash64 mixes with splitmix64: cheap (it runs several times per reading)
// and the same on every machine.
func (g generator) hash64(tag string, nums ...int64) uint64 {
	x := mix(g.base() ^ strHash(tag))
	for _, n := range nums {
		x = mix(x ^ uint64(n))
	}
	return x
}

func (g generator) base() uint64 {
	if g.memo != nil {
		return g.memo.base
	}
	return mix(g.seed ^ strHash(g.user.Name))
}

func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// strHash is FNV-1a.
func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// uuid is a deterministic version-4-shaped id.
func (g generator) uuid(tag string, nums ...int64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], g.hash64(tag, nums...))
	binary.BigEndian.PutUint64(b[8:], g.hash64(tag+"#2", nums...))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// UserID is unique per user and per client app, as Dexcom's is.
func userID(clientID, user string) string {
	s := sha256.Sum256([]byte("dexcom-user|" + clientID + "|" + user))
	return hex.EncodeToString(s[:])
}

func (g generator) local(t time.Time) time.Time { return t.Add(g.user.Offset) }

// dayOf is the user's local day number, for per-day choices.
func (g generator) dayOf(t time.Time) int64 {
	return int64(math.Floor(float64(g.local(t).Unix()) / 86400))
}

// meal is one meal of a day: when it starts and how high it goes.
type meal struct {
	at     time.Time
	amp    float64
	carbs  int
	insuln float64
}

var mealHours = []float64{7.5, 12.5, 19}

func (g generator) meals(day int64) []meal {
	if g.memo == nil {
		return g.makeMeals(day)
	}
	ms, ok := g.memo.meals[day]
	if !ok {
		ms = g.makeMeals(day)
		g.memo.meals[day] = ms
	}
	return ms
}

func (g generator) makeMeals(day int64) []meal {
	out := make([]meal, 0, len(mealHours))
	dayStart := time.Unix(day*86400, 0).UTC().Add(-g.user.Offset)
	for i, h := range mealHours {
		shift := (g.hash("meal-shift", day, int64(i)) - 0.5) * 80 // ±40 minutes
		at := dayStart.Add(time.Duration((h*60 + shift) * float64(time.Minute))).Truncate(time.Minute)
		amp := (40 + 70*g.hash("meal-amp", day, int64(i))) * g.user.MealScale
		if i == 2 && g.everyNth("high-day", day, 6) {
			amp += 220 // a day that goes above 400
		}
		carbs := int(amp/2) + 10
		out = append(out, meal{at: at, amp: amp, carbs: carbs, insuln: math.Round(float64(carbs)/10*2) / 2})
	}
	return out
}

// smooth is the glucose curve without noise at t.
func (g generator) smooth(t time.Time) float64 {
	lt := g.local(t)
	hour := float64(lt.Hour()) + float64(lt.Minute())/60 + float64(lt.Second())/3600
	v := g.user.Mean
	v += 15 * gauss(hour, 6, 1.2) // dawn phenomenon
	v -= 30 * gauss(hour, 3, 1.5) // overnight dip
	day := g.dayOf(t)
	if g.everyNth("low-night", day, 7) {
		v -= 110 * gauss(hour, 3.5, 0.8) // a night that goes below 40
	}
	ph := g.hash("phase") * 2 * math.Pi
	secs := float64(t.Unix())
	v += 12*math.Sin(secs/(7*3600)+ph) + 8*math.Sin(secs/(17*3600)+2*ph)
	for d := day - 1; d <= day; d++ {
		for _, m := range g.meals(d) {
			dt := t.Sub(m.at).Minutes()
			if dt > 0 && dt < 300 {
				const tau = 55.0
				v += m.amp * (dt / tau) * math.Exp(1-dt/tau)
			}
		}
	}
	return v
}

// everyNth is true one day in n, at a user-specific offset, so every window of
// n days has exactly one such day.
func (g generator) everyNth(what string, day int64, n int64) bool {
	off := int64(g.hash64(what) % uint64(n))
	return ((day+off)%n+n)%n == 0
}

func gauss(x, mu, sigma float64) float64 {
	d := (x - mu) / sigma
	return math.Exp(-d * d / 2)
}

// sessionStart is the start of the sensor session holding t.
func (g generator) sessionStart(t time.Time) time.Time {
	anchor := int64(g.hash64("session-anchor") % uint64(sessionLength/time.Second))
	n := math.Floor(float64(t.Unix()-anchor) / sessionLength.Seconds())
	return time.Unix(anchor+int64(n)*int64(sessionLength/time.Second), 0).UTC()
}

func (g generator) transmitterID(t time.Time) string {
	key := g.sessionStart(t).Unix()
	if g.user.Generation == "g6" { // a G6 transmitter lasts 9 sessions
		key = key / int64(9*sessionLength/time.Second)
	}
	var b [32]byte
	for i := range 4 {
		binary.BigEndian.PutUint64(b[i*8:], g.hash64("transmitter", key, int64(i)))
	}
	return hex.EncodeToString(b[:])
}

// slotTime is when reading k (of the 5-minute grid since the epoch) was taken.
func (g generator) slotTime(k int64) time.Time {
	j := int64(g.hash("jitter", k) * maxJitter)
	return time.Unix(k*int64(cadence/time.Second)+j, 0).UTC()
}

// hasReading reports whether slot k's reading exists: not in a warm-up, not
// in a stretch of lost signal.
func (g generator) hasReading(k int64, t time.Time) bool {
	if t.Sub(g.sessionStart(t)) < g.user.WarmUp {
		return false
	}
	hour := k / 12
	if g.hash("loss", hour) < signalLossRate {
		from := int64(g.hash("loss-from", hour) * 12)
		n := 3 + int64(g.hash("loss-len", hour)*6)
		if i := k % 12; i >= from && i < from+n {
			return false
		}
	}
	return true
}

func (g generator) times(t time.Time) (sys, disp dexcom.Timestamp) {
	if g.user.Receiver() {
		return dexcom.NewTimestamp(t, false), dexcom.NewTimestamp(g.local(t), false)
	}
	zone := time.FixedZone("", int(g.user.Offset/time.Second))
	return dexcom.NewTimestamp(t, true), dexcom.NewTimestamp(t.In(zone), true)
}

// value is the reading of slot k: the smooth curve plus sensor noise.
func (g generator) value(k int64, smooth float64) int {
	noise := (g.hash("noise", k) - 0.5) * 6
	return int(math.Round(smooth + noise))
}

// egv builds slot k's record, or false if there is none.
func (g generator) egv(k int64) (dexcom.EGV, bool) {
	t := g.slotTime(k)
	if !g.hasReading(k, t) {
		return dexcom.EGV{}, false
	}
	smooth := g.smooth(t)
	v := g.value(k, smooth)
	rate := math.Round((smooth-g.smooth(t.Add(-cadence)))/5*10) / 10
	trend := dexcom.TrendForRate(rate)
	var status *string
	rateP := &rate
	switch {
	case v < dexcom.MinMeasurable:
		v, status, trend, rateP = dexcom.ValueBelowRange, ptr("low"), dexcom.TrendNotComputable, nil
	case v > dexcom.MaxMeasurable:
		v, status, trend, rateP = dexcom.ValueAboveRange, ptr("high"), dexcom.TrendNotComputable, nil
	}
	sys, disp := g.times(t)
	tx := g.transmitterID(t)
	return dexcom.EGV{
		RecordID:                     g.uuid("egv", k),
		SystemTime:                   sys,
		DisplayTime:                  disp,
		TransmitterID:                &tx,
		TransmitterTicks:             int64(t.Sub(g.sessionStart(t)) / time.Second),
		Value:                        ptr(float64(v)),
		Status:                       status,
		Trend:                        &trend,
		TrendRate:                    rateP,
		Unit:                         "mg/dL",
		RateUnit:                     "mg/dL/min",
		DisplayDevice:                g.user.DisplayDevice,
		TransmitterGeneration:        g.user.Generation,
		TransmitterGenerationVariant: g.user.Variant,
		DisplayApp:                   ptr(g.user.DisplayApp),
	}, true
}

// slots lists the grid slots whose reading may fall in [start, end).
func slots(start, end time.Time) (first, last int64) {
	step := int64(cadence / time.Second)
	return start.Unix()/step - 1, end.Unix() / step
}

// egvs lists the readings with start <= systemTime < end.
func (g generator) egvs(start, end time.Time) []dexcom.EGV {
	first, last := slots(start, end)
	out := make([]dexcom.EGV, 0, last-first+1)
	for e := range g.egvSeq(start, end) {
		out = append(out, e)
	}
	return out
}

// egvSeq yields the readings of [start, end) one at a time.
func (g generator) egvSeq(start, end time.Time) iter.Seq[dexcom.EGV] {
	return func(yield func(dexcom.EGV) bool) {
		first, last := slots(start, end)
		for k := first; k <= last; k++ {
			e, ok := g.egv(k)
			if ok && !e.At().Before(start) && e.At().Before(end) && !yield(e) {
				return
			}
		}
	}
}

// days lists the local days overlapping [start, end).
func (g generator) days(start, end time.Time) []int64 {
	var ds []int64
	for d := g.dayOf(start) - 1; d <= g.dayOf(end); d++ {
		ds = append(ds, d)
	}
	return ds
}

func (g generator) event(kind string, day int64, i int, t time.Time, typ string, sub *string, value, unit string) dexcom.Event {
	sys, disp := g.times(t)
	tx := g.transmitterID(t)
	return dexcom.Event{
		RecordID: g.uuid("event/"+kind, day, int64(i)), SystemTime: sys, DisplayTime: disp,
		EventStatus: "created", EventType: typ, EventSubType: sub, Value: value, Unit: ptr(unit),
		TransmitterID: &tx, TransmitterGeneration: g.user.Generation,
		TransmitterGenerationVariant: g.user.Variant, DisplayDevice: g.user.DisplayDevice,
	}
}

// events lists carbs and fast insulin at meals, long insulin at 22:00 and
// some exercise, for users whose device records events.
func (g generator) events(start, end time.Time) []dexcom.Event {
	if !g.user.Events {
		return []dexcom.Event{}
	}
	out := []dexcom.Event{}
	add := func(e dexcom.Event) {
		if !e.At().Before(start) && e.At().Before(end) {
			out = append(out, e)
		}
	}
	for _, day := range g.days(start, end) {
		dayStart := time.Unix(day*86400, 0).UTC().Add(-g.user.Offset)
		for i, m := range g.meals(day) {
			add(g.event("carbs", day, i, m.at, dexcom.EventCarbs, nil, strconv.Itoa(m.carbs), "grams"))
			add(g.event("insulin", day, i, m.at.Add(2*time.Minute), dexcom.EventInsulin, ptr("fastActing"),
				strconv.FormatFloat(m.insuln, 'f', 1, 64), "units"))
		}
		add(g.event("basal", day, 0, dayStart.Add(22*time.Hour), dexcom.EventInsulin, ptr("longActing"), "18.0", "units"))
		if g.hash("exercise", day) < 0.4 {
			levels := []string{"light", "medium", "heavy"}
			lvl := levels[g.hash64("exercise-level", day)%3]
			add(g.event("exercise", day, 0, dayStart.Add(17*time.Hour+30*time.Minute), dexcom.EventExercise, &lvl, "30", "minutes"))
		}
	}
	sortByTime(out)
	return out
}

// calibrations lists fingersticks at 08:00 and 20:00 for receiver users.
func (g generator) calibrations(start, end time.Time) []dexcom.Calibration {
	out := []dexcom.Calibration{}
	if !g.user.Calibrations {
		return out
	}
	for _, day := range g.days(start, end) {
		dayStart := time.Unix(day*86400, 0).UTC().Add(-g.user.Offset)
		for i, h := range []time.Duration{8 * time.Hour, 20 * time.Hour} {
			t := dayStart.Add(h)
			if t.Before(start) || !t.Before(end) || t.Sub(g.sessionStart(t)) < g.user.WarmUp {
				continue
			}
			v := int(math.Round(g.smooth(t) + (g.hash("cal", day, int64(i))-0.5)*16))
			v = max(40, min(400, v))
			sys, disp := g.times(t)
			tx := g.transmitterID(t)
			out = append(out, dexcom.Calibration{
				RecordID: g.uuid("calibration", day, int64(i)), SystemTime: sys, DisplayTime: disp,
				Unit: ptr("mg/dL"), Value: float64(v), DisplayDevice: g.user.DisplayDevice, TransmitterID: &tx,
				TransmitterTicks:      int64(t.Sub(g.sessionStart(t)) / time.Second),
				TransmitterGeneration: g.user.Generation, TransmitterGenerationVariant: g.user.Variant,
			})
		}
	}
	return out
}

// Alert thresholds of the simulated default schedule.
var alertThresholds = []struct {
	name  string
	value float64
	above bool
}{{"high", 250, true}, {"low", 70, false}, {"urgentLow", 55, false}}

// alerts lists an alert each time a reading crosses a threshold.
func (g generator) alerts(start, end time.Time) []dexcom.Alert {
	out := []dexcom.Alert{}
	first, last := slots(start, end)
	prev, havePrev := 0.0, false
	if e, ok := g.egv(first - 1); ok {
		prev, havePrev = e.Reading().MgDL, true
	}
	for k := first; k <= last; k++ {
		e, ok := g.egv(k)
		if !ok {
			havePrev = false
			continue
		}
		v := e.Reading().MgDL
		for _, th := range alertThresholds {
			crossed := (th.above && v >= th.value && prev < th.value) || (!th.above && v <= th.value && prev > th.value)
			if havePrev && crossed && !e.At().Before(start) && e.At().Before(end) {
				out = append(out, dexcom.Alert{
					RecordID: g.uuid("alert/"+th.name, k), SystemTime: e.SystemTime, DisplayTime: e.DisplayTime,
					AlertName: th.name, AlertState: "activeAlarming", DisplayDevice: g.user.DisplayDevice,
					TransmitterGeneration: g.user.Generation, TransmitterGenerationVariant: g.user.Variant,
					TransmitterID: e.TransmitterID, DisplayApp: ptr(g.user.DisplayApp),
				})
			}
		}
		prev, havePrev = v, true
	}
	return out
}

// device describes the user's display device as of now.
func (g generator) device(now time.Time) dexcom.Device {
	tx := g.transmitterID(now)
	upload := now.Truncate(time.Minute)
	if g.user.Receiver() {
		upload = g.sessionStart(now) // receivers upload once per session
	}
	sys, _ := g.times(upload)
	d := dexcom.Device{
		LastUploadDate: &sys, TransmitterID: &tx, TransmitterGeneration: g.user.Generation,
		TransmitterGenerationVariant: g.user.Variant, DisplayDevice: g.user.DisplayDevice,
		DisplayApp: ptr(g.user.DisplayApp), AlertSchedules: []dexcom.AlertSchedule{},
	}
	if g.user.Receiver() {
		return d // receivers may send no schedules at all
	}
	set := func(name string, v float64, unit string) dexcom.AlertSetting {
		ts, disp := g.times(time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC))
		return dexcom.AlertSetting{AlertName: name, Value: v, Unit: unit, Snooze: 30, Enabled: true,
			SystemTime: ts, DisplayTime: disp, Delay: ptr(0), SoundTheme: ptr("modern"), SoundOutputMode: ptr("sound")}
	}
	all := []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
	d.AlertSchedules = append(d.AlertSchedules, dexcom.AlertSchedule{
		AlertScheduleSettings: dexcom.AlertScheduleSettings{IsEnabled: true, IsDefaultSchedule: true,
			StartTime: "00:00", EndTime: "00:00", DaysOfWeek: all, IsActive: ptr(true)},
		AlertSettings: []dexcom.AlertSetting{
			set("high", 250, "mg/dL"), set("low", 70, "mg/dL"), set("urgentLow", 55, "mg/dL"),
			set("rise", 3, "mg/dL/min"), set("fall", 3, "mg/dL/min"), set("outOfRange", 20, "minutes"),
		},
	})
	if g.user.Generation == "g7" {
		d.AlertSchedules = append(d.AlertSchedules, dexcom.AlertSchedule{
			AlertScheduleSettings: dexcom.AlertScheduleSettings{AlertScheduleName: "Night", IsEnabled: true,
				StartTime: "22:00", EndTime: "06:00", DaysOfWeek: all, IsActive: ptr(false),
				Override: &dexcom.Override{Mode: "vibrate"}},
			AlertSettings: []dexcom.AlertSetting{set("high", 300, "mg/dL"), set("urgentLow", 55, "mg/dL")},
		})
	}
	return d
}

func ptr[T any](v T) *T { return &v }
