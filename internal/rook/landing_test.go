package rook_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryrook/dexonboard/internal/rook"
)

// The landing page settles on the first arrival at its exact path from a
// loopback Host, and reads ROOK's error clean.
func TestLandingPage(t *testing.T) {
	l, err := rook.ListenLanding("")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if !strings.HasPrefix(l.URL(), "http://127.0.0.1:") || strings.HasSuffix(l.URL(), ":0") {
		t.Fatalf("url %s", l.URL())
	}
	base := l.URL()[:strings.Index(l.URL()[7:], "/")+7]
	for _, u := range []string{base + "/", base + "/rook/connected/guess"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Fatalf("%s answered %d", u, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, l.URL(), nil)
	req.Host = "evil.example"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Fatalf("foreign Host: %v %v", resp, err)
	}
	resp, err := http.Get(l.URL() + "?error=token_exchange_failed&error_description=bad%1b[31m")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got, err := l.Wait(context.Background(), 5*time.Second)
	if err != nil || got.Error != "token_exchange_failed" || strings.ContainsRune(got.Description, 0x1b) {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := rook.ListenLanding("http://example.com:80/x"); err == nil {
		t.Fatal("a non-loopback landing was accepted")
	}
}

// Many arrivals at once (a reload, two tabs): the first settles the wait,
// every one gets a page, none blocks.
func TestLandingManyArrivalsAtOnce(t *testing.T) {
	for range 20 {
		l, err := rook.ListenLanding("")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := http.Get(l.URL() + "?n=" + strconv.Itoa(i))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("arrival %d answered %d", i, resp.StatusCode)
				}
			}()
		}
		wg.Wait()
		if got, err := l.Wait(context.Background(), 5*time.Second); err != nil || got.Error != "" {
			t.Fatalf("%+v %v", got, err)
		}
		l.Close()
	}
}
