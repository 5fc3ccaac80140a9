package webapp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
	"specbot/webapp"
)

const (
	token      = "123456:SECRET-webapp-token"
	otherToken = "654321:SECRET-other-bot"
)

// sheetNow is the dialogs' clock: outside any window.
func sheetNow() time.Time {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		panic(err)
	}
	return time.Date(2026, time.November, 25, 12, 0, 0, 0, loc)
}

// woken records the chats whose delivery the handler woke.
type woken struct {
	mu    sync.Mutex
	chats map[int64]int
}

func (w *woken) Deliver(_ context.Context, chatID int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.chats == nil {
		w.chats = map[int64]int{}
	}
	w.chats[chatID]++
}

func newHandler(t *testing.T, n webapp.Notifier) (*webapp.Handler, *app.App) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "specbot.db"))
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	t.Cleanup(func() { db.Close() })
	engine := dialogs.NewEngine(eligibility.DefaultCatalog(), time.UTC)
	engine.Now = sheetNow
	a := &app.App{DB: db, Engine: engine}
	return webapp.New(webapp.Config{App: a, Token: token, Notifier: n, Now: sheetNow}), a
}

func signed(tok string, at time.Time, user string) string {
	f := url.Values{"auth_date": {strconv.FormatInt(at.Unix(), 10)}, "query_id": {"AAE"}}
	if user != "" {
		f.Set("user", user)
	}
	return webapp.Sign(tok, f)
}

const oleg = `{"id":77,"first_name":"Oleg","last_name":"Ivanov","username":"oleg","language_code":"en"}`

func do(t *testing.T, h http.Handler, method, path, initData, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if initData != "" {
		r.Header.Set("Authorization", "tma "+initData)
	}
	r.Header.Set("Origin", "https://evil.example")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerRefusesWhatTelegramDidNotSign(t *testing.T) {
	h, _ := newHandler(t, nil)
	valid := signed(token, sheetNow().Add(-time.Minute), oleg)
	cases := map[string]string{
		"none":          "",
		"tampered":      strings.Replace(valid, "Oleg", "Olga", 1),
		"expired":       signed(token, sheetNow().Add(-2*time.Hour), oleg),
		"foreign bot":   signed(otherToken, sheetNow().Add(-time.Minute), oleg),
		"without user":  signed(token, sheetNow().Add(-time.Minute), ""),
		"bearer scheme": "",
	}
	for name, init := range cases {
		t.Run(name, func(t *testing.T) {
			for _, call := range [][2]string{{"GET", "/app/api/sheet"}, {"POST", "/app/api/preview"}, {"POST", "/app/api/submit"}} {
				r := httptest.NewRequest(call[0], call[1], strings.NewReader(`{}`))
				if init != "" {
					r.Header.Set("Authorization", "tma "+init)
				}
				if name == "bearer scheme" {
					r.Header.Set("Authorization", "Bearer "+valid)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				assert.Equal(t, http.StatusUnauthorized, w.Code, call[1])
				assert.Contains(t, w.Body.String(), "Telegram")
			}
		})
	}
}

func TestHandlerHeaders(t *testing.T) {
	h, _ := newHandler(t, nil)
	for _, path := range []string{"/app/", "/app/app.js", "/app/app.css", "/app/api/sheet"} {
		w := do(t, h, "GET", path, signed(token, sheetNow(), oleg), "")
		assert.Equal(t, http.StatusOK, w.Code, path)
		csp := w.Header().Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'none'", path)
		assert.Contains(t, csp, "connect-src 'self'", path)
		assert.Empty(t, w.Header().Get("Access-Control-Allow-Origin"), "no CORS: the page calls its own origin")
		assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	}
	w := do(t, h, "OPTIONS", "/app/api/submit", "", "")
	assert.NotEqual(t, http.StatusOK, w.Code)
	assert.Empty(t, w.Header().Get("Access-Control-Allow-Origin"))
}

func TestHandlerLimitsBodies(t *testing.T) {
	h, _ := newHandler(t, nil)
	init := signed(token, sheetNow(), oleg)
	big := `{"company":"` + strings.Repeat("x", 70<<10) + `"}`
	assert.Equal(t, http.StatusRequestEntityTooLarge, do(t, h, "POST", "/app/api/preview", init, big).Code)
	assert.Equal(t, http.StatusBadRequest, do(t, h, "POST", "/app/api/preview", init, `{"chat_id": 1}`).Code, "no field names another chat")
	assert.Equal(t, http.StatusBadRequest, do(t, h, "POST", "/app/api/submit", init, `[`).Code)
}

func TestHandlerSubmit(t *testing.T) {
	sent := &woken{}
	h, a := newHandler(t, sent)
	init := signed(token, sheetNow().Add(-time.Minute), oleg)

	w := do(t, h, "GET", "/app/api/sheet", init, "")
	require.Equal(t, http.StatusOK, w.Code)
	var sheet struct {
		Lang   string            `json:"lang"`
		Labels map[string]string `json:"labels"`
		Form   dialogs.SheetForm `json:"form"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &sheet))
	assert.Equal(t, "en", sheet.Lang)
	assert.Equal(t, "Save and get the verdict", sheet.Labels["submit"])

	in := `{"specs":["devops"],"answers":{"f:partner_agreement":"yes","f:consumption_rub_year.devops":"lots"},"employees":[]}`
	w = do(t, h, "POST", "/app/api/submit", init, in)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `"ok":false`)
	assert.Contains(t, w.Body.String(), "12.5 mln")
	assert.Empty(t, sent.chats)

	in = `{"specs":["devops"],"answers":{"f:partner_agreement":"yes","f:consumption_rub_year.devops":"2.5 mln"},"employees":[{"name":"Anna","certs":["cloud_service_engineer"]}]}`
	w = do(t, h, "POST", "/app/api/submit", init, in)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Contains(t, w.Body.String(), `"ok":true`)
	assert.Equal(t, 1, sent.chats[77], "the delivery of the user's own chat is woken")
	unsent, err := a.Unsent(context.Background(), 77, 0)
	require.NoError(t, err)
	require.Len(t, unsent, 1, "the verdict waits in the user's own chat's outbox, stored with the sheet")
	require.NotEmpty(t, unsent[0].Messages)
	assert.Contains(t, unsent[0].Messages[0].Text, "DevOps")

	p, err := a.DB.Partner(context.Background(), 77)
	require.NoError(t, err)
	assert.Equal(t, "Oleg Ivanov", p.Name)
	r, err := a.DB.LatestReport(context.Background(), 77)
	require.NoError(t, err)
	factsData, err := json.Marshal(r.Facts)
	require.NoError(t, err)
	assert.JSONEq(t, `{"partner_agreement":true,"consumption_rub_year":{"devops":2500000},"employees":[{"name":"Anna","certs":["cloud_service_engineer"]}]}`, string(factsData))
	body, _ := io.ReadAll(do(t, h, "GET", "/app/", "", "").Body)
	assert.Contains(t, string(body), `src="app.js"`)
}

// TestHandlerMonthEarned: the form offers a month field per certificate,
// labelled in the user's language; a month that is no month, or is still
// to come, is refused with the field named and nothing sent; a good one
// is stored with the register.
func TestHandlerMonthEarned(t *testing.T) {
	sent := &woken{}
	h, a := newHandler(t, sent)
	init := signed(token, sheetNow().Add(-time.Minute), oleg)
	w := do(t, h, "GET", "/app/api/sheet", init, "")
	require.Equal(t, http.StatusOK, w.Code)
	var sheet struct {
		Labels map[string]string `json:"labels"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &sheet))
	assert.Equal(t, "Month earned (optional)", sheet.Labels["earned"])

	body := func(month string) string {
		return `{"specs":["devops"],"answers":{"f:partner_agreement":"yes"},"employees":[{"name":"Anna","certs":["cloud_service_engineer"],"earned":{"cloud_service_engineer":"` + month + `"}}]}`
	}
	for month, want := range map[string]string{
		"2025-13": "Anna, Cloud service engineer: that is not a month",
		"2026-12": "Anna, Cloud service engineer: that month has not come yet",
	} {
		w = do(t, h, "POST", "/app/api/submit", init, body(month))
		require.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), `"ok":false`, month)
		assert.Contains(t, w.Body.String(), `"field":"employees.0.earned.cloud_service_engineer"`, month)
		assert.Contains(t, w.Body.String(), want, month)
	}
	assert.Empty(t, sent.chats, "nothing sent for a bad month")

	w = do(t, h, "POST", "/app/api/submit", init, body("2025-04"))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Contains(t, w.Body.String(), `"ok":true`)
	r, err := a.DB.LatestReport(context.Background(), 77)
	require.NoError(t, err)
	require.Len(t, r.Facts.Employees, 1)
	assert.Equal(t, map[string]string{"cloud_service_engineer": "2025-04"}, r.Facts.Employees[0].Earned)
}
