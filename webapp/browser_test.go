package webapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/bot"
	"specbot/bot/telegramtest"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
	"specbot/webapp"
)

// The browser test runs the whole Mini App: the bot against telegramtest's
// fake Bot API server, the page in headless Chromium driven by chromedp.
// The page loads Telegram's script from telegram.org in production; here
// the browser's Fetch domain answers that URL with a stub of
// window.Telegram.WebApp that carries initData signed with the test
// token, and fails every other request that is not to the loopback
// server. Chromium also resolves no host name but 127.0.0.1, so nothing
// leaves the machine.

// telegramJS is the script the page loads from Telegram.
const telegramJS = "https://telegram.org/js/telegram-web-app.js"

// browser is one headless Chromium tab with a stubbed Telegram.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	initData string
	user     string
}

// chromiumPath finds Debian's chromium (or a Chrome) on PATH.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts Chromium, or skips the test in one line when it cannot run.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("browser test skipped: chromium is not installed (apt-get install -y chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("no-proxy-server", true),
		chromedp.WindowSize(420, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Skipf("browser test skipped: chromium cannot run here: %v", err)
	}
	b := &browser{t: t, ctx: ctx}
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
		return err
	})))
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	target := chromedp.FromContext(ctx).Target
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			b.answer(ctx, target, ev)
		}
	}()
	return b
}

// answer serves the stub for Telegram's script, lets loopback requests
// through and fails everything else.
func (b *browser) answer(ctx context.Context, tg *chromedp.Target, ev fetch.EventRequestPaused) {
	u, err := url.Parse(ev.Request.URL)
	switch {
	case ev.Request.URL == telegramJS:
		_, err = cdp.Call(ctx, tg, fetch.FulfillRequest, fetch.FulfillRequestParams{
			RequestID: ev.RequestID, ResponseCode: 200, Body: []byte(b.stub()),
			ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/javascript"}},
		})
	case err == nil && (u.Hostname() == "127.0.0.1" || u.Scheme == "data"):
		_, err = cdp.Call(ctx, tg, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	default:
		_, err = cdp.Call(ctx, tg, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
	}
	if err != nil && ctx.Err() == nil {
		b.t.Logf("answer %s: %v", ev.Request.URL, err)
	}
}

// stub is window.Telegram.WebApp as a Telegram client provides it, with
// the initData of the current user.
func (b *browser) stub() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	init, _ := json.Marshal(b.initData)
	return fmt.Sprintf(`window.Telegram = {WebApp: {
  initData: %s, initDataUnsafe: {user: %s}, colorScheme: "light",
  themeParams: {bg_color: "#ffffff", text_color: "#1b1b1f", hint_color: "#707579", button_color: "#3390ec", button_text_color: "#ffffff", secondary_bg_color: "#f4f4f5"},
  ready() {}, expand() {}, close() { window.__closed = true; }
}};`, init, b.user)
}

// open loads the Mini App as user with initData.
func (b *browser) open(addr, initData, user string) {
	b.t.Helper()
	b.mu.Lock()
	b.initData, b.user = initData, user
	b.mu.Unlock()
	require.NoError(b.t, chromedp.Do(b.ctx, chromedp.Navigate("http://"+addr+webapp.Prefix)))
}

// touches counts the fields a person changed.
type touches struct{ n int }

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, steps...))
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	require.NoError(b.t, err, js)
	return v
}

// waitJS waits until a JavaScript condition holds.
func (b *browser) waitJS(cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(20*time.Millisecond)))
	require.NoError(b.t, err, "waiting for %s; page says: %s", cond, b.bodyText())
}

func (b *browser) bodyText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 2000)`))
	return v
}

func (b *browser) waitStatus(spec, status string) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf(`(document.querySelector('#strip [data-spec=%q]') || {dataset: {}}).dataset.status === %q`, spec, status))
}

func (tc *touches) click(b *browser, sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)))
	tc.n++
}

func (tc *touches) typ(b *browser, sel, text string) {
	b.t.Helper()
	// Select what is there, so that the keys replace it, as a person does.
	b.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.focus(); e.select(); return ""; })()`, sel))
	b.do(chromedp.SendKeys(chromedp.CSS(sel), text))
	tc.n++
}

// choose picks an option of a select, as a tap on the list does.
func (tc *touches) choose(b *browser, sel, value string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.focus(); s.value = %q;
		s.dispatchEvent(new Event("change", {bubbles: true})); return s.value; })()`, sel, value))
	tc.n++
}

func name(key string) string { return fmt.Sprintf(`[name=%q]`, key) }

// fillAll completes the five specializations for a partner with two
// certified employees, touching each field a person must touch once. When
// watch is set it also checks the live panel as the answers come in.
func fillAll(b *browser, amounts [3]string, watch bool) int {
	b.t.Helper()
	var tc touches
	specs := []string{"infrastructure", "devops", "data_platform", "ml_ai", "security_compliance"}
	tc.click(b, name("f:partner_agreement")+`[value="yes"]`)
	tc.click(b, name("f:business_plan")+`[value="yes"]`)
	for _, s := range specs {
		tc.typ(b, name("f:verified_solutions."+s), "1")
	}
	for i, s := range specs[:3] {
		tc.typ(b, name("f:consumption_rub_year."+s), amounts[i])
	}
	for _, s := range []string{"infrastructure", "devops", "data_platform", "security_compliance"} {
		tc.choose(b, name("f:architect_interview."+s), "passed")
	}
	tc.typ(b, name("f:brand_voice_projects.premium"), "1")
	tc.typ(b, name("f:projects_per_year.security_compliance"), "2")
	if watch {
		// Every fact but the register: ML & AI needs no one; the others
		// wait for their people.
		b.waitStatus("ml_ai", "eligible")
		b.waitStatus("infrastructure", "incomplete")
	}
	people := []struct {
		name  string
		certs []string
	}{
		{"Anna", []string{"cloud_service_engineer", "infrastructure_protection", "gitops_deployment", "devsecops_cicd",
			"enterprise_analytics_platform", "cloud_compliance"}},
		{"Oleg", []string{"cloud_service_engineer", "managed_clickhouse"}},
	}
	for i, p := range people {
		b.do(chromedp.Click(chromedp.CSS("#add-employee"))) // a button, not a field
		row := fmt.Sprintf("#employees .employee:nth-child(%d) ", i+1)
		tc.typ(b, row+".emp-name", p.name)
		for _, c := range p.certs {
			tc.click(b, row+fmt.Sprintf(`.emp-cert[value=%q]`, c))
		}
	}
	if watch {
		for _, s := range specs {
			b.waitStatus(s, "eligible")
		}
	}
	return tc.n
}

// botRun is the bot with the Mini App mounted, against the fake server.
type botRun struct {
	srv  *telegramtest.Server
	db   *store.DB
	addr string
	logs *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startBot(t *testing.T) *botRun {
	t.Helper()
	srv := telegramtest.NewServer(t, token)
	ctx, cancel := context.WithCancel(context.Background())
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "specbot.db"))
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	engine := dialogs.NewEngine(eligibility.DefaultCatalog(), sheetNow().Location())
	engine.Now = sheetNow
	const public = "https://specbot.example.com/app/"
	engine.WebAppURL = public
	b, err := bot.New(ctx, bot.Config{Token: token, APIURL: srv.URL(), HTTPAddr: "127.0.0.1:0", PollTimeout: 2 * time.Second,
		ShutdownGrace: 3 * time.Second, WebAppURL: public}, db, engine, log)
	require.NoError(t, err)
	b.Mount(webapp.Prefix, webapp.New(webapp.Config{App: &app.App{DB: db, Engine: engine, Log: log}, Token: token, Notifier: b, Log: log}))
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	actx, acancel := context.WithTimeout(ctx, 10*time.Second)
	addr := b.Addr(actx)
	acancel()
	require.NotEmpty(t, addr)
	host, _, _ := net.SplitHostPort(addr)
	require.Equal(t, "127.0.0.1", host)
	t.Cleanup(func() {
		cancel()
		<-done
		db.Close()
		out := logs.String()
		assert.NotContains(t, out, strings.SplitN(token, ":", 2)[1], "the token leaked into the logs")
		assert.NotContains(t, out, "hash=", "initData leaked into the logs")
		if t.Failed() {
			t.Logf("bot logs:\n%s", out)
		}
	})
	return &botRun{srv: srv, db: db, addr: addr, logs: logs}
}

func userJSON(id int64, first, username, lang string) string {
	return fmt.Sprintf(`{"id":%d,"first_name":%q,"username":%q,"language_code":%q}`, id, first, username, lang)
}

func initFor(tok string, at time.Time, user string) string {
	return webapp.Sign(tok, url.Values{"auth_date": {strconv.FormatInt(at.Unix(), 10)}, "user": {user},
		"query_id": {"AAHdF6IQAAAAAN0XohDhrOrc"}, "chat_type": {"sender"}})
}

// verdictIn waits for the bot's verdict in a chat and returns its text.
func (r *botRun) verdictIn(t *testing.T, chatID int64, title string) string {
	t.Helper()
	var text string
	r.srv.WaitFor(t, 15*time.Second, func([]telegramtest.Call) bool {
		for _, m := range r.srv.Messages(chatID) {
			if strings.Contains(m.Text, title) {
				text = m.Text
				return true
			}
		}
		return false
	})
	return text
}

func screenshot(t *testing.T, b *browser, file string) {
	t.Helper()
	if os.Getenv("SPECBOT_SCREENSHOTS") == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	// A viewport as tall as the page keeps the sticky status line at the
	// top of the picture; the screen is a phone's, at twice the density.
	h, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.activeElement.blur(), window.scrollTo(0, 0), document.documentElement.scrollHeight`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(420, h, chromedp.EmulateScale(1.5))))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateReset()))
	require.NoError(t, os.WriteFile(filepath.Join("..", "docs", file), png, 0o644))
	t.Logf("wrote docs/%s", file)
}

func TestMiniAppInBrowser(t *testing.T) {
	start := time.Now()
	br := newBrowser(t)
	run := startBot(t)
	setMenu := run.srv.Calls("setChatMenuButton")
	require.Len(t, setMenu, 1)
	assert.Contains(t, setMenu[0].Params["menu_button"], `"web_app"`)
	assert.Contains(t, setMenu[0].Params["menu_button"], "https://specbot.example.com/app/")

	t.Run("en, a user who never wrote to the bot", func(t *testing.T) {
		br.t = t
		const id = 77
		user := userJSON(id, "Oleg", "oleg", "en")
		br.open(run.addr, initFor(token, time.Now(), user), user)
		br.waitJS(`!!document.querySelector("#submit")`)
		assert.Equal(t, "Save and get the verdict", br.eval(`document.querySelector("#submit").textContent`))
		assert.Contains(t, br.eval(`document.body.innerText`), "Type an amount in rubles, for example 12 000 000, 12.5 mln or ₽12M.")
		br.waitStatus("devops", "incomplete")

		n := fillAll(br, [3]string{"12.5 mln", "2 mln", "₽2M"}, true)
		t.Logf("fields touched to complete all five specializations with two certified employees: %d", n)
		assert.Equal(t, 26, n)
		screenshot(t, br, "webapp-en.png")

		br.do(chromedp.Click(chromedp.CSS("#submit")))
		br.waitJS(`window.__closed === true`)
		verdict := run.verdictIn(t, id, "Your specializations")
		assert.Equal(t, 5, strings.Count(verdict, "✅ <b>"), verdict)

		r, err := run.db.LatestReport(context.Background(), id)
		require.NoError(t, err)
		var facts map[string]any
		factsData, err := json.Marshal(r.Facts)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(factsData, &facts))
		assert.Equal(t, map[string]any{"infrastructure": 12500000.0, "devops": 2000000.0, "data_platform": 2000000.0}, facts["consumption_rub_year"])
		assert.Len(t, facts["employees"], 2)
		p, err := run.db.Partner(context.Background(), id)
		require.NoError(t, err)
		assert.Equal(t, "en", p.Lang)
		assert.Equal(t, "oleg", p.Username)
	})

	t.Run("ru, a partner who started in the chat", func(t *testing.T) {
		br.t = t
		const id = 42
		anna := models.User{ID: id, FirstName: "Анна", Username: "anna", LanguageCode: "ru"}
		run.srv.SendText(id, anna, "/start")
		run.srv.WaitFor(t, 15*time.Second, func([]telegramtest.Call) bool { return len(run.srv.Messages(id)) > 0 })
		welcome := run.srv.Messages(id)[0]
		assert.Contains(t, welcome.ReplyMarkup, `"web_app":{"url":"https://specbot.example.com/app/"}`)
		assert.Contains(t, welcome.ReplyMarkup, "Заполнить анкету")

		user := userJSON(id, "Анна", "anna", "ru")
		br.open(run.addr, initFor(token, time.Now(), user), user)
		br.waitJS(`!!document.querySelector("#submit")`)
		assert.Equal(t, "Сохранить и получить вердикт", br.eval(`document.querySelector("#submit").textContent`))

		// An amount the chat would not take gets the chat's hint.
		var tc touches
		tc.typ(br, name("f:consumption_rub_year.devops"), "много")
		br.waitJS(`document.getElementById("err-f:consumption_rub_year.devops").textContent.includes("Введите сумму в рублях")`)

		fillAll(br, [3]string{"12,5 млн", "1,5 млн", "2 000 000"}, false)
		br.waitStatus("infrastructure", "eligible")
		br.waitStatus("devops", "not_eligible")
		assert.Contains(t, br.eval(`document.querySelector('#statuses [data-spec="devops"]').textContent`), "500\u00a0000\u00a0₽")
		screenshot(t, br, "webapp-ru.png")
		tc.typ(br, name("f:consumption_rub_year.devops"), "2 млн")
		br.waitStatus("devops", "eligible")

		br.do(chromedp.Click(chromedp.CSS("#submit")))
		br.waitJS(`window.__closed === true`)
		verdict := run.verdictIn(t, id, "Ваши специализации")
		assert.Equal(t, 5, strings.Count(verdict, "✅ <b>"), verdict)
		r, err := run.db.LatestReport(context.Background(), id)
		require.NoError(t, err)
		var facts map[string]any
		factsData, err := json.Marshal(r.Facts)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(factsData, &facts))
		assert.Equal(t, map[string]any{"infrastructure": 12500000.0, "devops": 2000000.0, "data_platform": 2000000.0}, facts["consumption_rub_year"])
		p, err := run.db.Partner(context.Background(), id)
		require.NoError(t, err)
		assert.Equal(t, "ru", p.Lang)

		// Opened again, the sheet shows what was saved.
		br.open(run.addr, initFor(token, time.Now(), user), user)
		br.waitJS(`!!document.querySelector("#submit")`)
		assert.Equal(t, "12 500 000", br.eval(`document.querySelector('[name="f:consumption_rub_year.infrastructure"]').value`))
		assert.Equal(t, "Anna", br.eval(`document.querySelector("#employees .employee .emp-name").value`))
	})

	for name, init := range map[string]func(user string) string{
		"tampered": func(user string) string {
			return strings.Replace(initFor(token, time.Now(), user), "Mallory", "Mallorx", 1)
		},
		"expired":     func(user string) string { return initFor(token, time.Now().Add(-2*time.Hour), user) },
		"foreign bot": func(user string) string { return initFor(otherToken, time.Now(), user) },
	} {
		t.Run("refused: "+name, func(t *testing.T) {
			br.t = t
			user := userJSON(99, "Mallory", "mallory", "en")
			br.open(run.addr, init(user), user)
			br.waitJS(`document.body.dataset.refused === "true"`)
			assert.Contains(t, br.eval(`document.getElementById("notice").textContent`), "opens from the bot's button")
			_, err := run.db.Partner(context.Background(), 99)
			assert.ErrorIs(t, err, store.ErrNotFound)
		})
	}

	t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}
