// Command replay is the bare program `go run ./bench` compares `dexonboard
// check` with: it logs a sandbox user in and makes the same HTTP calls as
// check (dataRange, devices, then the EGV and event windows, 4 in flight),
// reading each answer to the end without decoding it. It is the network
// floor: the simulator's time, the transfer and the start-up cost of the
// password-strength estimator dexonboard links, and nothing else.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	// dexonboard links this estimator, whose package init builds its
	// dictionaries in every process (~22 ms CPU, ~10 MB), a cost accepted
	// in issue 22. Linking it here too makes the ratio measure only what
	// dexonboard adds beyond it.
	_ "github.com/trustelem/zxcvbn"
)

const (
	layout    = "2006-01-02T15:04:05"
	maxWindow = 30 * 24 * time.Hour
)

func main() {
	base := flag.String("base", "", "simulator base URL")
	clientID := flag.String("client-id", "dexonboard-demo-app", "client id")
	redirect := flag.String("redirect-uri", "", "registered redirect URI")
	user := flag.String("user", "SandboxUser7", "sandbox user")
	days := flag.Int("days", 1, "days of data")
	flag.Parse()
	if err := run(*base, *clientID, os.Getenv("DEXCOM_CLIENT_SECRET"), *redirect, *user, *days); err != nil {
		fmt.Fprintln(os.Stderr, "replay:", err)
		os.Exit(1)
	}
}

func run(base, clientID, secret, redirect, user string, days int) error {
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(base+"/v2/oauth2/login", url.Values{"client_id": {clientID}, "redirect_uri": {redirect},
		"response_type": {"code"}, "scope": {"offline_access"}, "state": {"replay"}, "user": {user}, "action": {"authorize"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return fmt.Errorf("login: no code in %q", resp.Header.Get("Location"))
	}
	resp, err = hc.PostForm(base+"/v2/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {redirect}, "client_id": {clientID}, "client_secret": {secret}})
	if err != nil {
		return err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		return fmt.Errorf("token: %v", err)
	}
	get := func(path string, q url.Values, out any) error {
		u := base + path
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		if out != nil {
			return json.NewDecoder(resp.Body).Decode(out)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}

	now := time.Now()
	start := now.Add(-time.Duration(days) * 24 * time.Hour)
	var dr struct{ EGVs, Events *extent }
	if err := get("/v3/users/self/dataRange", nil, &dr); err != nil {
		return err
	}
	type call struct {
		path string
		q    url.Values
	}
	calls := []call{{"/v3/users/self/devices", nil}}
	for _, k := range []struct {
		path string
		x    *extent
	}{{"/v3/users/self/egvs", dr.EGVs}, {"/v3/users/self/events", dr.Events}} {
		s, e := k.x.narrow(start, now)
		for ws := s; ws.Before(e); ws = ws.Add(maxWindow) {
			we := earlier(ws.Add(maxWindow), e)
			calls = append(calls, call{k.path, url.Values{"startDate": {ws.UTC().Format(layout)}, "endDate": {we.UTC().Format(layout)}}})
		}
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	errs := make([]error, len(calls))
	for i, c := range calls {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			errs[i] = get(c.path, c.q, nil)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// extent is a dataRange kind: first and last record.
type extent struct {
	Start struct {
		SystemTime string `json:"systemTime"`
	} `json:"start"`
	End struct {
		SystemTime string `json:"systemTime"`
	} `json:"end"`
}

// narrow cuts [start, end) to the extent, as check does.
func (x *extent) narrow(start, end time.Time) (time.Time, time.Time) {
	if x == nil {
		return start.Truncate(time.Second), end.Truncate(time.Second)
	}
	first, err1 := parse(x.Start.SystemTime)
	last, err2 := parse(x.End.SystemTime)
	if err1 != nil || err2 != nil {
		return start.Truncate(time.Second), end.Truncate(time.Second)
	}
	last = last.Add(time.Second)
	if last.After(start) && first.Before(end) {
		start, end = later(start, first), earlier(end, last)
	}
	return start.UTC().Truncate(time.Second), end.UTC().Truncate(time.Second)
}

func parse(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation(layout, strings.TrimSuffix(s, "Z"), time.UTC)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
