package telegramtest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

const blockedDesc = "Forbidden: bot was blocked by the user"

type fault struct{ code, retryAfter int }

// FailNext makes the next n calls of method (case-insensitive) answer the
// error code instead of being processed: 429 carries parameters.retry_after
// = retryAfter, 403 is "Forbidden: bot was blocked by the user", 500 an
// internal error, and so on. Calls add up; n <= 0 clears pending failures.
func (s *Server) FailNext(method string, n int, code int, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	if n <= 0 {
		delete(s.faults, key)
		return
	}
	for range n {
		s.faults[key] = append(s.faults[key], fault{code, retryAfter})
	}
}

// BlockChat makes every call addressed to chatID (by chat_id) answer 403
// "Forbidden: bot was blocked by the user", as when the user blocked the bot.
func (s *Server) BlockChat(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// UnblockChat undoes BlockChat.
func (s *Server) UnblockChat(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

// SetHang holds the answers of method (case-insensitive) for d, or until the
// request's context ends. The call is processed first, so its side effects
// happen even if the client gives up, like on Telegram. d <= 0 removes it.
func (s *Server) SetHang(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	if d <= 0 {
		delete(s.hangs, key)
		return
	}
	s.hangs[key] = d
}

// takeFaultLocked pops the next injected failure for method, if any.
func (s *Server) takeFaultLocked(method string) (reply, bool) {
	q := s.faults[method]
	if len(q) == 0 {
		return reply{}, false
	}
	f := q[0]
	if len(q) == 1 {
		delete(s.faults, method)
	} else {
		s.faults[method] = q[1:]
	}
	rep := fail(f.code, describe(f.code, f.retryAfter))
	if f.code == http.StatusTooManyRequests {
		rep.retryAfter = f.retryAfter
	}
	return rep, true
}

// describe gives the description Telegram uses for an error code.
func describe(code, retryAfter int) string {
	switch code {
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return blockedDesc
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return conflictPoll
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	}
	if t := http.StatusText(code); t != "" {
		return t
	}
	return fmt.Sprintf("Error %d", code)
}
