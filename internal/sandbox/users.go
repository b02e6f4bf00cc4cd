package sandbox

import "time"

// User is one simulated sandbox user: the device it wears and the shape of
// its glucose.
type User struct {
	Name          string // as in Dexcom's dropdown: SandboxUser1 … SandboxUser7
	Device        string // shown beside the name
	Generation    string // transmitterGeneration
	Variant       string // transmitterGenerationVariant
	DisplayDevice string // receiver, iOS, android
	DisplayApp    string
	Offset        time.Duration // the user's local time; receivers send it without a zone
	Calibrations  bool          // G6 receivers calibrate; phones and ONE do not here
	Events        bool          // Dexcom ONE has no events
	WarmUp        time.Duration // no readings at the start of each sensor session
	Mean          float64       // centre of the user's glucose
	MealScale     float64       // how high meals go
}

// Receiver reports whether the data comes from a receiver (zoneless times).
func (u User) Receiver() bool { return u.DisplayDevice == "receiver" }

// Users are the sandbox's test users. SandboxUser6 is G6 and SandboxUser7 G7
// as in Dexcom's own docs; the others' devices are not documented, so these
// cover receivers, both phone platforms and Dexcom ONE.
var Users = []User{
	{Name: "SandboxUser1", Device: "G6 · receiver", Generation: "g6", Variant: "g6", DisplayDevice: "receiver", DisplayApp: "receiver", Offset: -5 * time.Hour, Calibrations: true, Events: true, WarmUp: 2 * time.Hour, Mean: 140, MealScale: 1.0},
	{Name: "SandboxUser2", Device: "G6 · iOS app", Generation: "g6", Variant: "g6", DisplayDevice: "iOS", DisplayApp: "G6", Offset: -8 * time.Hour, Events: true, WarmUp: 2 * time.Hour, Mean: 125, MealScale: 0.8},
	{Name: "SandboxUser3", Device: "G6 · Android app", Generation: "g6", Variant: "g6", DisplayDevice: "android", DisplayApp: "G6", Offset: time.Hour, Events: true, WarmUp: 2 * time.Hour, Mean: 150, MealScale: 1.1},
	{Name: "SandboxUser4", Device: "G6 · receiver", Generation: "g6", Variant: "g6", DisplayDevice: "receiver", DisplayApp: "receiver", Offset: -6 * time.Hour, Calibrations: true, Events: true, WarmUp: 2 * time.Hour, Mean: 165, MealScale: 1.3},
	{Name: "SandboxUser5", Device: "Dexcom ONE · Android app", Generation: "g6", Variant: "d1+", DisplayDevice: "android", DisplayApp: "DexcomOne", Offset: -7 * time.Hour, WarmUp: 2 * time.Hour, Mean: 135, MealScale: 0.9},
	{Name: "SandboxUser6", Device: "G6 · iOS app", Generation: "g6", Variant: "g6", DisplayDevice: "iOS", DisplayApp: "G6", Offset: -7 * time.Hour, Events: true, WarmUp: 2 * time.Hour, Mean: 130, MealScale: 1.0},
	{Name: "SandboxUser7", Device: "G7 · iOS app", Generation: "g7", Variant: "g7", DisplayDevice: "iOS", DisplayApp: "G7", Offset: -7 * time.Hour, Events: true, WarmUp: 30 * time.Minute, Mean: 120, MealScale: 1.0},
}

// FindUser looks a user up by name.
func FindUser(name string) (User, bool) {
	for _, u := range Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}
