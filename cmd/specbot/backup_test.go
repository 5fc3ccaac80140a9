package main

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/locales"
	"specbot/store"
)

// TestBackupOfALiveDatabase: while the real program serves partners, a
// backup is taken; the copy passes integrity_check, and a bot started on
// the copy carries on the conversation where the copy left it.
func TestBackupOfALiveDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := specbotBinary(t)
	srv := telegramtest.NewServer(t, serveToken)
	dir := t.TempDir()
	live := filepath.Join(dir, "specbot.db")
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": srv.URL(),
		"SPECBOT_DB": live, "SPECBOT_HTTP_ADDR": "127.0.0.1:0",
	}
	c := &chat{t: t, srv: srv, user: models.User{ID: 42, FirstName: "Анна", LanguageCode: "ru"}, p: locales.For("ru")}
	p := startServe(t, bin, vars)
	c.say("/start")
	c.press(c.p.T("button.start_check"))
	c.waitFor(c.p.T("check.question.company"))
	c.say("Рога и копыта")
	c.waitFor(c.p.T("check.question.specs"))

	// Writes go on during the backup: other partners keep talking.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := int64(0); ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			u := models.User{ID: 1000 + i%20, FirstName: "P", LanguageCode: "en"}
			srv.SendText(u.ID, u, "/start")
		}
	}()
	copyPath := filepath.Join(dir, "copy.db")
	code, stdout, stderr := run(t, env{"SPECBOT_DB": live}, "backup", "--to", copyPath)
	close(stop)
	<-done
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "integrity check ok")

	code, _, stderr = run(t, env{"SPECBOT_DB": live}, "backup", "--to", copyPath)
	assert.Equal(t, exitUsage, code, "a second backup to the same file is refused")
	requireOneLine(t, stderr, "--to", "already exists")

	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	<-p.waited

	// Restore: the copy becomes the database of a new bot.
	restored := filepath.Join(t.TempDir(), "specbot.db")
	data, err := os.ReadFile(copyPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(restored, data, 0o600))
	vars["SPECBOT_DB"] = restored
	startServe(t, bin, vars)
	c.say("DevOps")
	c.waitFor(question(t, "partner_agreement", "ru"))
}

func TestBackupErrors(t *testing.T) {
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.db")
	require.NoError(t, os.WriteFile(exists, []byte("x"), 0o600))
	for name, args := range map[string][]string{
		"no target":   {"backup"},
		"exists":      {"backup", "--to", exists},
		"no database": {"backup", "--db", filepath.Join(dir, "missing.db"), "--to", filepath.Join(dir, "out.db")},
		"bad flag":    {"backup", "--to", "x", "--fast"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := run(t, env{}, args...)
			assert.Equal(t, exitUsage, code)
			requireOneLine(t, stderr, "backup")
		})
	}
	_, err := os.Stat(filepath.Join(dir, "out.db"))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing written")
	_, err = os.Stat(filepath.Join(dir, "missing.db"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no database created")
}

// TestEveryCommandAnswersHelp: --help prints the command's flags and exits 0.
func TestEveryCommandAnswersHelp(t *testing.T) {
	for cmd, flags := range map[string][]string{
		"serve":  {"-token", "-db", "-webhook-url", "-metrics-addr"},
		"chat":   {"-lang"},
		"check":  {"-facts", "-format", "-today"},
		"remind": {"-now", "-dry-run", "-db"},
		"backup": {"-to", "-db"},
		"rules":  {"validate"},
	} {
		for _, h := range []string{"--help", "-h"} {
			t.Run(cmd+h, func(t *testing.T) {
				code, stdout, stderr := run(t, env{"SPECBOT_TZ": "Nowhere/City"}, cmd, h)
				assert.Equal(t, exitOK, code, stderr)
				for _, f := range flags {
					assert.Contains(t, stdout, f)
				}
			})
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := run(t, env{}, "--version")
	assert.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(stdout, "specbot "), stdout)
	if testing.Short() {
		return
	}
	// The built program carries the VCS revision when built in a checkout
	// (this machine's GOFLAGS may turn stamping off: turn it on).
	if exec.Command("git", "rev-parse", "HEAD").Run() != nil {
		t.Skip("not in a git checkout")
	}
	bin := filepath.Join(t.TempDir(), "specbot")
	out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	if meta, _ := exec.Command("go", "version", "-m", bin).Output(); strings.Contains(string(meta), "vcs.revision") {
		out, err = exec.Command(bin, "--version").CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Regexp(t, `^specbot \S+ revision [0-9a-f]{40}`, string(out))
	} else {
		t.Log("this toolchain stamps no VCS information; checking the -ldflags fallback only")
	}

	// A build without VCS information takes the revision from -ldflags.
	out, err = exec.Command("go", "build", "-buildvcs=false", "-ldflags", "-X main.revision=abc123", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(bin, "--version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "revision abc123")
}

// TestServeRefusesAnUnusableDatabase: a database file that cannot be
// written, or whose schema is newer than this binary's, stops serve at
// start with one line, before it logs "serving".
func TestServeRefusesAnUnusableDatabase(t *testing.T) {
	srv := telegramtest.NewServer(t, serveToken)
	prepare := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "specbot.db")
		code, _, stderr := run(t, env{"SPECBOT_DB": path}, "backup", "--to", filepath.Join(t.TempDir(), "x.db"))
		require.Equal(t, exitUsage, code, "no database yet: %s", stderr)
		db, err := store.Open(context.Background(), path)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		return path
	}
	cases := map[string]func(t *testing.T, path string) string{
		"read-only file": func(t *testing.T, path string) string {
			if os.Geteuid() != 0 {
				require.NoError(t, os.Chmod(path, 0o444))
			} else if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
				t.Skipf("root without chattr +i: %v %s", err, out)
			} else {
				t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
			}
			return "not writable"
		},
		"newer schema": func(t *testing.T, path string) string {
			c, err := sql.Open("sqlite3", path)
			require.NoError(t, err)
			_, err = c.Exec(`INSERT INTO migrations (name, applied_at) VALUES ('9999_future.sql', 'x')`)
			require.NoError(t, err)
			require.NoError(t, c.Close())
			return "newer than this specbot"
		},
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			path := prepare(t)
			want := spoil(t, path)
			code, stdout, stderr := run(t, env{"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": srv.URL(),
				"SPECBOT_DB": path, "SPECBOT_HTTP_ADDR": "127.0.0.1:0"}, "serve")
			assert.NotEqual(t, exitOK, code)
			requireOneLine(t, stderr, want)
			assert.NotContains(t, stdout+stderr, `"serving"`)
		})
	}
}

// TestServeWaitsForTheBotAPI: a Bot API unreachable at start is retried
// with backoff; once it answers the bot serves.
func TestServeWaitsForTheBotAPI(t *testing.T) {
	srv := telegramtest.NewServer(t, serveToken)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nobody listens: unreachable

	target, err := url.Parse(srv.URL())
	require.NoError(t, err)
	go func() {
		time.Sleep(1500 * time.Millisecond)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("listen again on %s: %v", addr, err)
			return
		}
		proxy := &http.Server{Handler: httputil.NewSingleHostReverseProxy(target)}
		t.Cleanup(func() { proxy.Close() })
		proxy.Serve(ln)
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	done := make(chan int, 1)
	e := env{"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": "http://" + addr,
		"SPECBOT_DB": filepath.Join(t.TempDir(), "specbot.db"), "SPECBOT_HTTP_ADDR": "127.0.0.1:0"}
	go func() { done <- Run(ctx, []string{"serve"}, strings.NewReader(""), out, out, e.get) }()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), `"msg":"serving"`) {
		if time.Now().After(deadline) {
			t.Fatalf("not serving after the Bot API came back:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	assert.Contains(t, out.String(), "retrying")
	cancel()
	assert.Equal(t, exitOK, <-done, out.String())
	assert.NotContains(t, out.String(), serveToken)
}
