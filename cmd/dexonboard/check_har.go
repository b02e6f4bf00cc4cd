package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/tryrook/dexonboard/internal/har"
	"github.com/tryrook/dexonboard/internal/service"
)

// transcript is --har: where to write the run's HTTP exchanges, and the
// recorder once the run started.
type transcript struct {
	path string
	rec  *har.Recorder
}

// startTranscript records every HTTP exchange the session makes from now
// on (Dexcom's API and login, and, through the ROOK leg's clients, ROOK's
// API and the webhook probe) when --har is given; nil otherwise. The
// run's secrets are named to the recorder so they are removed wherever
// they appear.
func (o *checkOptions) startTranscript(s *service.Session) *har.Recorder {
	if o.har.path == "" {
		return nil
	}
	rec := har.NewRecorder(nil)
	a := s.App()
	rec.Redact(a.ClientSecret.Reveal(), a.ROOKSecretKey.Reveal(), o.secrets.get("ROOK_SECRET_KEY"),
		o.secrets.get("DEXCOM_CLIENT_SECRET"), o.secrets.get("ROOK_HASH_KEY"))
	s.HTTP = rec.Client(s.HTTPClient(time.Minute))
	o.har.rec = rec
	return rec
}

// rookClient is the ROOK API's client for the leg: recorded with --har,
// else nil (rook's default with the per-call timeout).
func (o *checkOptions) rookClient() *http.Client {
	if o.har.rec == nil {
		return nil
	}
	return o.har.rec.Client(&http.Client{Timeout: o.rook.apiTimeout})
}

// writeTranscript writes the transcript to --har's file.
func (o *checkOptions) writeTranscript(e *env, rec *har.Recorder) error {
	if rec == nil {
		return nil
	}
	if err := rec.WriteFile(o.har.path); err != nil {
		return exitWith(exitFailure, err)
	}
	if !o.asJSON {
		fmt.Fprintln(e.ios.ErrOut, "wrote the HTTP transcript (HAR 1.2, secrets redacted) to", o.har.path)
	}
	return nil
}
