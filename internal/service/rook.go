package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tryrook/dexonboard/internal/dexcom"
	"github.com/tryrook/dexonboard/internal/rook"
	"github.com/tryrook/dexonboard/internal/safetext"
)

// ROOKFinding is a misconfiguration found on the way through ROOK, named
// with its fix in the guide's words. Client IDs and URLs are not secrets
// and are shown whole.
type ROOKFinding struct {
	Cause string
	Fix   string
	Err   error // the underlying error or *rook.AuthURLProblem
}

func (f *ROOKFinding) Error() string { return f.Cause + ": " + f.Fix }

// Unwrap gives errors.Is/As the underlying error.
func (f *ROOKFinding) Unwrap() error { return f.Err }

// CheckROOKAuthorizationURL checks the authorization URL ROOK's authorizer
// returned against what the client set up: the Dexcom host of the track's
// environment (dexcomBase), Step 3's Client ID and Step 4's ROOK Redirect
// URL, then that Dexcom's login leads to a login page for it (when hc is
// not nil; redirects to Dexcom's hosts are followed). It returns nil when all hold.
func CheckROOKAuthorizationURL(ctx context.Context, hc *http.Client, authURL, dexcomBase, clientID, rookRedirect string) *ROOKFinding {
	p := rook.InspectAuthorizationURL(ctx, hc, authURL, rook.Expected{DexcomBase: dexcomBase, ClientID: clientID, RedirectURL: rookRedirect})
	if p == nil {
		return nil
	}
	f := &ROOKFinding{Err: p}
	switch p.Mismatch {
	case rook.WrongClientID:
		f.Cause = fmt.Sprintf("ROOK holds Client ID '%s', Step 3 has '%s'", p.Got, p.Want)
		f.Fix = "ask your CSE to correct it (Step 4)"
	case rook.WrongRedirectURI:
		f.Cause = fmt.Sprintf("ROOK sends Dexcom the Redirect URL '%s', Step 4 has '%s'", p.Got, p.Want)
		f.Fix = "paste the Redirect URL your CSE sent into Step 4 and into your Dexcom app (Step 5), or ask them which one is right"
	case rook.WrongDexcomHost:
		f.Cause = fmt.Sprintf("ROOK sends users to %s, but this track's Dexcom is %s", p.Got, p.Want)
		f.Fix = "ask your CSE to use the app of this environment (Step 4)"
	case rook.DexcomRefused:
		f.Cause, f.Fix = dexcomRefusal(p, clientID)
	case rook.DexcomUnreachable:
		f.Cause = "Dexcom's login page could not be reached (" + p.Detail + ")"
		f.Fix = "check the network and try again"
	default: // not a URL, not Dexcom's login, odd OAuth parameters
		f.Cause = "ROOK's authorization URL is not a Dexcom login: " + p.Error()
		f.Fix = "ask your CSE to check the Dexcom connection of your client (Step 4)"
	}
	return f
}

// nameHostMix says a wrong Dexcom host in the words of the two kinds of
// environment: a sandbox app works only at Dexcom's sandbox, a production
// app only at production, and ROOK's sandbox goes with the sandbox. track
// is the track's Dexcom environment ("" : read from the expected host,
// else ROOK's env).
func nameHostMix(f *ROOKFinding, env rook.Environment, track dexcom.Environment) {
	var p *rook.AuthURLProblem
	if !errors.As(f.Err, &p) || p.Mismatch != rook.WrongDexcomHost {
		return
	}
	prod := env == rook.Production
	if e, ok := dexcomEnvAt(p.Want); ok {
		prod = e.IsProduction()
	} else if track != "" && track != dexcom.Custom {
		prod = track.IsProduction()
	}
	kind := map[bool]string{false: "sandbox", true: "production"}[prod]
	got := "a host that is not Dexcom's"
	if e, ok := dexcomEnvAt(p.Got); ok && e.IsProduction() {
		got = "Dexcom production"
	} else if ok {
		got = "Dexcom's sandbox"
	}
	f.Cause = fmt.Sprintf("sandbox and production are mixed: ROOK's %s environment sends users to %s (%s), but this is the %s track, whose Dexcom is %s",
		env, got, p.Got, kind, p.Want)
	if string(env) != kind {
		f.Fix = fmt.Sprintf("check the %s track against ROOK's %s environment (its own client UUID and secret key): each environment has its own ROOK client and its own Dexcom app", kind, kind)
		return
	}
	f.Fix = fmt.Sprintf("each environment has its own Dexcom app: ask your CSE to give ROOK's %s environment your %s app's Client ID and Secret (Step 4)", env, kind)
}

// dexcomEnvAt is the real Dexcom environment whose host base is.
func dexcomEnvAt(base string) (dexcom.Environment, bool) {
	for _, e := range dexcom.Environments {
		if strings.EqualFold(strings.TrimRight(base, "/"), e.BaseURL()) {
			return e, true
		}
	}
	return "", false
}

// dexcomRefusal names what Dexcom's login refused. Dexcom's words decide
// (rook.AuthURLProblem.Names): an unknown Client ID is named as such even
// when the message mentions the redirect URI too.
func dexcomRefusal(p *rook.AuthURLProblem, clientID string) (cause, fix string) {
	head := fmt.Sprintf("Dexcom answers %d", p.Status)
	words := p.Detail
	if r := p.Refusal; r != nil {
		words = strings.TrimSpace(r.Code + " " + r.Detail)
		if r.OffHost || r.TooMany {
			return r.Error(), "ask your CSE to check the Dexcom connection of your client (Step 4); send them this message"
		}
	}
	switch p.Names() {
	case rook.WrongClientID:
		return fmt.Sprintf("%s: Dexcom does not know Client ID '%s' (%s)", head, clientID, words),
			"check the Client ID on your app's page in Dexcom's portal (Step 3) and ask your CSE to correct it (Step 4)"
	case rook.WrongRedirectURI:
		return head + " invalid redirect_uri (" + words + ")", "paste ROOK's Redirect URL into your Dexcom app (Step 5)"
	}
	cause = head
	if words != "" {
		cause += " (" + words + ")"
	}
	return cause, "check the app's Client ID (Step 3) and that ROOK's Redirect URL is registered in it (Step 5)"
}

// ExplainROOKError names a ROOK API error with its fix; env is the ROOK
// environment whose credentials were used. Errors it does not know come
// back with a generic fix.
func ExplainROOKError(err error, env rook.Environment) *ROOKFinding {
	f := &ROOKFinding{Cause: err.Error(), Err: err}
	switch {
	case errors.Is(err, rook.ErrBadCredentials):
		f.Cause = "ROOK refused the client UUID and secret key"
		f.Fix = fmt.Sprintf("copy them again from ROOK's client portal, %s environment (each environment has its own)", env)
	case errors.Is(err, rook.ErrDataSourceNotEnabled):
		f.Cause = "Dexcom is not enabled for your ROOK client"
		f.Fix = "ask your CSE to enable the Dexcom button on your ROOK client portal (Step 4)"
	case errors.Is(err, rook.ErrNotFound):
		f.Cause = "ROOK answers that the URL does not exist (404: a wrong API host or path): " + safetext.Line(err.Error())
		f.Fix = fmt.Sprintf("check the ROOK API address: %s is %s", env, env.BaseURL())
	case errors.Is(err, rook.ErrRedirectURL), errors.Is(err, rook.ErrRedirectRefused):
		f.Cause = safetext.Line(err.Error())
		f.Fix = "leave redirect_url out (ROOK's default): dexonboard asks ROOK's list instead; redirect_url needs ROOK's Callback URL add-on"
	case errors.As(err, new(*rook.UserIDError)):
		f.Cause = safetext.Line(err.Error())
		f.Fix = "use letters, digits and hyphens only, at most 50"
	case errors.Is(err, rook.ErrMalformedDate):
		f.Cause = "ROOK refused the date"
		f.Fix = "use YYYY-MM-DD"
	case errors.Is(err, rook.ErrRateLimited):
		f.Fix = "wait a minute and try again"
	case errors.Is(err, rook.ErrServer):
		f.Fix = "ROOK had a server problem; try again in a few minutes"
	default:
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			f.Fix = "ROOK did not answer in time; check the network (and --rook-api-base) and try again"
		} else {
			f.Fix = "check the ROOK API address and the network, then try again"
		}
	}
	return f
}

// ROOKAuthorizationCheck is CheckROOKAuthorizationURL for the session's
// track: its Dexcom host, Step 3's Client ID and Step 4's Redirect URL.
func (s *Session) ROOKAuthorizationCheck(ctx context.Context, authURL string) (*ROOKFinding, error) {
	app := s.App()
	switch {
	case app.ClientID == "":
		return nil, ErrNoClientID
	case app.ROOKRedirectURL == "":
		return nil, ErrNoROOKRedirect
	}
	ep, err := s.Endpoints(s.Progress.Env)
	if err != nil {
		return nil, err
	}
	return CheckROOKAuthorizationURL(ctx, s.HTTPClient(20*time.Second), authURL, ep.BaseURL, app.ClientID, app.ROOKRedirectURL), nil
}

// ROOKEnvironment is the ROOK environment of a Dexcom environment: the
// sandbox app goes with ROOK's sandbox, every production region with ROOK's
// production.
func ROOKEnvironment(env dexcom.Environment) rook.Environment {
	if env.IsProduction() {
		return rook.Production
	}
	return rook.Sandbox
}
