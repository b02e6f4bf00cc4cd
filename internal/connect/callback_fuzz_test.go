package connect

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/tryrook/dexonboard/internal/safetext"
)

// FuzzJudgeCallback feeds arbitrary queries to the callback's judge: it must
// not panic, must accept only a query whose one state equals the login's,
// must never hand back a code together with an error, and must never let a
// control character or escape into the error text.
func FuzzJudgeCallback(f *testing.F) {
	const state = "sandbox.abc"
	for _, seed := range []string{
		"code=the-code&state=" + state,
		"state=" + state,
		"error=access_denied&state=" + state,
		"error=invalid_scope&error_description=bad+scope&state=" + state,
		"error=x%1B%5B31m%1B%5D52%3Bc%3Bcm0%07&error_description=%C2%9B1m%E2%80%AE&state=" + state,
		"error=access_denied",
		"code=forged",
		"code=forged&state=sandbox.xyz",
		"code=a&state=" + state + "&state=" + state,
		"state=" + state + ";code=x",
		"state=%zz&code=x",
		"code=%FF%FE&state=" + state,
		"error=" + strings.Repeat("%E2%82%AC", 200) + "&state=" + state,
		"",
		"&&&==&",
	} {
		f.Add(seed, state)
	}
	f.Add("code=x&state=", "")
	f.Fuzz(func(t *testing.T, raw, state string) {
		res, ours := judgeCallback(raw, state)
		q, _ := url.ParseQuery(raw)
		if ours && (state == "" || len(q["state"]) != 1 || q["state"][0] != state) {
			t.Fatalf("accepted %q for state %q", raw, state)
		}
		if !ours && !errors.Is(res.Err, ErrStateMismatch) {
			t.Fatalf("ignored %q without saying why: %v", raw, res.Err)
		}
		if (res.Code == "") == (res.Err == nil) {
			t.Fatalf("code %q and err %v together", res.Code, res.Err)
		}
		if res.Err != nil {
			if msg := res.Err.Error(); safetext.Has(msg) {
				t.Fatalf("error text keeps control characters: %q", msg)
			}
		}
		var ae *AuthError
		if errors.As(res.Err, &ae) && (len(ae.Code) > maxParamLen+len("…") || len(ae.Description) > maxParamLen+len("…")) {
			t.Fatalf("error text not cut short: %d, %d bytes", len(ae.Code), len(ae.Description))
		}
	})
}
