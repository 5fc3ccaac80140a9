package telegramtest

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// Server is an in-process fake of the Telegram Bot API. Create it with
// NewServer; all methods are safe for concurrent use.
type Server struct {
	token     string
	srv       *httptest.Server
	done      chan struct{}
	closeOnce sync.Once
	bot       models.User

	mu       sync.Mutex
	changed  chan struct{}  // closed and replaced on every state change
	calls    []Call         // completed calls
	inflight map[int64]Call // calls being processed, for dumps
	lastCall int64

	// updates.go
	lastUpdateID int64
	pending      []pendingUpdate
	allowed      map[string]bool // nil: Telegram's default set
	pollGen      uint64
	webhookURL   string
	callbacks    map[string]bool
	lastQueryID  int64
	queued       map[int64]pendingUpdate // every update ever queued, for Redeliver

	// messages.go
	lastMsgID int
	lastFile  int
	chats     map[int64]models.Chat
	msgs      map[int64]map[int]*botMsg
	commands  map[string]string
	descs     map[string]string // "description|ru" -> text

	// forum.go, copy.go, migrate.go (made on first use)
	forums   map[int64]*forum
	received map[int64]map[int]*models.Message // users' messages, for copyMessage and replies
	upgraded map[int64]int64                   // group id -> the supergroup it became

	onCall   func(Call) // called after each call is recorded, outside the lock
	noRecord bool       // load runs: keep no history

	// faults.go
	faults  map[string][]fault
	blocked map[int64]bool
	hangs   map[string]time.Duration
}

// Call is one request the bot made to the server.
type Call struct {
	Method string            // canonical method name, e.g. "sendMessage"
	Params map[string]string // form fields as sent (reply_markup stays a JSON string); uploaded files map to their file name
	Files  map[string][]byte // uploaded file contents by form field (nil when none)
	At     time.Time         // arrival time
	Code   int               // error_code answered, 0 when ok; 499 for a long poll the client abandoned
}

// ChatID returns the call's chat_id parameter, or 0 when absent or not numeric.
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	return id
}

// NewServer starts a fake Bot API server on 127.0.0.1 that accepts requests
// for token. It is closed by tb.Cleanup.
func NewServer(tb testing.TB, token string) *Server {
	tb.Helper()
	if strings.TrimSpace(token) == "" {
		tb.Fatalf("telegramtest: empty token")
	}
	s := Start(token)
	tb.Cleanup(s.close)
	return s
}

// Start starts a server outside a test (the load tool); Close stops it.
func Start(token string) *Server {
	botID, err := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	if err != nil || botID <= 0 {
		botID = 1
	}
	s := &Server{
		token:     token,
		done:      make(chan struct{}),
		bot:       models.User{ID: botID, IsBot: true, FirstName: "Test Bot", Username: "test_bot"},
		changed:   make(chan struct{}),
		inflight:  map[int64]Call{},
		callbacks: map[string]bool{},
		chats:     map[int64]models.Chat{},
		msgs:      map[int64]map[int]*botMsg{},
		commands:  map[string]string{},
		descs:     map[string]string{},
		faults:    map[string][]fault{},
		blocked:   map[int64]bool{},
		hangs:     map[string]time.Duration{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close stops a server made by Start.
func (s *Server) Close() { s.close() }

// OnCall registers fn to be called with every call once it is answered
// (for latency measurements); set it before traffic starts.
func (s *Server) OnCall(fn func(Call)) {
	s.mu.Lock()
	s.onCall = fn
	s.mu.Unlock()
}

// KeepNoHistory stops recording calls, so that long load runs keep memory
// flat; Messages still works.
func (s *Server) KeepNoHistory() {
	s.mu.Lock()
	s.noRecord = true
	s.mu.Unlock()
}

// URL is the base URL to pass to bot.WithServerURL.
func (s *Server) URL() string { return s.srv.URL }

// BotUser is the user returned by getMe and used as the sender of the bot's messages.
func (s *Server) BotUser() models.User { return s.bot }

func (s *Server) close() {
	s.closeOnce.Do(func() {
		close(s.done) // release long polls and hangs first, so Close does not block
		s.srv.Close()
	})
}

// notifyLocked wakes everything waiting for a state change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Calls returns the calls answered so far, in the order they were processed
// (a call is recorded once its effects are visible, e.g. in Messages, and
// before any SetHang delay), optionally only those whose method is one of
// methods (case-insensitive).
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, 0, len(s.calls))
	for _, c := range s.calls {
		if len(methods) > 0 && !slices.ContainsFunc(methods, func(m string) bool { return strings.EqualFold(m, c.Method) }) {
			continue
		}
		c.Params = maps.Clone(c.Params)
		c.Files = maps.Clone(c.Files)
		out = append(out, c)
	}
	return out
}

// WaitFor blocks until cond reports true for the recorded calls, re-checking
// whenever the server state changes. After timeout it fails tb with a dump of
// all calls. Call it from the test goroutine.
func (s *Server) WaitFor(tb testing.TB, timeout time.Duration, cond func([]Call) bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		calls := s.Calls()
		if cond(calls) {
			return
		}
		left := time.Until(deadline)
		if left <= 0 {
			s.mu.Lock()
			inflight := slices.SortedFunc(maps.Values(s.inflight), func(a, b Call) int { return a.At.Compare(b.At) })
			s.mu.Unlock()
			tb.Fatalf("telegramtest: condition not met within %v; %d calls answered:\n%s%d calls in flight:\n%s",
				timeout, len(calls), dumpCalls(calls), len(inflight), dumpCalls(inflight))
			return
		}
		t := time.NewTimer(min(left, 50*time.Millisecond))
		select {
		case <-ch:
		case <-t.C:
		}
		t.Stop()
	}
}

func dumpCalls(calls []Call) string {
	var b strings.Builder
	for i, c := range calls {
		fmt.Fprintf(&b, "  %3d. %s %s", i+1, c.At.Format("15:04:05.000"), c.Method)
		for _, k := range slices.Sorted(maps.Keys(c.Params)) {
			v := c.Params[k]
			if len(v) > 200 {
				v = v[:200] + "…"
			}
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
		if c.Code != 0 {
			fmt.Fprintf(&b, " -> error %d", c.Code)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
