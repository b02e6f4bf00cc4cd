package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sync"
)

// loginRequest is a checked authorization request.
type loginRequest struct {
	App         App
	RedirectURI string
	State       string
	Path        string
}

// checkLogin validates the query (or form) like Dexcom does: a known client,
// an exactly registered redirect URI, response_type=code, scope offline_access.
func (s *Server) checkLogin(v url.Values, path string) (loginRequest, string) {
	req, problem, _ := s.checkLoginParams(v, path)
	return req, problem
}

// checkLoginParams is checkLogin that also tells whether the problem is
// with the OAuth parameters of a known client and registered redirect URI
// (oauthErr, an RFC 6749 error code), which an identity service answers
// with a redirect back carrying error=.
func (s *Server) checkLoginParams(v url.Values, path string) (req loginRequest, problem, oauthErr string) {
	s.mu.Lock()
	app, ok := s.apps[v.Get("client_id")]
	s.mu.Unlock()
	switch {
	case v.Get("client_id") == "":
		return loginRequest{}, "client_id is missing.", ""
	case !ok:
		return loginRequest{}, "client_id " + v.Get("client_id") + " is not a registered application.", ""
	case v.Get("redirect_uri") == "":
		return loginRequest{}, "redirect_uri is missing.", ""
	case !slices.Contains(app.RedirectURIs, v.Get("redirect_uri")):
		return loginRequest{}, "redirect_uri " + v.Get("redirect_uri") + " does not match a redirect URI registered for this application. It must match exactly, port and path included.", ""
	case v.Get("response_type") != "code":
		return loginRequest{}, "response_type must be code.", "unsupported_response_type"
	case v.Get("scope") != "offline_access":
		return loginRequest{}, "scope must be offline_access.", "invalid_scope"
	}
	return loginRequest{App: app, RedirectURI: v.Get("redirect_uri"), State: v.Get("state"), Path: path}, "", ""
}

// IdentityLoginPath is the simulator's stand-in for Dexcom's identity
// service, where its login redirects by default.
const IdentityLoginPath = "/identity/login"

// handleLoginPage is Dexcom's login URL. What Dexcom answers there is not
// documented; its sign-in runs on separate identity hosts, so by default
// the simulator redirects (302, the query kept) to its identity page, and
// with Config.LoginInPlace shows the form in place (200).
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.LoginInPlace {
		w.Header().Set("Location", IdentityLoginPath+"?"+r.URL.RawQuery)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusFound)
		return
	}
	req, problem := s.checkLogin(r.URL.Query(), r.URL.Path)
	if problem != "" {
		renderPage(w, http.StatusBadRequest, pageData{Error: problem})
		return
	}
	renderPage(w, http.StatusOK, pageData{Req: req, Users: Users})
}

// handleIdentityPage shows the form, as an identity service does: a bad
// client or redirect URI gets an error page (there is nowhere safe to send
// the browser), bad OAuth parameters a redirect back with error=.
func (s *Server) handleIdentityPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req, problem, oauthErr := s.checkLoginParams(q, r.URL.Path)
	switch {
	case oauthErr != "":
		back := url.Values{"error": {oauthErr}, "error_description": {problem}}
		if q.Get("state") != "" {
			back.Set("state", q.Get("state"))
		}
		redirect(w, q.Get("redirect_uri"), back)
	case problem != "":
		renderPage(w, http.StatusBadRequest, pageData{Error: problem})
	default:
		renderPage(w, http.StatusOK, pageData{Req: req, Users: Users})
	}
}

func (s *Server) handleLoginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		renderPage(w, http.StatusBadRequest, pageData{Error: "the form could not be read."})
		return
	}
	req, problem := s.checkLogin(r.PostForm, r.URL.Path)
	if problem != "" {
		renderPage(w, http.StatusBadRequest, pageData{Error: problem})
		return
	}
	q := url.Values{}
	if req.State != "" {
		q.Set("state", req.State)
	}
	if r.PostForm.Get("action") != "authorize" {
		q.Set("error", "access_denied")
		redirect(w, req.RedirectURI, q)
		return
	}
	user, ok := FindUser(r.PostForm.Get("user"))
	if !ok {
		renderPage(w, http.StatusBadRequest, pageData{Error: "pick one of the sandbox users."})
		return
	}
	code := "US_" + randomUUID() + "." + randomUUID() + "." + randomUUID()
	s.mu.Lock()
	s.codes[code] = &grant{clientID: req.App.ClientID, user: user, redirectURI: req.RedirectURI, expires: s.cfg.Now().Add(s.cfg.CodeTTL)}
	s.mu.Unlock()
	q.Set("code", code)
	redirect(w, req.RedirectURI, q)
}

func redirect(w http.ResponseWriter, to string, q url.Values) {
	u, _ := url.Parse(to) // registered URIs were parsed when checked
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

func randomUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

type pageData struct {
	Req   loginRequest
	Users []User
	Error string
}

func renderPage(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = loginPage().Execute(w, d)
}

var loginPage = sync.OnceValue(func() *template.Template { // parsed on first use, not in every process's init
	return template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dexcom Sandbox · Log in</title>
<style>
 body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f6f4;color:#1d2b24}
 header{background:#0b6e4f;color:#fff;padding:14px 24px;font-weight:600;letter-spacing:.02em}
 main{max-width:440px;margin:48px auto;background:#fff;border-radius:12px;box-shadow:0 2px 16px rgba(0,0,0,.08);padding:28px 32px}
 h1{font-size:22px;margin:0 0 8px} p{margin:8px 0 16px;color:#4a5a52}
 label{display:block;font-weight:600;margin-bottom:6px}
 select{width:100%;padding:10px;border:1px solid #b9c7bf;border-radius:8px;font-size:16px;background:#fff}
 .buttons{display:flex;gap:12px;margin-top:24px}
 button{flex:1;padding:12px;border-radius:8px;border:0;font-size:16px;font-weight:600;cursor:pointer}
 #authorize{background:#0b6e4f;color:#fff} #deny{background:#e6ebe8;color:#1d2b24}
 .error{border-left:4px solid #c0392b;background:#fdf1ef;padding:12px 16px;border-radius:4px}
 small{color:#6b7a72}
</style></head><body>
<header>Dexcom Sandbox · simulated by dexonboard</header>
<main>
{{if .Error}}
 <h1>Invalid request</h1>
 <p class="error" id="error">{{.Error}}</p>
 <small>Check the application's client ID and registered redirect URI.</small>
{{else}}
 <h1>Log in to the sandbox</h1>
 <p><strong>{{.Req.App.Name}}</strong> wants to read this user's CGM data. Sandbox users need no password.</p>
 <form method="post" action="{{.Req.Path}}">
  <input type="hidden" name="client_id" value="{{.Req.App.ClientID}}">
  <input type="hidden" name="redirect_uri" value="{{.Req.RedirectURI}}">
  <input type="hidden" name="response_type" value="code">
  <input type="hidden" name="scope" value="offline_access">
  <input type="hidden" name="state" value="{{.Req.State}}">
  <label for="user">Sandbox user</label>
  <select id="user" name="user">
  {{range .Users}}<option value="{{.Name}}">{{.Name}} · {{.Device}}</option>
  {{end}}</select>
  <div class="buttons">
   <button id="deny" type="submit" name="action" value="deny">Deny</button>
   <button id="authorize" type="submit" name="action" value="authorize">Authorize</button>
  </div>
 </form>
{{end}}
</main></body></html>
`))
})
