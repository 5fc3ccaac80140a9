package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/eligibility"
	"specbot/locales"
)

// serveToken is the token of the serve tests; it must never be printed.
const serveToken = "424242:SERVE-secret-token-value"

const serveWait = 20 * time.Second

// TestServeNeverPrintsTheToken: when the Bot API cannot be reached or
// refuses the token, serve fails with a message that does not carry the
// token (the library's errors hold the request URL, token included).
func TestServeNeverPrintsTheToken(t *testing.T) {
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	// A server that knows another token: 401.
	other := telegramtest.NewServer(t, "1:another-token")

	for name, api := range map[string]string{"unreachable": closed, "unauthorized": other.URL()} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			e := env{"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": api,
				"SPECBOT_DB": filepath.Join(t.TempDir(), "specbot.db"), "SPECBOT_HTTP_ADDR": "127.0.0.1:0"}
			// Unreachable is retried until the context ends; refused is final.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			code := Run(ctx, []string{"serve"}, strings.NewReader(""), &out, &errOut, e.get)
			stdout, stderr := out.String(), errOut.String()
			assert.Equal(t, exitError, code, stderr)
			if name == "unauthorized" {
				assert.Less(t, time.Since(start), 2*time.Second, "a refused token is not retried")
			} else {
				assert.Contains(t, stderr, "retrying", "an unreachable Bot API is retried")
			}
			assert.NotEmpty(t, stderr)
			assert.NotContains(t, stdout+stderr, serveToken)
			assert.NotContains(t, stdout+stderr, "SERVE-secret-token-value")
		})
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// specbotBinary builds the real program once per test run.
func specbotBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "specbot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "specbot")
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	require.NoError(t, buildErr, "go build: %s", binPath)
	t.Cleanup(func() {}) // the binary is shared; it lives in the OS temp dir
	return binPath
}

// process is one run of `specbot serve`.
type process struct {
	cmd    *exec.Cmd
	out    *lockedBuffer
	waited chan error
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveVars is the environment of a serve against srv on a fresh database
// in t's temporary directory, listening on a free loopback port.
func serveVars(t *testing.T, srv *telegramtest.Server) map[string]string {
	return map[string]string{
		"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": srv.URL(),
		"SPECBOT_DB": filepath.Join(t.TempDir(), "specbot.db"), "SPECBOT_HTTP_ADDR": "127.0.0.1:0",
	}
}

// managersVars is serveVars with the managers' chat, one manager and the
// managers' language.
func managersVars(t *testing.T, srv *telegramtest.Server, managersChat, manager int64, lang string) map[string]string {
	vars := serveVars(t, srv)
	vars["SPECBOT_MANAGERS_CHAT_ID"] = fmt.Sprint(managersChat)
	vars["SPECBOT_MANAGER_IDS"] = fmt.Sprint(manager)
	vars["SPECBOT_MANAGERS_LANG"] = lang
	return vars
}

// startServe runs `specbot serve` with a clean environment plus vars.
func startServe(t *testing.T, bin string, vars map[string]string) *process {
	t.Helper()
	return startSpecbot(t, bin, vars, "serve")
}

// addr reads the HTTP address from the "serving" log line.
func (p *process) addr(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(serveWait)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(p.out.String()))
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" && line.Addr != "" {
				return line.Addr
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no serving line in:\n%s", p.out.String())
	return ""
}

// chat is a partner in a private chat with the real program.
type chat struct {
	t    *testing.T
	srv  *telegramtest.Server
	user models.User
	p    *locales.Printer
}

func (c *chat) messages() []telegramtest.Message { return c.srv.Messages(c.user.ID) }

// waitFor waits until a message of the chat contains s and returns it.
func (c *chat) waitFor(s string) telegramtest.Message {
	c.t.Helper()
	var got telegramtest.Message
	c.srv.WaitFor(c.t, serveWait, func([]telegramtest.Call) bool {
		for _, m := range c.messages() {
			if strings.Contains(m.Text, s) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// press presses the newest button labelled label.
func (c *chat) press(label string) {
	c.t.Helper()
	var msgID int
	var data string
	c.srv.WaitFor(c.t, serveWait, func([]telegramtest.Call) bool {
		msgs := c.messages()
		for i := len(msgs) - 1; i >= 0; i-- {
			for _, row := range msgs[i].Keyboard {
				for _, b := range row {
					if b.Text == label {
						msgID, data = msgs[i].ID, b.Data
						return true
					}
				}
			}
		}
		return false
	})
	c.srv.PressButton(c.user.ID, c.user, msgID, data)
}

func (c *chat) say(text string) { c.srv.SendText(c.user.ID, c.user, text) }

// question is a fact's question in the partner's language.
func question(t *testing.T, fact, lang string) string {
	t.Helper()
	f, ok := eligibility.DefaultCatalog().Fact(fact)
	require.True(t, ok, fact)
	q := f.Question.Get(lang)
	if i := strings.Index(q, "{"); i > 0 {
		q = q[:i]
	}
	return q
}

// TestServeSurvivesSIGKILL: the real program is killed in the middle of a
// dialog, while answers are on their way; more answers arrive while it is
// down; started again on the same database it goes on at the same
// question with every answer kept, none lost and none applied twice. The
// token never appears in its output, and SIGTERM stops it cleanly.
func TestServeSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := specbotBinary(t)
	srv := telegramtest.NewServer(t, serveToken)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": srv.URL(),
		"SPECBOT_DB": filepath.Join(t.TempDir(), "specbot.db"), "SPECBOT_HTTP_ADDR": "127.0.0.1:0",
		"SPECBOT_MANAGERS_CHAT_ID": "-100", "SPECBOT_MANAGER_IDS": "7",
	}
	c := &chat{t: t, srv: srv, user: models.User{ID: 42, FirstName: "Анна", Username: "anna", LanguageCode: "ru"}, p: locales.For("ru")}

	first := startServe(t, bin, vars)
	c.say("/start")
	c.press(c.p.T("button.start_check"))
	c.waitFor(c.p.T("check.question.company"))
	c.say("Рога и копыта")
	c.waitFor(c.p.T("check.question.specs"))
	c.say("DevOps")
	c.waitFor(question(t, "partner_agreement", "ru"))
	c.say("да")
	c.waitFor(question(t, "business_plan", "ru"))

	// Two answers on their way, and the process dies.
	c.say("нет")
	c.say("2")
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	err := <-first.waited
	require.Error(t, err, "killed")
	// Two more while it is down.
	c.say("1,5 млн")
	c.say("назначено")

	second := startServe(t, bin, vars)
	employees := c.waitFor(question(t, "employees", "ru"))
	require.NotNil(t, employees.Keyboard)
	addr := second.addr(t)
	resp, err := http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	c.press(c.p.T("button.unknown"))
	summary := c.waitFor(c.p.T("summary.title"))
	for _, want := range []string{
		"<b>Рога и копыта</b>", "<b>DevOps</b>",
		": <b>Да</b>", ": <b>Нет</b>", ": <b>2</b>",
		"<b>" + c.p.Money(1_500_000) + "</b>", "<b>Назначено</b>",
	} {
		assert.Contains(t, summary.Text, want)
	}
	for _, fact := range []string{"partner_agreement", "business_plan", "verified_solutions", "consumption_rub_year", "architect_interview", "employees"} {
		n := 0
		for _, m := range c.messages() {
			if strings.Contains(m.Text, question(t, fact, "ru")) {
				n++
			}
		}
		assert.LessOrEqual(t, n, 1, "%s asked at most once: no answer applied twice", fact)
	}
	for _, m := range c.messages() {
		assert.NotContains(t, m.Text, "⚠️", "every answer applied to its own question")
	}
	c.press(c.p.T("button.verdict"))
	verdict := c.waitFor("🗓")
	assert.Contains(t, verdict.Text, "не хватает 500 000 ₽ до 2 000 000 ₽")
	assert.Zero(t, srv.Pending(), "every update confirmed")

	// SIGTERM: a clean stop.
	require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-second.waited:
		assert.NoError(t, err, "exit status 0 after SIGTERM")
	case <-time.After(serveWait):
		t.Fatal("no exit after SIGTERM")
	}
	assert.Contains(t, second.out.String(), "specbot stopped")

	for i, p := range []*process{first, second} {
		out := p.out.String()
		assert.NotContains(t, out, serveToken, "run %d printed the token", i+1)
		assert.NotContains(t, out, "SERVE-secret-token-value", "run %d printed the token", i+1)
	}
}
