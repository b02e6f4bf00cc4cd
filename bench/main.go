// Command bench measures `dexonboard check` against a bare program making the
// same HTTP calls (bench/replay) on the same simulator (`dexonboard sandbox
// serve`), for 1, 7, 30 and 90 days, and the peak RSS of a 90-day check and
// check --demo. It builds both programs, runs each span several times and
// prints medians, the ratios and whether each target of issue 14 is met.
// The replay links the same password-strength estimator as dexonboard (its
// init cost is accepted, issue 22), so the ratio is what dexonboard adds.
//
//	go run ./bench            # from the repository root
//	go run ./bench -runs 9 -spans 1,90
//
// Wall time is the whole process, login included; peak RSS is the child's
// ru_maxrss (getrusage), as /usr/bin/time -v reports it.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/connect"
	"github.com/tryrook/dexonboard/internal/sandbox"
)

const (
	clientID     = sandbox.DemoClientID
	clientSecret = sandbox.DemoClientSecret // the simulator's fake demo secret
	maxRatio     = 1.5
	maxRSS       = 60 << 20
)

func main() {
	spans := flag.String("spans", "1,7,30,90", "days to check, comma-separated")
	runs := flag.Int("runs", 5, "runs per measurement (the median is shown)")
	user := flag.String("user", "SandboxUser7", "sandbox user")
	flag.BoolVar(&verbose, "v", false, "print every run")
	flag.Parse()
	if err := run(*spans, *runs, *user); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

var verbose bool

// sample is one run of a program.
type sample struct {
	wall time.Duration
	cpu  time.Duration // user + system
	rss  int64         // bytes
}

func run(spanList string, runs int, user string) error {
	dir, err := os.MkdirTemp("", "dexonboard-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, replay := filepath.Join(dir, "dexonboard"), filepath.Join(dir, "replay")
	for out, pkg := range map[string]string{bin: "./cmd/dexonboard", replay: "./bench/replay"} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	redirect, err := connect.FreeRedirectURI()
	if err != nil {
		return err
	}
	connect.Release(redirect) // the dexonboard processes bind it
	base, stop, err := serve(bin, redirect)
	if err != nil {
		return err
	}
	defer stop()

	fmt.Printf("machine: %s/%s, %d CPUs, %s; load average %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), loadAverage())
	fmt.Printf("%d runs each, medians; check includes its login (callback server, token exchange)\n\n", runs)
	fmt.Printf("%5s  %10s  %10s  %6s  %10s  %10s  %10s  %10s  %s\n", "days", "check", "replay", "ratio", "check CPU", "replay CPU", "check RSS", "replay RSS", "")
	failed := false
	for _, f := range strings.Split(spanList, ",") {
		days, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("-spans: %q is not a number", f)
		}
		var checks, replays []sample
		for range runs { // alternate, so both see the same machine load
			c, err := runCheck(bin, base, redirect, user, days)
			if err != nil {
				return err
			}
			r, err := runReplay(replay, base, redirect, user, days)
			if err != nil {
				return err
			}
			checks, replays = append(checks, c), append(replays, r)
			if verbose {
				fmt.Printf("       run: check %s (CPU %s), replay %s (CPU %s)\n", ms(c.wall), ms(c.cpu), ms(r.wall), ms(r.cpu))
			}
		}
		c, r := median(checks), median(replays)
		ratio := c.wall.Seconds() / r.wall.Seconds()
		verdict := "ok"
		if ratio > maxRatio || (days == 90 && c.rss > maxRSS) {
			verdict, failed = "OVER TARGET", true
		}
		fmt.Printf("%5d  %10s  %10s  %5.2fx  %10s  %10s  %10s  %10s  %s\n", days, ms(c.wall), ms(r.wall), ratio, ms(c.cpu), ms(r.cpu), mib(c.rss), mib(r.rss), verdict)
	}
	var demos []sample
	for range runs {
		d, err := measure(exec.Command(bin, "check", "--demo", "--days", "90", "--json"), nil)
		if err != nil {
			return fmt.Errorf("check --demo: %w", err)
		}
		demos = append(demos, d)
	}
	d := median(demos)
	verdict := "ok"
	if d.rss > maxRSS {
		verdict, failed = "OVER TARGET", true
	}
	fmt.Printf("\ncheck --demo --days 90: %s (CPU %s), peak RSS %s  %s\n", ms(d.wall), ms(d.cpu), mib(d.rss), verdict)
	fmt.Printf("targets: check <= %.1fx replay for every span; peak RSS <= %s for 90 days and --demo\n", maxRatio, mib(maxRSS))
	if failed {
		return errors.New("a target was missed")
	}
	return nil
}

// serve starts `dexonboard sandbox serve` on a free port and returns its URL.
func serve(bin, redirect string) (string, func(), error) {
	cmd := exec.Command(bin, "sandbox", "serve", "--addr", "127.0.0.1:0", "--rook-addr", "127.0.0.1:0", "--redirect-uri", redirect)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr // a failure to listen says why
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "base url: "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return u, stop, nil
		}
	}
	stop()
	return "", nil, errors.New("sandbox serve printed no base url")
}

// runCheck runs check and plays the browser: it reads the login URL from
// check's stderr, authorises as user and follows the redirect to check's
// callback server.
func runCheck(bin, base, redirect, user string, days int) (sample, error) {
	cmd := exec.Command(bin, "check", "--client-id", clientID, "--api-base", base, "--redirect-uri", redirect,
		"--no-browser", "--days", strconv.Itoa(days), "--json")
	cmd.Env = append(os.Environ(), "DEXCOM_CLIENT_SECRET="+clientSecret)
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return sample{}, err
	}
	s, err := measure(cmd, func() error {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), base+"/v2/oauth2/login?"); i >= 0 {
				err := authorize(sc.Text()[i:], user)
				go func() { _, _ = io.Copy(io.Discard, stderr) }()
				return err
			}
		}
		return errors.New("check printed no login URL")
	})
	if err != nil {
		return s, fmt.Errorf("check --days %d: %w\n%s", days, err, out.String())
	}
	var rep struct {
		OK bool `json:"ok"`
	}
	if json.Unmarshal(out.Bytes(), &rep) != nil || !rep.OK {
		return s, fmt.Errorf("check --days %d did not verify:\n%s", days, out.String())
	}
	return s, nil
}

func runReplay(replay, base, redirect, user string, days int) (sample, error) {
	cmd := exec.Command(replay, "-base", base, "-redirect-uri", redirect, "-user", user, "-days", strconv.Itoa(days))
	cmd.Env = append(os.Environ(), "DEXCOM_CLIENT_SECRET="+clientSecret)
	cmd.Stderr = os.Stderr
	return measure(cmd, nil)
}

// authorize submits the simulator's login form for loginURL and opens the
// redirect, as a browser would.
func authorize(loginURL, user string) error {
	u, err := url.Parse(loginURL)
	if err != nil {
		return err
	}
	form := u.Query()
	form.Set("user", user)
	form.Set("action", "authorize")
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		return err
	}
	resp.Body.Close()
	resp, err = http.Get(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// measure runs cmd (and during it, meanwhile) and reads its wall time and
// peak RSS.
func measure(cmd *exec.Cmd, meanwhile func() error) (sample, error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	var during error
	if meanwhile != nil {
		during = meanwhile()
	}
	err := cmd.Wait()
	s := sample{wall: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss: peakRSS(cmd.ProcessState)}
	return s, errors.Join(during, err)
}

func median(ss []sample) sample {
	walls := make([]time.Duration, len(ss))
	cpus := make([]time.Duration, len(ss))
	rss := make([]int64, len(ss))
	for i, s := range ss {
		walls[i], cpus[i], rss[i] = s.wall, s.cpu, s.rss
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	slices.Sort(rss)
	return sample{wall: walls[len(ss)/2], cpu: cpus[len(ss)/2], rss: rss[len(ss)/2]}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "cpu unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "cpu unknown"
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
