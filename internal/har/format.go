package har

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// HAR is the file: {"log": ...}.
type HAR struct {
	Log Log `json:"log"`
}

// Log is HAR 1.2's log object.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Entries []Entry `json:"entries"`
}

// Creator names the program that wrote the file.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one exchange.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         Timings  `json:"timings"`
	Error           string   `json:"_error,omitempty"` // no response: why (a custom field, as HAR allows)
}

// Request is HAR's request object.
type Request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []NameVal `json:"cookies"`
	Headers     []NameVal `json:"headers"`
	QueryString []NameVal `json:"queryString"`
	PostData    *PostData `json:"postData,omitempty"`
	HeadersSize int       `json:"headersSize"`
	BodySize    int       `json:"bodySize"`
}

// Response is HAR's response object.
type Response struct {
	Status      int       `json:"status"`
	StatusText  string    `json:"statusText"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []NameVal `json:"cookies"`
	Headers     []NameVal `json:"headers"`
	Content     Content   `json:"content"`
	RedirectURL string    `json:"redirectURL"`
	HeadersSize int       `json:"headersSize"`
	BodySize    int       `json:"bodySize"`
}

// NameVal is a header, cookie, query or form parameter.
type NameVal struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PostData is a request body.
type PostData struct {
	MimeType string    `json:"mimeType"`
	Params   []NameVal `json:"params"`
	Text     string    `json:"text"`
}

// Content is a response body.
type Content struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Timings are in milliseconds; -1 where not measured.
type Timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// Headers whose values are credentials.
var secretHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-rook-hash": true, "x-api-key": true,
}

// Parameter and JSON field names whose values are secrets.
var secretNames = map[string]bool{
	"code": true, "state": true, "client_secret": true, "access_token": true, "refresh_token": true,
	"id_token": true, "token": true, "session_state": true, "password": true, "secret": true,
	"secret_key": true, "hash_key": true, "secret_hash_key": true, "code_verifier": true, "assertion": true,
}

// redactor learns secret values while it builds entries, then scrubs them
// from all text.
type redactor struct {
	secrets map[string]bool
}

func newRedactor(known map[string]bool) *redactor {
	r := &redactor{secrets: map[string]bool{}}
	for v := range known {
		r.secrets[v] = true
	}
	return r
}

func (r *redactor) learn(v string) {
	if len(v) >= 4 && v != Redacted {
		r.secrets[v] = true
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (r *redactor) entry(e *entry) Entry {
	out := Entry{StartedDateTime: e.started.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Time: ms(e.total), Error: e.err,
		Timings: Timings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1, Send: 0, Wait: ms(e.wait), Receive: ms(e.total - e.wait)}}
	out.Request = r.request(e)
	out.Response = r.response(e)
	return out
}

func (r *redactor) request(e *entry) Request {
	req := e.req
	q := NameVals(req.URL.Query())
	for i := range q {
		q[i].Value = r.param(q[i].Name, q[i].Value)
	}
	out := Request{Method: req.Method, URL: r.url(req.URL.String()), HTTPVersion: proto(req.Proto), Cookies: r.cookies(req.Cookies()),
		Headers: r.headers(req.Header, req.Host), QueryString: q, HeadersSize: -1, BodySize: len(e.reqBody)}
	if req.Header.Get("Authorization") == "" {
		if u, p, ok := req.BasicAuth(); ok {
			r.learn(u + ":" + p)
			r.learn(p)
		}
	}
	if e.reqBody != nil {
		mt := req.Header.Get("Content-Type")
		pd := &PostData{MimeType: mt, Params: []NameVal{}, Text: string(e.reqBody)}
		if base, _, _ := mime.ParseMediaType(mt); base == "application/x-www-form-urlencoded" {
			if form, err := url.ParseQuery(string(e.reqBody)); err == nil {
				pd.Params = NameVals(form)
				for i := range pd.Params {
					pd.Params[i].Value = r.param(pd.Params[i].Name, pd.Params[i].Value)
				}
			}
		}
		r.jsonSecrets(e.reqBody)
		if !utf8.Valid(e.reqBody) {
			pd.Text = base64.StdEncoding.EncodeToString(e.reqBody)
		}
		out.PostData = pd
	}
	return out
}

func (r *redactor) response(e *entry) Response {
	resp := e.resp
	if resp == nil {
		return Response{Status: 0, HTTPVersion: "", Cookies: []NameVal{}, Headers: []NameVal{},
			Content: Content{MimeType: "x-unknown", Comment: "no response"}, HeadersSize: -1, BodySize: -1}
	}
	out := Response{Status: resp.StatusCode, StatusText: http.StatusText(resp.StatusCode), HTTPVersion: proto(resp.Proto),
		Cookies: r.cookies(resp.Cookies()), Headers: r.headers(resp.Header, ""), HeadersSize: -1, BodySize: len(e.respBody)}
	if loc := resp.Header.Get("Location"); loc != "" {
		out.RedirectURL = r.url(loc)
	}
	mt := resp.Header.Get("Content-Type")
	if mt == "" {
		mt = "x-unknown"
	}
	out.Content = Content{Size: len(e.respBody), MimeType: mt, Text: string(e.respBody)}
	r.jsonSecrets(e.respBody)
	if !utf8.Valid(e.respBody) {
		out.Content.Text, out.Content.Encoding = base64.StdEncoding.EncodeToString(e.respBody), "base64"
	}
	if e.truncated {
		out.Content.Comment = "truncated: only the start of the body was kept"
	}
	return out
}

// param redacts a named value and learns it.
func (r *redactor) param(name, value string) string {
	if secretNames[strings.ToLower(name)] && value != "" {
		r.learn(value)
		return Redacted
	}
	return value
}

// url redacts the secret parameters of a URL (and its user info).
func (r *redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw // scrubbed later like any text
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			r.learn(p)
		}
		u.User = url.User(Redacted)
	}
	q := u.Query()
	changed := false
	for name, vs := range q {
		for i, v := range vs {
			if nv := r.param(name, v); nv != v {
				vs[i], changed = nv, true
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func (r *redactor) headers(h http.Header, host string) []NameVal {
	out := []NameVal{}
	if host != "" {
		out = append(out, NameVal{"Host", host})
	}
	for _, n := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[n] {
			lower := strings.ToLower(n)
			switch {
			case secretHeaders[lower]:
				r.learnHeader(lower, v)
				v = Redacted
			case lower == "location" || lower == "referer":
				v = r.url(v)
			}
			out = append(out, NameVal{n, v})
		}
	}
	return out
}

// learnHeader learns a credential header's parts, so they are scrubbed
// wherever else they appear (a Basic password in a body, a token echoed).
func (r *redactor) learnHeader(name, v string) {
	r.learn(v)
	if scheme, cred, ok := strings.Cut(v, " "); ok && (name == "authorization" || name == "proxy-authorization") {
		r.learn(cred)
		if strings.EqualFold(scheme, "basic") {
			if b, err := base64.StdEncoding.DecodeString(cred); err == nil {
				if _, pass, ok := strings.Cut(string(b), ":"); ok {
					r.learn(pass)
				}
			}
		}
	}
	if name == "cookie" || name == "set-cookie" {
		for _, part := range strings.Split(v, ";") {
			if _, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
				r.learn(val)
			}
		}
	}
}

func (r *redactor) cookies(cs []*http.Cookie) []NameVal {
	out := []NameVal{}
	for _, c := range cs {
		r.learn(c.Value)
		out = append(out, NameVal{c.Name, Redacted})
	}
	return out
}

// jsonSecrets learns the values of secret fields anywhere in a JSON body.
func (r *redactor) jsonSecrets(b []byte) {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return
	}
	r.walk(v, 0)
}

func (r *redactor) walk(v any, depth int) {
	if depth > 32 {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if s, ok := c.(string); ok && secretNames[strings.ToLower(k)] {
				r.learn(s)
				continue
			}
			if s, ok := c.(string); ok && strings.Contains(s, "://") {
				r.url(s) // learns a URL's secret parameters (e.g. state in authorization_url)
			}
			r.walk(c, depth+1)
		}
	case []any:
		for _, c := range t {
			r.walk(c, depth+1)
		}
	}
}

// scrubEntry removes every learned value from all text of e.
func (r *redactor) scrubEntry(e *Entry) {
	s := r.scrubber()
	if s == nil {
		return
	}
	fix := func(p *string) { *p = s.Replace(*p) }
	fix(&e.Request.URL)
	fix(&e.Error)
	for _, list := range [][]NameVal{e.Request.Headers, e.Request.QueryString, e.Request.Cookies, e.Response.Headers, e.Response.Cookies} {
		for i := range list {
			fix(&list[i].Value)
		}
	}
	if pd := e.Request.PostData; pd != nil {
		fix(&pd.Text)
		for i := range pd.Params {
			fix(&pd.Params[i].Value)
		}
		scrubBase64(&pd.Text, s)
	}
	fix(&e.Response.RedirectURL)
	if e.Response.Content.Encoding == "base64" {
		scrubBase64(&e.Response.Content.Text, s)
	} else {
		fix(&e.Response.Content.Text)
	}
}

// scrubBase64 scrubs base64-encoded text (a binary body).
func scrubBase64(text *string, s *strings.Replacer) {
	b, err := base64.StdEncoding.DecodeString(*text)
	if err != nil {
		return
	}
	*text = base64.StdEncoding.EncodeToString([]byte(s.Replace(string(b))))
}

// scrubber replaces each learned value, and its URL- and JSON-escaped
// forms, longest first so a value inside another goes with it.
func (r *redactor) scrubber() *strings.Replacer {
	if len(r.secrets) == 0 {
		return nil
	}
	var vals []string
	for v := range r.secrets {
		vals = append(vals, v)
		for _, alt := range []string{url.QueryEscape(v), url.PathEscape(v), jsonEscaped(v)} {
			if alt != v {
				vals = append(vals, alt)
			}
		}
	}
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	pairs := make([]string, 0, 2*len(vals))
	for _, v := range vals {
		pairs = append(pairs, v, Redacted)
	}
	return strings.NewReplacer(pairs...)
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

// NameVals lists url.Values in name order.
func NameVals(v url.Values) []NameVal {
	out := []NameVal{}
	for _, n := range slices.Sorted(maps.Keys(v)) {
		for _, val := range v[n] {
			out = append(out, NameVal{n, val})
		}
	}
	return out
}

func proto(p string) string {
	if p == "" {
		return "HTTP/1.1"
	}
	return p
}
