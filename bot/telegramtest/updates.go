package telegramtest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// pendingUpdate is a queued, not yet confirmed update, frozen as JSON.
type pendingUpdate struct {
	id   int64
	kind string // "message", "callback_query", …
	raw  json.RawMessage
}

// Updates Telegram leaves out unless allowed_updates asks for them.
var notDefaultUpdates = []string{"chat_member", "message_reaction", "message_reaction_count"}

const (
	statusClientGone = 499 // recorded for long polls the client abandoned
	conflictWebhook  = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	conflictPoll     = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)

// QueueUpdate queues any update for delivery (getUpdates or DeliverWebhook)
// and returns its update_id, assigning the next one when u.ID is 0.
// Callback queries queued here can be answered with answerCallbackQuery.
func (s *Server) QueueUpdate(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queueLocked(&u)
}

// LastUpdateID is the update_id of the newest update queued, 0 before
// any: the id of a message SendUserMessage (or a helper built on it) just
// queued, for Redeliver.
func (s *Server) LastUpdateID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastUpdateID
}

func (s *Server) queueLocked(u *models.Update) int64 {
	if u.ID == 0 {
		u.ID = s.lastUpdateID + 1
	}
	s.lastUpdateID = max(s.lastUpdateID, u.ID)
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: cannot marshal update: %v", err))
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	kind := ""
	for k := range fields {
		if k != "update_id" {
			kind = k
		}
	}
	if u.CallbackQuery != nil {
		s.callbacks[u.CallbackQuery.ID] = true
	}
	p := pendingUpdate{id: u.ID, kind: kind, raw: raw}
	if s.queued == nil {
		s.queued = map[int64]pendingUpdate{}
	}
	s.queued[u.ID] = p
	s.insertPendingLocked(p)
	return u.ID
}

func (s *Server) insertPendingLocked(p pendingUpdate) {
	i, found := slices.BinarySearchFunc(s.pending, p.id, func(q pendingUpdate, id int64) int { return cmp.Compare(q.id, id) })
	if !found {
		s.pending = slices.Insert(s.pending, i, p)
	}
	s.notifyLocked()
}

// Redeliver queues an update queued before once more, with its update_id,
// even though the bot confirmed it: what Telegram does when the
// confirmation was lost (a crash between receiving a batch and the next
// getUpdates). It reports false for an update id never queued. Like any
// update, it is dropped by a getUpdates whose offset is past it: redeliver
// while the bot is stopped, and its next start (which polls from offset 1)
// receives it.
func (s *Server) Redeliver(updateID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.queued[updateID]
	if ok {
		s.insertPendingLocked(p)
	}
	return ok
}

// SendText queues a message update from a user: a private chat with id
// chatID (a group when chatID is negative). Texts starting with a command
// get a bot_command entity, like Telegram adds. Returns the update id.
func (s *Server) SendText(chatID int64, from models.User, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastMsgID++
	msg := &models.Message{
		ID:   s.lastMsgID,
		From: &from,
		Date: int(time.Now().Unix()),
		Chat: s.chatLocked(chatID, from),
		Text: text,
	}
	if n := commandLen(text); n > 0 {
		msg.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: n}}
	}
	s.keepLocked(msg) // for copyMessage and replies
	return s.queueLocked(&models.Update{Message: msg})
}

// PressButton queues a callback_query update as if the user pressed an inline
// button carrying data under the bot's message messageID in chatID. The query
// carries the message as it is now; if the bot never sent it or deleted it,
// it carries an InaccessibleMessage instead. Returns the update id.
func (s *Server) PressButton(chatID int64, from models.User, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat := s.chatLocked(chatID, from)
	s.lastQueryID++
	cq := &models.CallbackQuery{
		ID:           strconv.FormatInt(4_000_000_000_000_000_000+s.lastQueryID, 10),
		From:         from,
		ChatInstance: strconv.FormatInt(chatID, 10),
		Data:         data,
	}
	if m := s.msgs[chatID][messageID]; m != nil {
		mm := s.modelLocked(m)
		cq.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &mm}
	} else {
		cq.Message = models.MaybeInaccessibleMessage{
			Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: chat, MessageID: messageID},
		}
	}
	return s.queueLocked(&models.Update{CallbackQuery: cq})
}

// Pending returns the number of queued updates not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// commandLen is the length of a leading /command[@bot], 0 if none.
func commandLen(text string) int {
	if !strings.HasPrefix(text, "/") {
		return 0
	}
	word := func(i int) int {
		for i < len(text) && (text[i] == '_' || text[i] >= '0' && text[i] <= '9' || text[i]|0x20 >= 'a' && text[i]|0x20 <= 'z') {
			i++
		}
		return i
	}
	n := word(1)
	if n == 1 {
		return 0
	}
	if n < len(text) && text[n] == '@' {
		if m := word(n + 1); m > n+1 {
			n = m
		}
	}
	return n
}

// setAllowedLocked applies an allowed_updates parameter, if given.
func (s *Server) setAllowedLocked(param string) error {
	if param == "" {
		return nil
	}
	var kinds []string
	if err := json.Unmarshal([]byte(param), &kinds); err != nil {
		return fmt.Errorf("can't parse allowed_updates: %v", err)
	}
	if len(kinds) == 0 {
		s.allowed = nil
		return nil
	}
	s.allowed = map[string]bool{}
	for _, k := range kinds {
		s.allowed[k] = true
	}
	return nil
}

// dropDisallowedLocked forgets updates of types the bot did not ask for.
func (s *Server) dropDisallowedLocked() {
	s.pending = slices.DeleteFunc(s.pending, func(p pendingUpdate) bool {
		if s.allowed == nil {
			return slices.Contains(notDefaultUpdates, p.kind)
		}
		return !s.allowed[p.kind]
	})
}

func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		s.pending = slices.DeleteFunc(s.pending, func(p pendingUpdate) bool { return p.id < offset })
	case offset < 0:
		if keep := int(-offset); len(s.pending) > keep {
			s.pending = slices.Delete(s.pending, 0, len(s.pending)-keep)
		}
	}
}

func (s *Server) getUpdates(r *request) reply {
	offset, _ := r.int64("offset")
	limit, given := r.int64("limit")
	if !given || limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, _ := r.int64("timeout")
	deadline := time.Now().Add(time.Duration(max(timeout, 0)) * time.Second)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhookURL != "" {
		return fail(http.StatusConflict, conflictWebhook)
	}
	if err := s.setAllowedLocked(r.p["allowed_updates"]); err != nil {
		return badRequest(err.Error())
	}
	s.pollGen++
	gen := s.pollGen
	s.notifyLocked() // terminates a concurrent long poll, like Telegram
	s.confirmLocked(offset)
	for {
		switch {
		case s.pollGen != gen:
			return fail(http.StatusConflict, conflictPoll)
		case s.webhookURL != "":
			return fail(http.StatusConflict, conflictWebhook)
		}
		s.dropDisallowedLocked()
		batch := make([]json.RawMessage, 0, min(int(limit), len(s.pending)))
		for _, p := range s.pending[:min(int(limit), len(s.pending))] {
			batch = append(batch, p.raw)
		}
		wait := time.Until(deadline)
		if len(batch) > 0 || wait <= 0 {
			return ok(batch)
		}
		ch := s.changed
		s.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ch:
		case <-t.C:
		case <-r.ctx.Done():
		case <-s.done:
		}
		t.Stop()
		s.mu.Lock()
		if r.ctx.Err() != nil {
			return fail(statusClientGone, "Client Closed Request") // never written
		}
		select {
		case <-s.done:
			return ok([]json.RawMessage{})
		default:
		}
	}
}

func (s *Server) setWebhook(r *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setAllowedLocked(r.p["allowed_updates"]); err != nil {
		return badRequest(err.Error())
	}
	if r.p["drop_pending_updates"] == "true" {
		s.pending = nil
	}
	s.webhookURL = r.p["url"]
	s.notifyLocked()
	return ok(true)
}

func (s *Server) deleteWebhook(r *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.p["drop_pending_updates"] == "true" {
		s.pending = nil
	}
	s.webhookURL = ""
	s.notifyLocked()
	return ok(true)
}

func (s *Server) getWebhookInfo(*request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok(models.WebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.pending)})
}

// DeliverWebhook POSTs every queued unconfirmed update, one request each and
// in order, as JSON to url (which must be on a loopback address), with the
// X-Telegram-Bot-Api-Secret-Token header unless secret is "". Like Telegram,
// an update is confirmed (deleted) only when the answer is 2xx; the others
// stay queued and are listed in the returned error.
func (s *Server) DeliverWebhook(ctx context.Context, url, secret string) error {
	if err := checkLoopback(url); err != nil {
		return err
	}
	s.mu.Lock()
	s.dropDisallowedLocked()
	batch := slices.Clone(s.pending)
	s.mu.Unlock()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var failures []string
	for _, p := range batch {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(p.raw))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("telegramtest: webhook delivery interrupted at update %d: %w", p.id, ctx.Err())
			}
			failures = append(failures, fmt.Sprintf("update %d: %v", p.id, err))
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			failures = append(failures, fmt.Sprintf("update %d: %s", p.id, resp.Status))
			continue
		}
		s.mu.Lock()
		s.pending = slices.DeleteFunc(s.pending, func(q pendingUpdate) bool { return q.id == p.id })
		s.notifyLocked()
		s.mu.Unlock()
	}
	if len(failures) > 0 {
		return fmt.Errorf("telegramtest: webhook delivery failed for %d of %d updates: %s", len(failures), len(batch), strings.Join(failures, "; "))
	}
	return nil
}

// checkLoopback refuses webhook targets outside this machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("telegramtest: bad webhook url: %w", err)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		return nil
	}
	return fmt.Errorf("telegramtest: webhook url %q is not on a loopback address", raw)
}
