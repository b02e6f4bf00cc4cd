package ui

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/onboarding"
	"github.com/tryrook/dexonboard/internal/sandbox"
	"github.com/tryrook/dexonboard/internal/vault"
)

// updating reads -update, which x/exp/golden (under teatest) defines.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// fixedNow makes every screen the same on every run.
var fixedNow = time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC)

var testVaultOpts = vault.Options{KDF: vault.InsecureTestKDF, AllowWeakKDF: true}

const testPass = "violet-anchor-mosaic-7-tundra"

// world is a simulator on loopback and a vault, as the demo sets them up.
type world struct {
	sim      *sandbox.Server
	simURL   string
	loopback string
	path     string
}

func newWorld(t testing.TB) *world {
	t.Helper()
	loopback, err := connect.FreeRedirectURI()
	if err != nil {
		t.Fatal(err)
	}
	sim := sandbox.New(sandbox.Config{Now: func() time.Time { return fixedNow },
		Apps: []sandbox.App{sandbox.DemoApp(loopback, "https://rook.example/api/v1/dexcom/callback")}})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return &world{sim: sim, simURL: ts.URL, loopback: loopback, path: filepath.Join(t.TempDir(), "vault.db")}
}

// session is a fresh, locked session on the world's vault path.
func (w *world) session() *Session {
	return &Session{
		VaultPath: w.path, Create: !vault.Exists(w.path), APIBase: w.simURL, Now: func() time.Time { return fixedNow },
		HTTP:         http.DefaultClient,
		Open:         func(p []byte) (*vault.Vault, error) { return vault.Open(w.path, p, testVaultOpts) },
		CreateVault:  func(p []byte) (*vault.Vault, error) { return vault.Create(w.path, p, testVaultOpts) },
		Browse:       func(context.Context, string) error { return connect.ErrShowURLOnly },
		LoginTimeout: 20 * time.Second,
	}
}

// demoSession is unlocked on a demo profile, like `dexonboard demo`.
func (w *world) demoSession(t testing.TB) *Session {
	t.Helper()
	s := w.session()
	v, err := vault.Create(w.path, []byte(testPass), testVaultOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	p, err := v.CreateProfile("Demo Clinic")
	if err != nil {
		t.Fatal(err)
	}
	p.App(dexcom.Sandbox).RedirectURI = w.loopback
	if err := v.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	s.Vault, s.Profile, s.Progress = v, p, onboarding.NewProgress(onboarding.SandboxTrack, dexcom.Sandbox)
	s.VaultPath = "/tmp/dexonboard-demo/vault.db"
	users := []TestUser{}
	for _, u := range sandbox.Users {
		users = append(users, TestUser{Name: u.Name, Device: u.Device, Default: u.Name == "SandboxUser7"})
	}
	s.Throwaway = "/tmp/dexonboard-demo"
	s.TestLogins = &TestLogins{Users: users,
		LogIn: func(user string) func(context.Context, string) error {
			return sandbox.Autopilot(http.DefaultClient, user, true)
		}}
	s.OpenPortal = func(context.Context, string) error { return nil }
	s.Prefill = Prefill{ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret, ROOKRedirect: "https://rook.example/api/v1/dexcom/callback"}
	return s
}

// notDemo takes the demo's pieces off s: no prefilled values, no test
// logins, the client's own vault.
func notDemo(s *Session) {
	s.Prefill, s.ProductionPrefill, s.TestLogins, s.Throwaway, s.OpenPortal = Prefill{}, Prefill{}, nil, "", nil
}

// colors pins lipgloss's colour profile: the terminal's differs from CI's.
// Ascii is the package's default (TestMain pins it), so asking for it
// writes nothing and the test may run in parallel; another profile writes
// lipgloss's global, so a test asking for one stays serial (Go runs the
// parallel tests only once every serial one is done).
func colors(t testing.TB, profile termenv.Profile) {
	t.Helper()
	if profile == termenv.Ascii {
		return
	}
	t.Setenv("DEXONBOARD_TEST_COLORS", "pinned") // panics in a parallel test: the guard
	lipgloss.SetColorProfile(profile)
	lipgloss.SetHasDarkBackground(false)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
}

// send feeds msgs to the model directly, as the program would.
func send(m tea.Model, msgs ...tea.Msg) tea.Model {
	for _, msg := range msgs {
		m, _ = m.Update(msg)
	}
	return m
}

func keys(s ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range s {
		switch k {
		case "enter":
			out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			out = append(out, tea.KeyMsg{Type: tea.KeyEsc})
		case "right":
			out = append(out, tea.KeyMsg{Type: tea.KeyRight})
		case "left":
			out = append(out, tea.KeyMsg{Type: tea.KeyLeft})
		case "down":
			out = append(out, tea.KeyMsg{Type: tea.KeyDown})
		case "up":
			out = append(out, tea.KeyMsg{Type: tea.KeyUp})
		case "tab":
			out = append(out, tea.KeyMsg{Type: tea.KeyTab})
		case "space":
			out = append(out, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		case "ctrl+c":
			out = append(out, tea.KeyMsg{Type: tea.KeyCtrlC})
		default:
			out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
	return out
}

var loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)

func golden(t *testing.T, name string, got string) {
	t.Helper()
	got = loopbackPort.ReplaceAllString(got, "127.0.0.1:PORT") // free ports differ per run
	path := filepath.Join("..", "testdata", "ui", name+".golden")
	if updating() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./ui -update writes it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs from its golden file (go test ./ui -update rewrites it)\n--- got (ANSI stripped)\n%s", name, ansi.Strip(got))
	}
}

// typedStep3 is a wizard of s at 80x24 on step 3 with the demo's Client ID
// (and secret, when given) typed, not stored.
func typedStep3(s *Session, secret string) *Wizard {
	wiz := NewWizard(s)
	send(wiz, tea.WindowSizeMsg{Width: 80, Height: 24})
	wiz.goTo(int(onboarding.CollectCredentials))
	send(wiz, keys("enter")...)
	send(wiz, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(sandbox.DemoClientID), Paste: true})
	if secret != "" {
		send(wiz, keys("tab")...)
		send(wiz, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(secret), Paste: true})
	}
	send(wiz, keys("esc")...)
	return wiz
}
