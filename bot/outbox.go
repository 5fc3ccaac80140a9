package bot

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/app"
	"specbot/dialogs"
	"specbot/store"
)

// The reply outbox, as the Telegram adapter drains it. Whatever the bot
// says is stored before it is sent: a turn's replies with the turn
// (app.Handle, a request for a manager and its confirmation included), a
// command's answer or a manager's relayed answer with the update's done
// mark (answer, onManagersMessage), the Mini App's verdict with the sheet
// (Deliver), a note of our own on its own (tell). The sender claims a batch, sends it
// and marks it sent. What a crash, a restart or a Bot API outage left
// unsent is sent at the next start, by a timer (retry.go), or before the
// chat's next input is applied, whichever comes first, in order per chat:
// a partner answers only what it has seen.

// deliver sends one stored batch and records the outcome: sent, or kept
// with what is left for a later attempt (the timed retries send it then,
// if the chat's next input does not come first). It reports whether all
// of it went. A batch another sender claimed first is left to it.
func (b *Bot) deliver(ctx context.Context, o app.Outbound, anchor int, forgotten bool) bool {
	var cl *claim
	if o.ID != 0 {
		cl = &claim{b: b, o: o}
		ctx = withClaim(ctx, cl)
	}
	var n int
	if o.Relay != nil {
		n = b.sendRelay(ctx, &o)
	} else if o.Thread != 0 && b.isManagersChat(o.ChatID) {
		n = b.replyInTopic(ctx, o.Thread, o.Messages)
	} else {
		n = b.reply(ctx, o.ChatID, o.Messages, o.Pressed, anchor, forgotten)
	}
	total := len(o.Messages)
	if o.Document != nil {
		total++
		if n == len(o.Messages) && b.sendDocument(ctx, o.ChatID, o.Thread, o.Document) {
			n++
		}
	}
	if o.ID == 0 {
		return n == total
	}
	if cl.taken {
		return true // another sender claimed it first
	}
	// The outcome is recorded even when ctx ended mid-send.
	rec := context.WithoutCancel(ctx)
	if n == total {
		b.retries.forget(o.ID)
		if cl.marked || !cl.tried {
			// Marked sending, it is never sent again; made of edits
			// only, sending it again changes nothing. Either way the
			// sent mark need not be waited for, and shares the next
			// commit, which comes before the chat's next turn's.
			if !cl.marked {
				// Still pending until the mark lands: not one to send
				// again meanwhile.
				b.sentOnly.add(o.ID)
			}
			// Only the ids outlive this call: a batch's texts are not
			// kept for the mark, nor for the minute after it.
			id, chat, marked := o.ID, o.ChatID, cl.marked
			b.app.SentLater(id, func(err error) {
				if err != nil && !isNotFound(err) {
					b.log.Warn("mark replies sent", "chat_id", chat, "outbox_id", id, "err", err)
					return
				}
				if !marked {
					// A read begun before the mark landed may still list
					// it as pending for a moment: it stays known as sent.
					time.AfterFunc(time.Minute, func() { b.sentOnly.remove(id) })
				}
			})
			return true
		}
		b.markSent(rec, o)
		return true
	}
	b.log.Warn("replies kept for a later attempt", "chat_id", o.ChatID, "outbox_id", o.ID, "delivered", n, "of", total)
	if err := b.app.SendFailed(rec, o, n); err != nil {
		b.log.Warn("count reply attempt", "chat_id", o.ChatID, "outbox_id", o.ID, "err", err)
	}
	b.retries.after(o.ID, b.retryWait(o.Attempts+1))
	return false
}

// answer stores what to send chatID in answer to update updateID, marks
// the update done in the same write, and sends it: a manager's figures or
// export, a refusal of a message the bot cannot read. An update delivered
// again after a crash is done already and is not answered twice.
func (b *Bot) answer(ctx context.Context, updateID, chatID int64, msgs []dialogs.Message, doc *app.Document) error {
	return b.answerIn(ctx, updateID, chatID, 0, msgs, doc)
}

// answerIn is answer in a forum topic of the managers' chat (0: none).
func (b *Bot) answerIn(ctx context.Context, updateID, chatID int64, thread int, msgs []dialogs.Message, doc *app.Document) error {
	o, err := b.app.AnswerIn(ctx, updateID, chatID, thread, msgs, doc)
	if errors.Is(err, store.ErrAlreadyDone) {
		b.log.Info("update answered before; skipped", "update_id", updateID, "chat_id", chatID)
		return nil
	}
	if err != nil {
		return err
	}
	if o.ID != 0 {
		b.deliver(ctx, o, 0, false)
	}
	return nil
}

// tell sends chatID a note of our own (an apology) through the outbox. When
// the database refuses it (the note may be about that very outage), it is
// sent directly: better a note that could be lost than none.
func (b *Bot) tell(ctx context.Context, chatID int64, text string) {
	msgs := []dialogs.Message{{Text: text}}
	o, err := b.app.Answer(ctx, 0, chatID, msgs, nil)
	if err != nil {
		b.log.Warn("note not stored; sent directly", "chat_id", chatID, "err", err)
		b.reply(ctx, chatID, msgs, 0, 0, false)
		return
	}
	b.deliver(ctx, o, 0, false)
}

// sendDocument sends a file; false when worth another attempt later (as
// sendOK).
func (b *Bot) sendDocument(ctx context.Context, chatID int64, thread int, d *app.Document) bool {
	if _, err := d.Open(); err != nil {
		b.log.Error("stored document unreadable; dropped", "chat_id", chatID, "err", err)
		return true
	}
	err := b.call(ctx, "sendDocument", func(ctx context.Context) error {
		if err := b.pace.wait(ctx, chatID); err != nil {
			return err
		}
		data, err := d.Open()
		if err != nil {
			return err
		}
		_, err = b.tg.SendDocument(ctx, &tgbot.SendDocumentParams{
			ChatID:          chatID,
			MessageThreadID: thread,
			Document:        &models.InputFileUpload{Filename: d.Name, Data: data},
			Caption:         d.Caption,
		})
		return err
	})
	if err == nil {
		return true
	}
	b.log.Warn("send document", "chat_id", chatID, "err", b.redact(err))
	switch apiCode(err) {
	case "403", "400":
		return true
	}
	return ambiguous(err)
}

// resendChat sends a chat's unsent batches, oldest first, and returns how
// many the partner had not seen (those sent but not yet marked so do not
// count). It stops at the first that does not go through, so the order
// holds. The caller holds the chat's lock.
func (b *Bot) resendChat(ctx context.Context, chatID int64) int {
	unsent, err := b.app.Unsent(ctx, chatID, 0)
	if err != nil {
		b.log.Warn("list unsent replies", "chat_id", chatID, "err", err)
		return 0
	}
	return b.resendList(ctx, unsent)
}

// resendList is resendChat with the chat's unsent batches read.
func (b *Bot) resendList(ctx context.Context, unsent []app.Outbound) int {
	unseen := 0
	for _, o := range unsent {
		if o.HandoffID != 0 {
			continue // the group sender's
		}
		if b.sentOnly.has(o.ID) {
			b.markSent(ctx, o)
			continue
		}
		if o.Relay == nil {
			// A manager's answer is no screen the partner answers.
			unseen++
		}
		if !b.resendOne(ctx, o) {
			break
		}
	}
	return unseen
}

// chatLocks hold one lock per chat while its outbox is resent: the chat's
// worker and the timed retries never send one chat's batches at once. A
// lock per chat, not a lock shared by several: a worker never waits for
// another chat's, so workers giving their slot back while they wait for
// their chat's pace cannot deadlock on each other.
type chatLocks struct {
	mu    sync.Mutex
	chats map[int64]*chatLock
}

type chatLock struct {
	sync.Mutex
	users int
}

// lock takes chatID's lock, waiting for it when wait is set; ok is false
// when it was busy and wait was not set. unlock releases it.
func (c *chatLocks) lock(chatID int64, wait bool) (unlock func(), ok bool) {
	c.mu.Lock()
	if c.chats == nil {
		c.chats = map[int64]*chatLock{}
	}
	l := c.chats[chatID]
	if l == nil {
		l = &chatLock{}
		c.chats[chatID] = l
	}
	l.users++
	c.mu.Unlock()
	release := func() {
		c.mu.Lock()
		if l.users--; l.users == 0 {
			delete(c.chats, chatID)
		}
		c.mu.Unlock()
	}
	if wait {
		l.Lock()
	} else if !l.TryLock() {
		release()
		return func() {}, false
	}
	return func() { l.Unlock(); release() }, true
}

// drainOutbox sends every chat's unsent batches at start, before any new
// update is handled.
func (b *Bot) drainOutbox(ctx context.Context) {
	unsent, err := b.app.Unsent(ctx, 0, 0)
	if err != nil {
		b.log.Warn("list unsent replies", "err", err)
		return
	}
	if len(unsent) > 0 {
		b.log.Info("sending replies left unsent", "count", len(unsent))
	}
	stuck := map[int64]bool{}
	for _, o := range unsent {
		if o.HandoffID != 0 || stuck[o.ChatID] || ctx.Err() != nil {
			continue
		}
		if !b.resendOne(ctx, o) {
			stuck[o.ChatID] = true
		}
	}
}

// markSent records a sent batch; when the database refuses (a full disk),
// the batch is remembered as sent in memory so that it is not sent again
// while this process lives, and marked at the next chance.
func (b *Bot) markSent(ctx context.Context, o app.Outbound) {
	if err := b.app.Sent(ctx, o.ID); err != nil && !isNotFound(err) {
		b.log.Warn("mark replies sent", "chat_id", o.ChatID, "outbox_id", o.ID, "err", err)
		b.sentOnly.add(o.ID)
		return
	}
	b.sentOnly.remove(o.ID)
}

// sentSet holds the outbox ids sent but not yet marked so.
type sentSet struct {
	mu  sync.Mutex
	ids map[int64]bool
}

func (s *sentSet) add(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[int64]bool{}
	}
	s.ids[id] = true
}

func (s *sentSet) remove(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
}

func (s *sentSet) has(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[id]
}

// ambiguous is a failure after the request was sent, whose effect is
// unknown: the wait for the answer ran out or was cancelled. A connection
// that could not be made sent nothing.
func ambiguous(err error) bool {
	var op *net.OpError
	var ns *notSent
	if errors.As(err, &op) && op.Op == "dial" || errors.As(err, &ns) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (b *Bot) resendOne(ctx context.Context, o app.Outbound) bool {
	if b.sentOnly.has(o.ID) {
		b.markSent(ctx, o)
		return true
	}
	if o.Err != nil {
		// Unreadable: nothing can be sent; drop it rather than block the chat.
		b.log.Error("unsent replies unreadable", "chat_id", o.ChatID, "outbox_id", o.ID, "err", o.Err)
		_ = b.app.Sent(ctx, o.ID)
		return true
	}
	return b.deliver(ctx, o, b.anchors.get(ctx, o.ChatID), false)
}

// isTyped is input the partner typed as an answer to what it sees.
func isTyped(in dialogs.Input) bool { return in.Text != "" && in.Command == "" }
