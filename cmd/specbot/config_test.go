package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// env is a fake environment for Run.
type env map[string]string

func (e env) get(key string) string { return e[key] }

// run calls Run as the program would be run, with a deadline.
func run(t *testing.T, e env, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code = Run(ctx, args, strings.NewReader(""), &out, &errOut, e.get)
	return code, out.String(), errOut.String()
}

// requireOneLine checks a single-line error naming every one of names; a
// name "a|b" is satisfied by either.
func requireOneLine(t *testing.T, stderr string, names ...string) {
	t.Helper()
	line := strings.TrimSuffix(stderr, "\n")
	require.NotEmpty(t, line, "an error is printed")
	assert.NotContains(t, line, "\n", "one line:\n%s", stderr)
	for _, n := range names {
		found := false
		for _, alt := range strings.Split(n, "|") {
			found = found || strings.Contains(line, alt)
		}
		assert.True(t, found, "the error names %q: %s", n, line)
	}
}

// TestServeRejectsBadConfiguration: a missing or malformed setting fails at
// start with exit status 2 and one line naming it, and nothing is written.
func TestServeRejectsBadConfiguration(t *testing.T) {
	cases := []struct {
		name  string
		env   env
		args  []string
		names []string // each must appear in the error
	}{
		{"missing token", env{"TELEGRAM_BOT_TOKEN": ""}, nil, []string{"TELEGRAM_BOT_TOKEN"}},
		{"blank token", env{"TELEGRAM_BOT_TOKEN": "   "}, nil, []string{"TELEGRAM_BOT_TOKEN"}},
		{"send rate not a number", env{"SPECBOT_SEND_RATE": "fast"}, nil, []string{"SPECBOT_SEND_RATE", "fast"}},
		{"send rate zero", env{"SPECBOT_SEND_RATE": "0"}, nil, []string{"SPECBOT_SEND_RATE"}},
		{"send rate above Telegram's", env{"SPECBOT_SEND_RATE": "31"}, nil, []string{"SPECBOT_SEND_RATE"}},
		{"send rate negative", env{"SPECBOT_SEND_RATE": "-5"}, nil, []string{"SPECBOT_SEND_RATE"}},
		{"chat rate above Telegram's", env{"SPECBOT_CHAT_RATE": "31"}, nil, []string{"SPECBOT_CHAT_RATE"}},
		{"chat rate not a number", env{"SPECBOT_CHAT_RATE": "often"}, nil, []string{"SPECBOT_CHAT_RATE", "often"}},
		{"pacing unknown", env{"SPECBOT_PACING": "fast"}, nil, []string{"SPECBOT_PACING", "fast"}},
		{"manager ids with a word", env{"SPECBOT_MANAGER_IDS": "1,x"}, nil, []string{"SPECBOT_MANAGER_IDS", `"x"`}},
		{"manager ids negative", env{"SPECBOT_MANAGER_IDS": "1,-2"}, nil, []string{"SPECBOT_MANAGER_IDS", `"-2"`}},
		{"manager ids empty item", env{"SPECBOT_MANAGER_IDS": "1,,2"}, nil, []string{"SPECBOT_MANAGER_IDS"}},
		{"managers chat id not a number", env{"SPECBOT_MANAGERS_CHAT_ID": "managers"}, nil, []string{"SPECBOT_MANAGERS_CHAT_ID"}},
		{"managers chat id zero", env{"SPECBOT_MANAGERS_CHAT_ID": "0"}, nil, []string{"SPECBOT_MANAGERS_CHAT_ID"}},
		{"managers language", env{"SPECBOT_MANAGERS_LANG": "de"}, nil, []string{"SPECBOT_MANAGERS_LANG", `"de"`}},
		{"unknown time zone", env{"SPECBOT_TZ": "Mars/Olympus"}, nil, []string{"SPECBOT_TZ", "Mars/Olympus"}},
		{"remind days word", env{"SPECBOT_REMIND_DAYS": "30,soon"}, nil, []string{"SPECBOT_REMIND_DAYS", `"soon"`}},
		{"remind days zero", env{"SPECBOT_REMIND_DAYS": "0"}, nil, []string{"SPECBOT_REMIND_DAYS"}},
		{"remind days past a year", env{"SPECBOT_REMIND_DAYS": "400"}, nil, []string{"SPECBOT_REMIND_DAYS"}},
		{"http address", env{"SPECBOT_HTTP_ADDR": "localhost"}, nil, []string{"SPECBOT_HTTP_ADDR"}},
		{"api url", env{"TELEGRAM_API_URL": "api.telegram.org"}, nil, []string{"TELEGRAM_API_URL"}},
		{"webhook without secret", env{"SPECBOT_WEBHOOK_URL": "https://bot.example.com/hook"}, nil, []string{"SPECBOT_WEBHOOK_SECRET"}},
		{"webhook secret with bad characters", env{"SPECBOT_WEBHOOK_URL": "https://bot.example.com/hook", "SPECBOT_WEBHOOK_SECRET": "a b"}, nil, []string{"SPECBOT_WEBHOOK_SECRET"}},
		{"webhook url not http", env{"SPECBOT_WEBHOOK_URL": "ftp://bot.example.com/hook", "SPECBOT_WEBHOOK_SECRET": longSecret}, nil, []string{"SPECBOT_WEBHOOK_URL"}},
		{"webhook url without host", env{"SPECBOT_WEBHOOK_URL": "https:///hook", "SPECBOT_WEBHOOK_SECRET": longSecret}, nil, []string{"SPECBOT_WEBHOOK_URL"}},
		{"webhook url plain http", env{"SPECBOT_WEBHOOK_URL": "http://bot.example.com/hook", "SPECBOT_WEBHOOK_SECRET": longSecret}, nil, []string{"SPECBOT_WEBHOOK_URL", "https"}},
		{"webhook port Telegram never calls", env{"SPECBOT_WEBHOOK_URL": "https://bot.example.com:9000/hook", "SPECBOT_WEBHOOK_SECRET": longSecret, "SPECBOT_HTTP_ADDR": "127.0.0.1:8080"}, nil, []string{"SPECBOT_WEBHOOK_URL", "9000", "SPECBOT_HTTP_ADDR", "8080"}},
		{"webhook secret too short", env{"SPECBOT_WEBHOOK_URL": "https://bot.example.com/hook", "SPECBOT_WEBHOOK_SECRET": "short_secret_15"}, nil, []string{"SPECBOT_WEBHOOK_SECRET", "16"}},
		{"metrics address", env{"SPECBOT_METRICS_ADDR": "nowhere"}, nil, []string{"SPECBOT_METRICS_ADDR"}},
		{"metrics address shared", env{"SPECBOT_METRICS_ADDR": "127.0.0.1:0"}, nil, []string{"SPECBOT_METRICS_ADDR", "SPECBOT_HTTP_ADDR"}},
		{"token file missing", env{"TELEGRAM_BOT_TOKEN": "", "TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/token"}, nil, []string{"TELEGRAM_BOT_TOKEN_FILE", "/nonexistent/token"}},
		{"token and token file", env{"TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/token"}, nil, []string{"TELEGRAM_BOT_TOKEN_FILE"}},
		{"rules file missing", env{"SPECBOT_RULES": "/nonexistent/rules.yaml"}, nil, []string{"SPECBOT_RULES"}},
		{"bad flag value", env{}, []string{"--send-rate", "99"}, []string{"send-rate|SPECBOT_SEND_RATE", `"99"`}},
		{"bad flag manager ids", env{}, []string{"--manager-ids=7,eight"}, []string{"manager-ids|SPECBOT_MANAGER_IDS", `"eight"`}},
		{"bad flag time zone", env{}, []string{"--tz", "Mars/Olympus"}, []string{"tz|SPECBOT_TZ", "Mars/Olympus"}},
		{"flag without value", env{}, []string{"--db"}, []string{"db"}},
		{"unknown flag", env{}, []string{"--verbose"}, []string{"verbose"}},
		{"stray argument", env{}, []string{"now"}, []string{`"now"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "specbot.db")
			e := env{"TELEGRAM_BOT_TOKEN": "123:abc", "SPECBOT_DB": db, "SPECBOT_HTTP_ADDR": "127.0.0.1:0", "TELEGRAM_API_URL": "http://127.0.0.1:1"}
			for k, v := range tc.env {
				e[k] = v
			}
			code, stdout, stderr := run(t, e, append([]string{"serve"}, tc.args...)...)
			assert.Equal(t, exitUsage, code, "stderr: %s", stderr)
			requireOneLine(t, stderr, tc.names...)
			assert.Empty(t, stdout)
			assert.NotContains(t, stderr, "123:abc", "the token is never printed")
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written")
		})
	}
}

// TestRunUsage: no command or an unknown one is a usage error.
func TestRunUsage(t *testing.T) {
	code, _, stderr := run(t, env{})
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "usage:")

	code, _, stderr = run(t, env{}, "launch")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, strings.SplitN(stderr, "\n", 2)[0], `"launch"`)

	code, stdout, _ := run(t, env{}, "help")
	assert.Equal(t, exitOK, code)
	for _, cmd := range []string{"serve", "chat", "check", "rules validate", "remind"} {
		assert.Contains(t, stdout, "specbot "+cmd)
	}
}

// TestLoadConfigDefaults: the defaults of DESIGN.md's table.
func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(env{}.get, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "https://api.telegram.org", c.APIURL)
	assert.Equal(t, "specbot.db", c.DB)
	assert.Equal(t, "ru", c.ManagersLang)
	assert.Equal(t, "Europe/Moscow", c.Location.String())
	assert.Equal(t, []int{30, 7}, c.RemindDays)
	assert.Equal(t, 25.0, c.SendRate)
	assert.Equal(t, "127.0.0.1:8080", c.HTTPAddr)
	assert.Zero(t, c.ManagersChatID)
	assert.Empty(t, c.ManagerIDs)
	assert.NotNil(t, c.Catalog)
}

// TestLoadConfigValues: every variable is read, and a flag wins over it.
func TestLoadConfigValues(t *testing.T) {
	e := env{
		"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_API_URL": "http://127.0.0.1:8081/", "SPECBOT_DB": "/tmp/x.db",
		"SPECBOT_MANAGERS_CHAT_ID": "-1001234567890", "SPECBOT_MANAGER_IDS": " 7, 8 ", "SPECBOT_MANAGERS_LANG": "en",
		"SPECBOT_TZ": "Asia/Yekaterinburg", "SPECBOT_REMIND_DAYS": "14,3,14", "SPECBOT_SEND_RATE": "10",
		"SPECBOT_HTTP_ADDR": "127.0.0.1:9090", "SPECBOT_WEBHOOK_URL": "https://bot.example.com/hook", "SPECBOT_WEBHOOK_SECRET": longSecret,
	}
	c, err := loadConfig(e.get, flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--send-rate", "5", "--managers-lang", "ru"})
	require.NoError(t, err)
	assert.Equal(t, "123:abc", c.Token)
	assert.Equal(t, "http://127.0.0.1:8081", c.APIURL)
	assert.Equal(t, int64(-1001234567890), c.ManagersChatID)
	assert.Equal(t, []int64{7, 8}, c.ManagerIDs)
	assert.Equal(t, "ru", c.ManagersLang, "the flag wins")
	assert.Equal(t, 5.0, c.SendRate, "the flag wins")
	assert.Equal(t, "Asia/Yekaterinburg", c.Location.String())
	assert.Equal(t, []int{14, 3}, c.RemindDays)
	assert.Equal(t, "https://bot.example.com/hook", c.WebhookURL)
	assert.Equal(t, longSecret, c.WebhookSecret)
}

// longSecret is a webhook secret of the shortest length accepted.
const longSecret = "abc_DEF-16-chars"

// TestTokenFromFile: the token can come from a file, trimmed; its content
// never appears in an error.
func TestTokenFromFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(good, []byte("  123:from-file\n"), 0o600))
	c, err := loadConfig(env{"TELEGRAM_BOT_TOKEN_FILE": good}.get, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "123:from-file", c.Token)

	bad := filepath.Join(dir, "two-lines")
	require.NoError(t, os.WriteFile(bad, []byte("123:secret-one\n456:secret-two\n"), 0o600))
	_, err = loadConfig(env{"TELEGRAM_BOT_TOKEN_FILE": bad}.get, nil, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-one")

	c, err = loadConfig(env{}.get, flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--token", "123:abc"})
	require.NoError(t, err)
	assert.True(t, c.TokenOnCommandLine)
}
