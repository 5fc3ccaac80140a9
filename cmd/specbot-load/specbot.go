package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"

	"specbot/bot/telegramtest"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

// step is one thing a simulated partner does, and what it expects next.
type step struct {
	text   string // typed, when set
	button string // pressed: the label's prefix, in the last message with a keyboard
	// toggle is set for a button that edits its message in place.
	toggle bool
}

// script is a whole check in English: two specializations, typed amounts,
// two employees, the verdict.
var script = []step{
	{text: "/start"},
	{button: "✅ Start the check"},
	{text: "ACME"},
	{button: "▫️ Infrastructure", toggle: true},
	{button: "▫️ DevOps", toggle: true},
	{button: "✔️ Done"},
	{text: "yes"},
	{button: "Yes"},
	{text: "2"},
	{text: "12 500 000"},
	{button: "Passed"},
	{button: "1"},
	{text: "1,5 млн"},
	{button: "Scheduled"},
	{text: "Anna"},
	{button: "▫️ Cloud service engineer", toggle: true},
	{button: "▫️ Cloud infrastructure protection", toggle: true},
	{button: "✔️ Done"},
	{button: "➕ Add another"},
	{text: "Oleg"},
	{button: "▫️ Cloud service engineer", toggle: true},
	{button: "✔️ Done"},
	{button: "✔️ Done"},
	{button: "✅ Show the verdict"},
}

// runSpecbot runs the real binary against the fake server.
func runSpecbot(ctx context.Context, botPath string, partners int, think time.Duration, seed int, keep bool, cpuProfile, allocProfile string) (*result, error) {
	if _, err := os.Stat(botPath); err != nil {
		return nil, fmt.Errorf("%s: build it first (make build): %w", botPath, err)
	}
	dir, err := os.MkdirTemp("", "specbot-load-")
	if err != nil {
		return nil, err
	}
	if !keep {
		defer os.RemoveAll(dir)
	} else {
		fmt.Println("run files in", dir)
	}
	srv := telegramtest.Start(token)
	defer srv.Close()
	srv.KeepNoHistory()
	chats := chatIDs(partners)
	w := newWatcher(srv, chats)

	logf, err := os.Create(filepath.Join(dir, "specbot.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	dbPath := filepath.Join(dir, "specbot.db")
	if seed > 0 {
		if err := seedPartners(ctx, dbPath, seed); err != nil {
			return nil, fmt.Errorf("seed %d partners: %w", seed, err)
		}
	}
	cmd := exec.CommandContext(ctx, botPath, "serve")
	cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+token, "TELEGRAM_API_URL="+srv.URL(),
		"SPECBOT_DB="+dbPath, "SPECBOT_HTTP_ADDR=127.0.0.1:0", "SPECBOT_WEBHOOK_URL=",
		// The load measures the bot, not Telegram's limits on it.
		"SPECBOT_PACING=off",
		fmt.Sprintf("SPECBOT_MANAGERS_CHAT_ID=%d", managersChat), fmt.Sprintf("SPECBOT_MANAGER_IDS=%d", managerID))
	for name, path := range map[string]string{"SPECBOT_CPU_PROFILE": cpuProfile, "SPECBOT_ALLOC_PROFILE": allocProfile} {
		if path == "" {
			continue
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		cmd.Env = append(cmd.Env, name+"="+abs)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var peak atomic.Int64
	stopRSS := watchRSS(cmd.Process.Pid, &peak)
	defer func() {
		stopRSS()
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()

	var errs atomic.Int64
	var updates atomic.Int64
	meter := startCPU(cmd.Process.Pid)
	start := time.Now()
	var wg sync.WaitGroup
	for _, chat := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := play(srv, w, chat, think, &updates); err != nil {
				errs.Add(1)
				fmt.Fprintf(os.Stderr, "partner %d: %v\n", chat, err)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	calls := w.apiCalls()
	var cpu result
	meter.stop(&cpu)
	var stats, export time.Duration
	if seed > 0 {
		// The managers' figures and export read every partner: the
		// moment memory peaks with many stored partners.
		if stats, export, err = managerRound(srv, w); err != nil {
			errs.Add(1)
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}

	res := &result{updates: int(updates.Load()), elapsed: elapsed, latencies: w.latencies(), errors: int(errs.Load()),
		calls: calls, stats: stats, export: export, loadCPU: cpu.loadCPU, botCPU: cpu.botCPU}
	res.peakRSS = peak.Load()
	stopRSS()
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	res.lost, err = lostAnswers(ctx, dbPath, chats)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// play runs the script for one chat.
func play(srv *telegramtest.Server, w *watcher, chat int64, think time.Duration, updates *atomic.Int64) error {
	user := models.User{ID: chat, FirstName: "Partner", LanguageCode: "en"}
	const wait = 20 * time.Second
	if think > 0 {
		// Partners do not all start in the same millisecond.
		time.Sleep(time.Duration(chat%100) * think / 100)
	}
	for i, st := range script {
		if think > 0 && i > 0 {
			time.Sleep(think)
		}
		before := maxID(srv, chat)
		// A question answered by a button becomes the next question in
		// the same message: an edit of the last question counts too.
		lastQ := lastQuestion(srv, chat)
		lastEdits := messageEdits(srv, chat, lastQ)
		if st.text != "" {
			w.sent(chat)
			srv.SendText(chat, user, strings.ReplaceAll(st.text, "ACME", "ACME "+strconv.FormatInt(chat, 10)))
		} else {
			var target telegramtest.Message
			var data string
			if !w.waitFor(chat, wait, func() bool {
				target, data = findButton(srv, chat, st.button)
				return data != ""
			}) {
				return fmt.Errorf("step %d: no button %q; last message: %q", i, st.button, lastText(srv, chat))
			}
			w.sent(chat)
			srv.PressButton(chat, user, target.ID, data)
			if st.toggle {
				edits := target.Edits
				if !w.waitFor(chat, wait, func() bool { return messageEdits(srv, chat, target.ID) > edits }) {
					return fmt.Errorf("step %d: %q not toggled", i, st.button)
				}
				updates.Add(1)
				continue
			}
		}
		updates.Add(1)
		if i == len(script)-1 {
			if !w.waitFor(chat, wait, func() bool { return hasVerdict(srv, chat) }) {
				return fmt.Errorf("no verdict; last message: %q", lastText(srv, chat))
			}
			return nil
		}
		if !w.waitFor(chat, wait, func() bool {
			q := lastQuestion(srv, chat)
			return q > before || st.button != "" && q == lastQ && q != 0 && messageEdits(srv, chat, q) > lastEdits
		}) {
			return fmt.Errorf("step %d (%q%q): no next question; last message: %q", i, st.text, st.button, lastText(srv, chat))
		}
	}
	return nil
}

// maxID is the id of the newest message.
func maxID(srv *telegramtest.Server, chat int64) int {
	id := 0
	for _, m := range srv.Messages(chat) {
		id = max(id, m.ID)
	}
	return id
}

const (
	managersChat = int64(-1000000001)
	managerID    = int64(999)
)

// managerRound asks for /stats and /export in the managers' chat, waits
// for both answers and returns how long each took.
func managerRound(srv *telegramtest.Server, w *watcher) (stats, export time.Duration, err error) {
	mgr := models.User{ID: managerID, FirstName: "Manager", LanguageCode: "ru"}
	took := make([]time.Duration, 2)
	for i, cmd := range []string{"/stats", "/export"} {
		before := len(srv.Messages(managersChat))
		start := time.Now()
		srv.SendText(managersChat, mgr, cmd)
		deadline := start.Add(120 * time.Second)
		for len(srv.Messages(managersChat)) == before {
			if time.Now().After(deadline) {
				return 0, 0, fmt.Errorf("%s: no answer", cmd)
			}
			time.Sleep(5 * time.Millisecond)
		}
		took[i] = time.Since(start)
	}
	return took[0], took[1], nil
}

// seedPartners stores n partners, each with a completed report and
// reminders on, as if they had used the bot before.
func seedPartners(ctx context.Context, dbPath string, n int) error {
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Catalog = eligibility.DefaultCatalog()
	factsJSON := []byte(`{"partner_agreement":true,"business_plan":true,"verified_solutions":{"infrastructure":1,"devops":0},` +
		`"consumption_rub_year":{"infrastructure":12000000,"devops":1500000},"architect_interview":{"infrastructure":"passed","devops":"scheduled"},` +
		`"employees":[{"name":"Anna","certs":["cloud_service_engineer","infrastructure_protection"]},{"name":"Oleg","certs":["cloud_service_engineer"]}]}`)
	facts, err := eligibility.ParseFacts(db.Catalog, factsJSON)
	if err != nil {
		return err
	}
	session := dialogs.NewSession("en")
	session.Seq = 1
	// Several writers at once, so that their turns share commits.
	const writers = 32
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for wkr := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := wkr; i < n; i += writers {
				if err := seedOne(ctx, db, i, &session, facts); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// seedOne stores the i-th seeded partner.
func seedOne(ctx context.Context, db *store.DB, i int, session *dialogs.Session, facts eligibility.Facts) error {
	chat := int64(5_000_000 + i)
	return db.SaveTurn(ctx, &store.Turn{
		Partner: store.Partner{ChatID: chat, UserID: chat, Username: fmt.Sprintf("partner%d", i), Name: "Seeded Partner",
			Lang: []string{"en", "ru"}[i%2], Company: fmt.Sprintf("Company %d", i), Reminders: "on"},
		Session: session,
		Report: &store.Report{Facts: facts,
			Statuses: map[string]eligibility.Status{"infrastructure": eligibility.Eligible, "devops": eligibility.NotEligible},
			Gaps:     map[string]int{"infrastructure": 0, "devops": 3}},
	})
}

// lastQuestion is the id of the newest message with a keyboard.
func lastQuestion(srv *telegramtest.Server, chat int64) int {
	msgs := srv.Messages(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Keyboard) > 0 {
			return msgs[i].ID
		}
	}
	return 0
}

func findButton(srv *telegramtest.Server, chat int64, label string) (telegramtest.Message, string) {
	msgs := srv.Messages(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Keyboard) == 0 {
			continue
		}
		for _, row := range msgs[i].Keyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Text, label) || b.Text == label {
					return msgs[i], b.Data
				}
			}
		}
		return telegramtest.Message{}, ""
	}
	return telegramtest.Message{}, ""
}

func messageEdits(srv *telegramtest.Server, chat int64, id int) int {
	for _, m := range srv.Messages(chat) {
		if m.ID == id {
			return m.Edits
		}
	}
	return 0
}

func hasVerdict(srv *telegramtest.Server, chat int64) bool {
	for _, m := range srv.Messages(chat) {
		if strings.Contains(m.Text, "Your specializations") {
			return true
		}
	}
	return false
}

func lastText(srv *telegramtest.Server, chat int64) string {
	if os.Getenv("LOAD_DEBUG") != "" {
		for _, m := range srv.Messages(chat) {
			fmt.Fprintf(os.Stderr, "  #%d edits=%d kb=%d %q\n", m.ID, m.Edits, len(m.Keyboard), firstLine(m.Text))
		}
	}
	m, _ := srv.LastMessage(chat)
	if len(m.Text) > 120 {
		return m.Text[:120] + "…"
	}
	return m.Text
}

// lostAnswers counts partners whose stored report does not hold every
// answer they gave.
func lostAnswers(ctx context.Context, dbPath string, chats []int64) (int, error) {
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.Catalog = eligibility.DefaultCatalog()
	lost := 0
	for _, chat := range chats {
		r, err := db.LatestReport(ctx, chat)
		if err != nil {
			lost++
			continue
		}
		data, err := json.Marshal(r.Facts)
		if err != nil {
			return 0, err
		}
		var f struct {
			Consumption map[string]int64 `json:"consumption_rub_year"`
			Employees   []struct {
				Name string `json:"name"`
			} `json:"employees"`
		}
		if json.Unmarshal(data, &f) != nil || f.Consumption["infrastructure"] != 12_500_000 ||
			f.Consumption["devops"] != 1_500_000 || len(f.Employees) != 2 {
			lost++
		}
	}
	return lost, nil
}

// watchRSS samples the peak resident set (VmHWM) of a process until stopped.
func watchRSS(pid int, peak *atomic.Int64) func() {
	done := make(chan struct{})
	var once sync.Once
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if v := vmHWM(pid); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

// vmHWM reads a process's peak resident set from /proc, in bytes.
func vmHWM(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func firstLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " | ")
	if len(s) > 90 {
		return s[:90]
	}
	return s
}
