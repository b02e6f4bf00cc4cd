package connect

import (
	"errors"
	"html/template"
	"net/http"
	"sync"
)

// writePage answers the browser with a small self-contained page: no
// third-party assets, no referrer, not cached.
func writePage(w http.ResponseWriter, r Result) {
	d := pageData{OK: r.Err == nil, Title: "Connected to Dexcom", Message: "The test user's login reached dexonboard. You can close this tab and return to the terminal."}
	status := http.StatusOK
	if r.Err != nil {
		d.Title, d.Message, status = "Login did not complete", r.Err.Error(), http.StatusBadRequest
		if errors.Is(r.Err, errAlreadyDone) {
			d.Title, status = "Already done", http.StatusConflict
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_ = resultPage().Execute(w, d)
}

type pageData struct {
	OK             bool
	Title, Message string
}

var resultPage = sync.OnceValue(func() *template.Template { // parsed on first use, not in every process's init
	return template.Must(template.New("result").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>dexonboard · {{.Title}}</title>
<style>
 body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f4f6fb;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933}
 .card{max-width:460px;background:#fff;border-radius:14px;box-shadow:0 6px 24px rgba(15,23,42,.08);padding:32px 36px;text-align:center}
 .icon{width:56px;height:56px;border-radius:50%;margin:0 auto 16px;display:flex;align-items:center;justify-content:center;font-size:30px;color:#fff}
 .ok{background:#16a34a} .bad{background:#dc2626}
 h1{font-size:22px;margin:0 0 8px} p{margin:0;color:#52606d} small{display:block;margin-top:20px;color:#9aa5b1}
</style></head><body>
<div class="card" id="{{if .OK}}result-success{{else}}result-failure{{end}}">
 <div class="icon {{if .OK}}ok{{else}}bad{{end}}">{{if .OK}}&#10003;{{else}}&#33;{{end}}</div>
 <h1>{{.Title}}</h1>
 <p>{{.Message}}</p>
 <small>dexonboard · you can close this tab</small>
</div></body></html>
`))
})
