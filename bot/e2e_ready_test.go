package bot_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
)

// switchable is a proxy in front of the fake Bot API that can be taken
// away (connections are dropped, as with a network outage) and brought back.
type switchable struct {
	down atomic.Bool
	srv  *httptest.Server
}

func newSwitchable(t *testing.T, target string) *switchable {
	u, err := url.Parse(target)
	require.NoError(t, err)
	s := &switchable{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func status(t *testing.T, addr, path string) int {
	t.Helper()
	resp, err := http.Get("http://" + addr + path)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestReadyzFollowsTheBotAPI: /readyz is 200 while the Bot API answers,
// 503 within 10 s after it goes away (while /healthz stays 200), and 200
// again once it is back.
func TestReadyzFollowsTheBotAPI(t *testing.T) {
	var proxy *switchable
	h := newHarness(t, func(c *bot.Config) {
		proxy = newSwitchable(t, c.APIURL)
		c.APIURL = proxy.srv.URL
	})
	h.settle()
	waitStatus := func(want int, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		got := 0
		for time.Now().Before(deadline) {
			if got = status(t, h.addr, "/readyz"); got == want {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("/readyz: want %d within %v, last %d", want, within, got)
	}
	waitStatus(http.StatusOK, 5*time.Second)

	proxy.down.Store(true)
	start := time.Now()
	waitStatus(http.StatusServiceUnavailable, 10*time.Second)
	t.Logf("503 after %v", time.Since(start).Round(time.Millisecond))
	assert.Equal(t, http.StatusOK, status(t, h.addr, "/healthz"), "liveness does not follow the Bot API")

	proxy.down.Store(false)
	waitStatus(http.StatusOK, 10*time.Second)
}

// TestReadyzFailsWithoutADisk: a database that can no longer be written
// makes the bot unready.
func TestReadyzFailsWithoutADisk(t *testing.T) {
	h := newHarness(t)
	h.settle()
	require.Equal(t, http.StatusOK, status(t, h.addr, "/readyz"))
	h.db.SetWriteFault(assert.AnError)
	assert.Equal(t, http.StatusServiceUnavailable, status(t, h.addr, "/readyz"))
	h.db.SetWriteFault(nil)
	assert.Equal(t, http.StatusOK, status(t, h.addr, "/readyz"))
}

// TestReadyzFailsFirstOnShutdown: once the bot is told to stop, /readyz
// says 503 while an update is still in flight and /healthz still answers;
// the update then finishes and Run returns.
func TestReadyzFailsFirstOnShutdown(t *testing.T) {
	h := newHarness(t)
	h.settle()
	require.Equal(t, http.StatusOK, status(t, h.addr, "/readyz"))
	h.srv.SetHang("sendMessage", 1500*time.Millisecond)
	p := h.partner(t, 42, "Alice", "en")
	h.srv.SendText(p.chat, p.user, "/start")
	time.Sleep(700 * time.Millisecond) // the welcome is being sent
	h.cancel()
	deadline := time.Now().Add(time.Second)
	got := 0
	for time.Now().Before(deadline) {
		if got = status(t, h.addr, "/readyz"); got == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	assert.Equal(t, http.StatusServiceUnavailable, got, "readiness fails as soon as the stop is asked")
	assert.Equal(t, http.StatusOK, status(t, h.addr, "/healthz"), "the server still answers while the update finishes")
	select {
	case err := <-h.done:
		require.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("Run did not return")
	}
	require.NoError(t, h.db.Close())
	h.cancel = nil
}
