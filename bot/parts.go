package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"specbot/app"
)

// anchorFlushEvery is how often the questions' message ids kept in memory
// are written down: one transaction for all chats, so that a crash loses at
// most this much of them (the next process then clears an older keyboard).
const anchorFlushEvery = 200 * time.Millisecond

// anchorCache remembers the message id of each chat's current question,
// the one whose keyboard the next question clears. It answers from memory
// what this process sent and from the store what an earlier one did, and
// writes the ids down in batches; Run owns its flushing loop and waits for
// it.
type anchorCache struct {
	app *app.App
	log *slog.Logger

	ids     sync.Map // chat id -> message id of its current question
	menus   sync.Map // chat id -> message id of its last menu, in memory only
	dirtyMu sync.Mutex
	dirty   map[int64]int // ids not yet written down
}

func newAnchorCache(a *app.App, log *slog.Logger) *anchorCache {
	return &anchorCache{app: a, log: log, dirty: map[int64]int{}}
}

// get is the message id of the chat's current question: remembered since
// this process sent it, else as stored with the session.
func (a *anchorCache) get(ctx context.Context, chatID int64) int {
	if v, ok := a.ids.Load(chatID); ok {
		return v.(int)
	}
	id, err := a.app.Anchor(ctx, chatID)
	if err != nil {
		a.log.Warn("load anchor", "chat_id", chatID, "err", err)
	}
	return id
}

// note remembers the message id of a chat's current question.
func (a *anchorCache) note(chatID int64, id int) {
	a.ids.Store(chatID, id)
	a.dirtyMu.Lock()
	a.dirty[chatID] = id
	a.dirtyMu.Unlock()
}

// menu is the message id of the chat's last menu with live buttons (the
// welcome, the language chooser), 0 when none is known.
func (a *anchorCache) menu(chatID int64) int {
	if v, ok := a.menus.Load(chatID); ok {
		return v.(int)
	}
	return 0
}

// setMenu remembers the chat's last menu; 0 forgets it.
func (a *anchorCache) setMenu(chatID int64, id int) {
	if id == 0 {
		a.menus.Delete(chatID)
		return
	}
	a.menus.Store(chatID, id)
}

// drop forgets the chat's question in memory only: the next get reads the
// store.
func (a *anchorCache) drop(chatID int64) { a.ids.Delete(chatID) }

// forget forgets the chat's question, written down or not (the partner's
// data was deleted).
func (a *anchorCache) forget(chatID int64) {
	a.ids.Delete(chatID)
	a.menus.Delete(chatID)
	a.dirtyMu.Lock()
	delete(a.dirty, chatID)
	a.dirtyMu.Unlock()
}

// flush writes the ids noted since the last flush.
func (a *anchorCache) flush(ctx context.Context) {
	a.dirtyMu.Lock()
	batch := a.dirty
	a.dirty = map[int64]int{}
	a.dirtyMu.Unlock()
	if err := a.app.SetAnchors(ctx, batch); err != nil {
		a.log.Warn("save anchors", "count", len(batch), "err", err)
	}
}

// run flushes every anchorFlushEvery until ctx ends.
func (a *anchorCache) run(ctx context.Context) {
	t := time.NewTicker(anchorFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.flush(ctx)
		}
	}
}

// apologyEvery bounds the apologies a chat gets during one outage.
const apologyEvery = 5 * time.Minute

// apologyThrottle lets a chat be told about an outage at most once per
// apologyEvery.
type apologyThrottle struct {
	now  func() time.Time
	mu   sync.Mutex
	last map[int64]time.Time
}

func newApologyThrottle(now func() time.Time) *apologyThrottle {
	return &apologyThrottle{now: now, last: map[int64]time.Time{}}
}

// allow reports whether chat may be told now, and if so counts it as told.
func (t *apologyThrottle) allow(chat int64) bool {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.last[chat]; ok && now.Sub(last) < apologyEvery {
		return false
	}
	t.last[chat] = now
	return true
}
