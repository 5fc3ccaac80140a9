package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/locales"
	"specbot/store"
)

// chatOf returns the chat an update belongs to, 0 for updates without one.
func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID
		}
		if m := u.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID
		}
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

// store writes updates to the inbox in one transaction, retrying until
// they are stored or ctx ends: an update must never be confirmed to
// Telegram before it is stored. raw holds updates as Telegram sent them,
// by id, stored as they came; any other is stored as the library decoded
// it.
func (b *Bot) store(ctx context.Context, raw map[int64][]byte, batch ...*models.Update) error {
	rows := make([]store.InboxUpdate, 0, len(batch))
	decoded := make([]*models.Update, 0, len(batch))
	for _, u := range batch {
		if u.ID <= 0 {
			// The inbox cannot take it, and refusing the batch would hold
			// every chat's updates behind it: log it and go on.
			b.log.Warn("update with a non-positive id skipped", "update_id", u.ID, "chat_id", chatOf(u))
			continue
		}
		payload := raw[u.ID]
		if payload == nil {
			var err error
			if payload, err = json.Marshal(u); err != nil {
				return fmt.Errorf("encode update %d: %w", u.ID, err)
			}
		}
		rows = append(rows, store.InboxUpdate{UpdateID: u.ID, ChatID: chatOf(u), Payload: payload})
		decoded = append(decoded, u)
	}
	if len(rows) == 0 {
		return nil
	}
	backoff := 50 * time.Millisecond
	for {
		_, err := b.app.Receive(ctx, rows)
		if err == nil {
			// Stored: hand them to the dispatcher directly; the inbox scan
			// is for retries and for what a previous run left.
			b.dispatch.offer(rows, decoded)
			return nil
		}
		b.metrics.Errors.WithLabelValues("inbox").Inc()
		b.log.Error("store updates", "first_update_id", rows[0].UpdateID, "count", len(rows), "err", err)
		// The partners get no answer until the disk is back: tell them,
		// once, that their message is not lost and will be answered.
		for _, u := range batch {
			b.apologizeOnce(ctx, u)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// apologizeOnce apologizes for an update that cannot be stored yet, at most
// once per chat per apologyEvery.
func (b *Bot) apologizeOnce(ctx context.Context, u *models.Update) {
	chat := chatOf(u)
	if chat == 0 {
		return
	}
	if !b.apologies.allow(chat) {
		return
	}
	p := locales.For(b.langOf(ctx, chat, langCode(sender(u))))
	if u.CallbackQuery != nil {
		b.answerCallback(ctx, u.CallbackQuery.ID, p.T("error.apology_short"))
	}
	b.tell(ctx, chat, p.T("error.storage"))
}

// receive is the library's handler in polling mode: the gate stores the
// batch before the next poll confirms it.
func (b *Bot) receive(_ context.Context, _ *tgbot.Bot, u *models.Update) {
	b.gate.receive(u)
}

// dispatcher applies inbox updates: in order within a chat, chats in
// parallel up to Config.Workers.
type dispatcher struct {
	b *Bot

	mu       sync.Mutex
	inflight map[int64]bool     // update ids taken and not finished
	finished map[int64]bool     // done here, maybe still in an older snapshot
	queues   map[int64][]queued // per chat, waiting
	running  map[int64]bool     // chats with a worker
	failures map[int64]int      // update id -> failed attempts
	blocked  map[int64]bool     // chats waiting for a retry: new updates wait behind it
	work     context.Context    // set by run
	sem      chan struct{}
	wg       sync.WaitGroup
}

func newDispatcher(b *Bot) *dispatcher {
	return &dispatcher{
		b: b, inflight: map[int64]bool{}, finished: map[int64]bool{}, queues: map[int64][]queued{},
		running: map[int64]bool{}, failures: map[int64]int{}, blocked: map[int64]bool{}, sem: make(chan struct{}, b.cfg.Workers),
	}
}

// run feeds pending updates to chat workers until ctx ends, then waits for
// the updates in flight to finish within work's own deadline.
func (d *dispatcher) run(ctx, work context.Context) {
	d.mu.Lock()
	d.work = work
	d.mu.Unlock()
	tick := time.NewTicker(d.b.cfg.RetryEvery)
	defer tick.Stop()
	var pruned time.Time
	for {
		d.feed(ctx, work)
		if time.Since(pruned) > pruneEvery {
			d.prune(ctx)
			pruned = time.Now()
		}
		select {
		case <-ctx.Done():
			d.mu.Lock()
			d.work = nil
			d.mu.Unlock()
			d.wg.Wait()
			return
		case <-tick.C:
		}
	}
}

// The inbox keeps done update ids for a week, long past any redelivery
// (Telegram keeps unconfirmed updates for 24 hours), then forgets them; the
// outbox forgets its sent batches after the same week.
const (
	pruneEvery = time.Hour
	keepDone   = 7 * 24 * time.Hour
)

func (d *dispatcher) prune(ctx context.Context) {
	updates, replies, err := d.b.app.Prune(ctx, d.b.cfg.Now().Add(-keepDone))
	if err != nil {
		if ctx.Err() == nil {
			d.b.log.Warn("prune inbox and outbox", "err", err)
		}
		return
	}
	if updates > 0 || replies > 0 {
		d.b.log.Info("inbox and outbox pruned", "updates", updates, "replies", replies)
	}
}

// queued is an update waiting in its chat's queue. decoded, when set, is
// the update as it came, so that its turn need not decode the stored
// payload again; a retry, or an update a previous run left, has none.
type queued struct {
	store.InboxUpdate
	decoded *models.Update
}

// offer queues freshly stored updates without reading them back; decoded
// holds each row's update as it came. Chats waiting for a retry are
// skipped: the next scan takes their updates in order.
func (d *dispatcher) offer(rows []store.InboxUpdate, decoded []*models.Update) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.work == nil {
		return // not running (or shutting down): the scan at start takes them
	}
	for i, u := range rows {
		if d.blocked[u.ChatID] {
			continue
		}
		d.queueLocked(d.work, queued{InboxUpdate: u, decoded: decoded[i]})
	}
}

// queueLocked adds an update to its chat's queue and starts the chat's
// worker when needed. d.mu must be held.
func (d *dispatcher) queueLocked(work context.Context, u queued) {
	if d.inflight[u.UpdateID] || d.finished[u.UpdateID] {
		return
	}
	d.inflight[u.UpdateID] = true
	// In update_id order, however they arrived: webhook requests come in
	// parallel, and a chat's later update can be stored before an earlier
	// one.
	q := d.queues[u.ChatID]
	i, _ := slices.BinarySearchFunc(q, u.UpdateID, func(x queued, id int64) int { return cmp.Compare(x.UpdateID, id) })
	d.queues[u.ChatID] = slices.Insert(q, i, u)
	if !d.running[u.ChatID] {
		d.running[u.ChatID] = true
		d.wg.Add(1)
		go d.worker(work, u.ChatID)
	}
}

func (d *dispatcher) feed(ctx, work context.Context) {
	pending, err := d.b.app.Pending(ctx, 500)
	if err != nil {
		if ctx.Err() == nil {
			d.b.metrics.Errors.WithLabelValues("inbox").Inc()
			d.b.log.Error("pending updates", "err", err)
		}
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// A snapshot read before a worker committed may still list an update
	// it finished: skip those, and forget them once a snapshot no longer
	// lists them.
	listed := make(map[int64]bool, len(pending))
	for _, u := range pending {
		listed[u.UpdateID] = true
	}
	for id := range d.finished {
		if !listed[id] {
			delete(d.finished, id)
		}
	}
	for _, u := range pending {
		delete(d.blocked, u.ChatID)
		d.queueLocked(work, queued{InboxUpdate: u})
	}
}

// worker drains one chat's queue in order.
func (d *dispatcher) worker(ctx context.Context, chatID int64) {
	defer d.wg.Done()
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		d.mu.Lock()
		for _, u := range d.queues[chatID] {
			delete(d.inflight, u.UpdateID)
		}
		delete(d.queues, chatID)
		delete(d.running, chatID)
		d.mu.Unlock()
		return
	}
	ctx = withSlot(ctx, d.sem) // given back while a reply waits for its chat's pace
	d.b.metrics.Inflight.Inc()
	defer func() {
		<-d.sem
		d.b.metrics.Inflight.Dec()
	}()
	for {
		d.mu.Lock()
		q := d.queues[chatID]
		if len(q) == 0 || ctx.Err() != nil {
			for _, u := range q {
				delete(d.inflight, u.UpdateID)
			}
			delete(d.queues, chatID)
			delete(d.running, chatID)
			d.mu.Unlock()
			return
		}
		u := q[0]
		d.queues[chatID] = q[1:]
		d.mu.Unlock()

		err := d.b.process(ctx, u)

		d.mu.Lock()
		delete(d.inflight, u.UpdateID)
		if err != nil {
			d.failures[u.UpdateID]++
			d.blocked[chatID] = true
			// Later updates of the chat wait for this one: order matters.
			for _, later := range d.queues[chatID] {
				delete(d.inflight, later.UpdateID)
			}
			delete(d.queues, chatID)
			delete(d.running, chatID)
			d.mu.Unlock()
			return
		}
		delete(d.failures, u.UpdateID)
		d.finished[u.UpdateID] = true
		d.mu.Unlock()
	}
}

// attempts returns how many times an update has failed.
func (d *dispatcher) attempts(updateID int64) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.failures[updateID]
}
