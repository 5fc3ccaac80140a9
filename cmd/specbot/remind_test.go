package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/eligibility"
	"specbot/store"
)

const remindToken = "424242:remind-test"

// remindFacts are facts files under the default catalogue.
var remindFacts = map[string]string{
	"eligible": `{"partner_agreement": true, "business_plan": true, "verified_solutions": {"infrastructure": 1},
		"consumption_rub_year": {"infrastructure": 12000000}, "architect_interview": {"infrastructure": "passed"},
		"employees": [{"name": "Anna", "certs": ["cloud_service_engineer", "infrastructure_protection"]},
			{"name": "Oleg", "certs": ["cloud_service_engineer"]}]}`,
	"close": `{"partner_agreement": true, "business_plan": true, "verified_solutions": {"infrastructure": 1},
		"consumption_rub_year": {"infrastructure": 11500000}, "architect_interview": {"infrastructure": "passed"},
		"employees": [{"name": "Anna", "certs": ["cloud_service_engineer", "infrastructure_protection"]},
			{"name": "Oleg", "certs": ["cloud_service_engineer"]}]}`,
}

// remindDB prepares a database: chat 1 eligible (en), chat 2 one gap
// short (ru), chat 3 never checked (en), all three consenting; chat 4
// eligible with reminders off, chat 5 never asked.
func remindDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "specbot.db")
	db, err := store.Open(ctx, path)
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	defer db.Close()
	c := eligibility.DefaultCatalog()
	partners := []struct {
		id              int64
		lang, reminders string
		facts           string
	}{
		{1, "en", "on", "eligible"},
		{2, "ru", "on", "close"},
		{3, "en", "on", ""},
		{4, "en", "off", "eligible"},
		{5, "ru", "", "close"},
	}
	for _, p := range partners {
		turn := &store.Turn{Partner: store.Partner{ChatID: p.id, UserID: p.id, Lang: p.lang, Reminders: store.Consent(p.reminders), Company: "Acme"}}
		if p.facts != "" {
			facts, err := eligibility.ParseFacts(c, []byte(remindFacts[p.facts]))
			require.NoError(t, err)
			rep := eligibility.Evaluate(c, facts, time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
			res, _ := rep.Result("infrastructure")
			turn.Report = &store.Report{Facts: facts, Verdict: rep,
				Statuses: map[string]eligibility.Status{"infrastructure": res.Status}, Gaps: map[string]int{"infrastructure": res.Gaps()}}
		}
		require.NoError(t, db.SaveTurn(ctx, turn))
	}
	return path
}

func remindEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func runRemindCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"remind"}, args...), strings.NewReader(""), &stdout, &stderr, remindEnv(env))
	return code, stdout.String(), stderr.String()
}

func outboxCounts(t *testing.T, path string) map[store.ReminderState]int {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	defer db.Close()
	counts, err := db.ReminderCounts(context.Background())
	require.NoError(t, err)
	return counts
}

func TestRemindDryRun(t *testing.T) {
	tests := []struct {
		name    string
		now     string
		count   int      // reminders listed
		lines   []string // pieces of the listing
		absent  []string
		summary string
	}{
		{
			name:  "30 days before April, 11:00 Moscow",
			now:   "2027-03-02T11:00:00+03:00",
			count: 3,
			lines: []string{
				"chat 1\ten\teligible\twindow 2027-04-01\t30 days before\t🗓 The April qualification window opens on 1 April 2027, in 30 days.",
				"chat 2\tru\tclose\twindow 2027-04-01\t30 days before\t🗓 Окно квалификации (апрель) откроется 1 апреля 2027 г., через 30 дней.",
				"chat 3\ten\tno_check\twindow 2027-04-01\t30 days before\t",
			},
			absent:  []string{"chat 4\t", "chat 5\t"},
			summary: "3 reminder(s) due at 2027-03-02T11:00:00+03:00 (dry run: nothing sent)",
		},
		{
			name:    "the same moment in UTC",
			now:     "2027-03-02T08:00:00Z",
			count:   3,
			lines:   []string{"chat 1\ten\teligible\twindow 2027-04-01\t30 days before"},
			summary: "3 reminder(s) due at 2027-03-02T11:00:00+03:00 (dry run: nothing sent)",
		},
		{
			name:    "10:59 Moscow: not yet",
			now:     "2027-03-02T10:59:00+03:00",
			absent:  []string{"chat "},
			summary: "0 reminder(s) due at 2027-03-02T10:59:00+03:00 (dry run: nothing sent)",
		},
		{
			name:    "the window opens: eligible partners only",
			now:     "2027-10-01T12:00:00+03:00",
			count:   1,
			lines:   []string{"chat 1\ten\twindow_open\twindow 2027-10-01\t0 days before\t🗓 The October qualification window is open."},
			absent:  []string{"chat 2\t", "chat 3\t", "chat 4\t", "chat 5\t"},
			summary: "1 reminder(s) due at 2027-10-01T12:00:00+03:00 (dry run: nothing sent)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := remindDB(t)
			srv := telegramtest.NewServer(t, remindToken)
			env := map[string]string{"SPECBOT_DB": path, "TELEGRAM_BOT_TOKEN": remindToken, "TELEGRAM_API_URL": srv.URL(),
				"SPECBOT_HTTP_ADDR": "127.0.0.1:0"}
			code, stdout, stderr := runRemindCmd(t, env, "--dry-run", "--now", tt.now)
			require.Equal(t, exitOK, code, stderr)
			lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
			require.NotEmpty(t, lines)
			assert.Equal(t, tt.summary, lines[len(lines)-1])
			assert.Len(t, lines, tt.count+1, "one line per reminder, and the summary:\n%s", stdout)
			for _, want := range tt.lines {
				assert.Contains(t, stdout, want)
			}
			for _, no := range tt.absent {
				assert.NotContains(t, stdout, no)
			}
			assert.Empty(t, outboxCounts(t, path), "a dry run writes nothing to the outbox")
			assert.Empty(t, srv.Calls(), "a dry run does not talk to Telegram")
		})
	}
}

func TestRemindUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"--now not a time", map[string]string{"TELEGRAM_BOT_TOKEN": remindToken}, []string{"--dry-run", "--now", "tomorrow"}, "--now"},
		{"--now without a zone", nil, []string{"--dry-run", "--now", "2027-03-02T11:00:00"}, "--now"},
		{"--now a date only", nil, []string{"--now", "2027-03-02", "--dry-run"}, "--now"},
		{"no token without --dry-run", nil, []string{"--now", "2027-03-02T11:00:00+03:00"}, "TELEGRAM_BOT_TOKEN"},
		{"no token, no --now", nil, nil, "TELEGRAM_BOT_TOKEN"},
		{"an unknown flag", nil, []string{"--dry"}, "dry"},
		{"an argument", nil, []string{"--dry-run", "now"}, "now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "specbot.db")
			env := map[string]string{"SPECBOT_DB": path}
			for k, v := range tt.env {
				env[k] = v
			}
			code, stdout, stderr := runRemindCmd(t, env, tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.want)
			assert.Empty(t, stdout)
			assert.NoFileExists(t, path, "nothing opened on a usage error")
		})
	}
}

// TestRemindSends: `specbot remind` without --dry-run sends through the Bot
// API, and running it again (cron twice) sends nothing more.
func TestRemindSends(t *testing.T) {
	path := remindDB(t)
	srv := telegramtest.NewServer(t, remindToken)
	env := map[string]string{"SPECBOT_DB": path, "TELEGRAM_BOT_TOKEN": remindToken, "TELEGRAM_API_URL": srv.URL(),
		"SPECBOT_HTTP_ADDR": "127.0.0.1:0"}

	runs := []struct {
		name, now, want string
	}{
		{"first run", "2027-03-02T11:00:00+03:00", "sent 3, blocked 0, failed 0, retried later 0"},
		{"again the same day", "2027-03-02T15:00:00+03:00", "sent 0, blocked 0, failed 0, retried later 0"},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			code, stdout, stderr := runRemindCmd(t, env, "--now", r.now)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, r.want+"\n", stdout)
		})
	}
	per := map[int64]int{}
	for _, c := range srv.Calls("sendMessage") {
		require.Zero(t, c.Code)
		per[c.ChatID()]++
	}
	assert.Equal(t, map[int64]int{1: 1, 2: 1, 3: 1}, per)
	msgs := srv.Messages(2)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0].Text, "не хватает 500 000 ₽")
	assert.Equal(t, map[store.ReminderState]int{store.ReminderSent: 3}, outboxCounts(t, path))
}

// TestRemindCatchesUpAMissedDay: the 30-day reminder day passed with the
// bot and cron down; the next run, before the window opens, sends it once,
// saying the days really left, and later runs send nothing more until the
// 7-day reminder.
func TestRemindCatchesUpAMissedDay(t *testing.T) {
	path := remindDB(t)
	srv := telegramtest.NewServer(t, remindToken)
	env := map[string]string{"SPECBOT_DB": path, "TELEGRAM_BOT_TOKEN": remindToken, "TELEGRAM_API_URL": srv.URL(),
		"SPECBOT_HTTP_ADDR": "127.0.0.1:0"}
	for _, r := range []struct{ name, now, want string }{
		{"two days late", "2027-03-04T09:00:00+03:00", "sent 3, blocked 0, failed 0, retried later 0"},
		{"the day after", "2027-03-05T12:00:00+03:00", "sent 0, blocked 0, failed 0, retried later 0"},
		{"the 7-day reminder", "2027-03-25T11:00:00+03:00", "sent 3, blocked 0, failed 0, retried later 0"},
	} {
		t.Run(r.name, func(t *testing.T) {
			code, stdout, stderr := runRemindCmd(t, env, "--now", r.now)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, r.want+"\n", stdout)
		})
	}
	per := map[int64]int{}
	for _, c := range srv.Calls("sendMessage") {
		per[c.ChatID()]++
	}
	assert.Equal(t, map[int64]int{1: 2, 2: 2, 3: 2}, per, "the missed day once, then the 7-day one")
	msgs := srv.Messages(2)
	require.Len(t, msgs, 2)
	assert.Contains(t, msgs[0].Text, "28", "the late reminder says the days really left")
	assert.NotContains(t, msgs[0].Text, "30 ")
}
