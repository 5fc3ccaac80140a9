package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/app"
	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// maxTextRunes is the longest text a partner can send as an answer.
const maxTextRunes = 2000

// giveUpAfter is how many failed attempts an update gets before it is
// dropped (after refusals by Telegram) or parked (after panics) with an
// apology.
const giveUpAfter = 5

// process applies one stored update. An error leaves it pending for a retry.
func (b *Bot) process(ctx context.Context, q queued) error {
	start := time.Now()
	defer b.metrics.observe(start)
	in := q.InboxUpdate
	var u models.Update
	if q.decoded != nil {
		u = *q.decoded
	} else if err := json.Unmarshal(in.Payload, &u); err != nil {
		b.log.Error("decode stored update", "update_id", in.UpdateID, "err", err)
		return b.done(ctx, in.UpdateID)
	}
	log := b.log.With("update_id", u.ID, "chat_id", in.ChatID)
	err := b.handle(ctx, &u)
	var pe *panicError
	if errors.As(err, &pe) {
		return b.park(ctx, in, &u, pe)
	}
	if err == nil {
		return nil
	}
	b.metrics.Errors.WithLabelValues("process").Inc()
	attempts := b.dispatch.attempts(u.ID) + 1
	log.Error("process update", "attempt", attempts, "err", b.redact(err))
	if attempts == 1 && !b.isManagersChat(in.ChatID) {
		// The update stays in the inbox and is tried again: tell the
		// partner it is not lost, not to send it again (a second copy of
		// a typed answer would answer the next question).
		b.apologizeOnce(ctx, &u)
	}
	if attempts >= giveUpAfter && refused(err) {
		// Only a refusal by Telegram that no retry can change drops an
		// update. A storage error never does: the update waits in the
		// inbox, however long the disk is full, and is applied once it
		// is back (the partner was told so).
		log.Error("update dropped after retries", "attempts", attempts)
		if derr := b.app.Done(ctx, u.ID); derr == nil {
			// Dropped: only now must the partner send it again.
			b.apologize(ctx, &u, in.ChatID)
			return nil
		}
	}
	return err
}

// refused reports whether err is Telegram refusing a request for good:
// sending it again gets the same answer.
func refused(err error) bool {
	for _, e := range []error{tgbot.ErrorBadRequest, tgbot.ErrorForbidden, tgbot.ErrorNotFound, tgbot.ErrorUnauthorized} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// handle routes one update to its handler. A panic in a handler is
// recovered and returned as a *panicError.
func (b *Bot) handle(ctx context.Context, u *models.Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	if b.beforeHandle != nil {
		if err := b.beforeHandle(u); err != nil {
			return err
		}
	}
	switch {
	case u.CallbackQuery != nil:
		b.metrics.Updates.WithLabelValues("callback").Inc()
		return b.onCallback(ctx, u)
	case u.Message != nil:
		b.metrics.Updates.WithLabelValues("message").Inc()
		return b.onMessage(ctx, u)
	case u.MyChatMember != nil:
		b.metrics.Updates.WithLabelValues("member").Inc()
		return b.onMember(ctx, u)
	default:
		b.metrics.Updates.WithLabelValues("other").Inc()
		return b.done(ctx, u.ID)
	}
}

// panicError is a panic recovered while handling an update.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// park counts a panic against its update in the inbox, where the count
// survives a restart. Below giveUpAfter the update is tried again (the
// partner is told once that it is not lost); at giveUpAfter it is parked,
// never replayed, and the partner is asked, in its language, to send it
// again. A poisonous update thus neither crashes the bot nor replays forever.
func (b *Bot) park(ctx context.Context, in store.InboxUpdate, u *models.Update, pe *panicError) error {
	b.metrics.Errors.WithLabelValues("panic").Inc()
	log := b.log.With("update_id", u.ID, "chat_id", in.ChatID)
	log.Error("panic while handling update", "panic", b.redact(pe), "stack", string(pe.stack))
	attempts, parked, err := b.app.Failed(ctx, u.ID, giveUpAfter)
	if err != nil {
		log.Error("record failed attempt", "err", err)
		return pe
	}
	if parked {
		b.metrics.Parked.Inc()
		log.Error("update parked after panics", "attempts", attempts)
		b.apologize(ctx, u, in.ChatID)
		return nil
	}
	if attempts == 1 && !b.isManagersChat(in.ChatID) {
		b.apologizeOnce(ctx, u)
	}
	return pe
}

// done marks an update that changes no session.
func (b *Bot) done(ctx context.Context, updateID int64) error {
	if err := b.app.Done(ctx, updateID); err != nil {
		return fmt.Errorf("mark update %d done: %w", updateID, err)
	}
	return nil
}

// langOf is the language to answer a chat in before its session is loaded.
func (b *Bot) langOf(ctx context.Context, chatID int64, code string) string {
	return b.app.Lang(ctx, chatID, code)
}

// apologize tells the partner something went wrong on our side; their
// answers so far are safe because nothing was half-written.
func (b *Bot) apologize(ctx context.Context, u *models.Update, chatID int64) {
	if chatID == 0 || b.isManagersChat(chatID) {
		return
	}
	code := ""
	if from := sender(u); from != nil {
		code = from.LanguageCode
	}
	p := locales.For(b.langOf(ctx, chatID, code))
	if u.CallbackQuery != nil {
		b.answerCallback(ctx, u.CallbackQuery.ID, p.T("error.apology_short"))
	}
	b.tell(ctx, chatID, p.T("error.apology"))
}

func sender(u *models.Update) *models.User {
	switch {
	case u.Message != nil:
		return u.Message.From
	case u.CallbackQuery != nil:
		return &u.CallbackQuery.From
	}
	return nil
}

func whoOf(chatID int64, from *models.User) app.Who {
	w := app.Who{ChatID: chatID}
	if from != nil {
		w.UserID, w.Username, w.LangCode = from.ID, from.Username, from.LanguageCode
		w.Name = strings.TrimSpace(from.FirstName + " " + from.LastName)
	}
	return w
}

// onMessage handles a message: partner dialogs in private chats, manager
// commands, and a short answer for what the bot cannot read.
func (b *Bot) onMessage(ctx context.Context, u *models.Update) error {
	m := u.Message
	chatID := m.Chat.ID
	if m.From != nil && m.From.IsBot {
		return b.done(ctx, u.ID)
	}
	cmd, args := commandOf(m)
	if b.isManagerContext(m) {
		if handled, err := b.managerCommand(ctx, u, cmd, args); handled {
			return err
		}
	}
	if b.isManagersChat(chatID) {
		return b.onManagersMessage(ctx, u, cmd, args)
	}
	if m.Chat.Type != models.ChatTypePrivate {
		// The bot talks to partners privately; in groups it answers only
		// commands addressed to it, with a pointer to the private chat.
		if cmd != "" && !b.isManagersChat(chatID) {
			p := locales.For(b.langOf(ctx, chatID, langCode(m.From)))
			return b.answer(ctx, u.ID, chatID, []dialogs.Message{{Text: p.T("group.private_only")}}, nil)
		}
		return b.done(ctx, u.ID)
	}
	if cmd == "" && (m.Text == "" || utf8.RuneCountInString(m.Text) <= maxTextRunes) {
		if passed, err := b.passOn(ctx, u); passed || err != nil {
			return err
		}
	}
	who := whoOf(chatID, m.From)
	var in dialogs.Input
	switch {
	case cmd != "":
		in = dialogs.Input{Command: cmd, Args: args, LangCode: who.LangCode}
	case m.Text != "":
		if utf8.RuneCountInString(m.Text) > maxTextRunes {
			p := locales.For(b.langOf(ctx, chatID, who.LangCode))
			return b.answer(ctx, u.ID, chatID, []dialogs.Message{{Text: p.T("input.too_long")}}, nil)
		}
		in = dialogs.Input{Text: m.Text, LangCode: who.LangCode}
	default:
		p := locales.For(b.langOf(ctx, chatID, who.LangCode))
		return b.answer(ctx, u.ID, chatID, []dialogs.Message{{Text: p.T("input.not_text")}}, nil)
	}
	return b.converse(ctx, u.ID, who, in, 0)
}

// commandOf splits "/cmd@bot args" into the command and its arguments. It
// reads the command entity at offset 0 when Telegram sent one, and the text
// otherwise, slicing by runes so Cyrillic before a command cannot break it.
func commandOf(m *models.Message) (string, string) {
	text := strings.TrimSpace(m.Text)
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	head, args, _ := strings.Cut(text, " ")
	name, _, _ := strings.Cut(strings.TrimPrefix(head, "/"), "@")
	if name == "" {
		return "", ""
	}
	return strings.ToLower(name), strings.TrimSpace(args)
}

func langCode(u *models.User) string {
	if u == nil {
		return ""
	}
	return u.LanguageCode
}

// onCallback handles a button press. Every callback query is answered.
func (b *Bot) onCallback(ctx context.Context, u *models.Update) error {
	q := u.CallbackQuery
	chatID := chatOf(u)
	pressed := 0
	if m := q.Message.Message; m != nil {
		pressed = m.ID
	}
	if data, ok := strings.CutPrefix(q.Data, app.HandoffPrefix); ok {
		return b.onHandoffButton(ctx, u, data, pressed)
	}
	if q.Message.Message != nil && q.Message.Message.Chat.Type != models.ChatTypePrivate {
		b.answerCallback(ctx, q.ID, locales.For(b.cfg.ManagersLang).T("button.stale"))
		return b.done(ctx, u.ID)
	}
	who := whoOf(chatID, &q.From)
	return b.converse(ctx, u.ID, who, dialogs.Input{Button: q.Data, LangCode: who.LangCode}, pressed, q.ID)
}

// onMember notices a partner who blocked the bot (or unblocked it).
func (b *Bot) onMember(ctx context.Context, u *models.Update) error {
	cm := u.MyChatMember
	if cm.Chat.Type == models.ChatTypePrivate {
		blocked := cm.NewChatMember.Type == models.ChatMemberTypeBanned
		var err error
		if blocked {
			// The managers see it in the partner's topic.
			err = b.app.Blocked(ctx, cm.Chat.ID, b.managersChat(), b.cfg.ManagersLang)
			b.wakeGroup()
		} else {
			err = b.app.SetUnreachable(ctx, cm.Chat.ID, false)
		}
		if err != nil && !isNotFound(err) {
			return err
		}
	}
	return b.done(ctx, u.ID)
}

// converse runs an input through the dialogs and sends the replies. pressed
// is the message whose button was pressed, 0 for typed input.
func (b *Bot) converse(ctx context.Context, updateID int64, who app.Who, in dialogs.Input, pressed int, callbackID ...string) error {
	// Replies this chat never received go first. A typed answer was then
	// written to a screen that is not the current question: show the
	// question again rather than apply the answer to another one.
	// The chat is the worker's until its replies went out: no timed retry
	// sends a batch of it meanwhile (a batch of edits is not claimed).
	unlock, _ := b.chatLocks.lock(who.ChatID, true)
	defer unlock()
	anchor := b.anchors.get(ctx, who.ChatID)
	turn, err := b.app.HandleAfterUnsent(ctx, who, in, updateID, anchor, pressed)
	if errors.Is(err, app.ErrUnsent) {
		if b.resendList(ctx, turn.Unsent) > 0 && isTyped(in) {
			b.log.Info("typed answer to an old screen; current question shown again", "update_id", updateID, "chat_id", who.ChatID)
			return b.done(ctx, updateID)
		}
		anchor = b.anchors.get(ctx, who.ChatID)
		turn, err = b.app.Handle(ctx, who, in, updateID, anchor, pressed)
	}
	if errors.Is(err, store.ErrAlreadyDone) {
		b.log.Info("update applied before; skipped", "update_id", updateID, "chat_id", who.ChatID)
		return nil
	}
	if err != nil {
		return err
	}
	out := turn.Outcome
	b.metrics.countCheck(out)
	// The button's spinner stops while the replies go out: the callback's
	// answer waits for nothing stored, and an edit for no callback. A send
	// is claimed only once the callback is answered, so that a crash
	// meanwhile leaves the batch unclaimed, to be sent after the restart.
	var answered sync.WaitGroup
	if len(callbackID) > 0 {
		cbCtx, id, notice := ctx, callbackID[0], out.Notice
		answered.Go(func() { b.answerCallback(cbCtx, id, notice) })
		ctx = afterAnswer(ctx, &answered)
	}
	defer answered.Wait()
	if out.Contact != nil {
		b.handedOff(turn, who.ChatID)
	} else if out.Report != nil {
		b.recheck(ctx, who.ChatID)
	}
	if len(out.Messages) > 0 {
		b.deliver(ctx, app.Outbound{ID: turn.OutboxID, ChatID: who.ChatID, Pressed: pressed, Anchor: anchor, Messages: out.Messages}, anchor, turn.Forgotten)
	} else if turn.Forgotten {
		b.anchors.forget(who.ChatID)
	}
	// What this input tells other chats (a member removed, the owner that
	// a member left) goes out behind whatever those chats wait for.
	// Never waiting for another chat's lock while holding this one's: a
	// chat busy now sends the note before its next turn, or the timed
	// retries do.
	for _, n := range turn.Notes {
		if unlockOther, ok := b.chatLocks.lock(n.ChatID, false); ok {
			b.resendChat(ctx, n.ChatID)
			unlockOther()
		}
	}
	if turn.Forgotten {
		b.forgotten(ctx, who.ChatID)
	}
	return nil
}

// answerCallback answers a callback query, with a toast when text is set.
func (b *Bot) answerCallback(ctx context.Context, id, text string) {
	err := b.call(ctx, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := b.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
		return err
	})
	if err != nil {
		b.log.Warn("answer callback", "err", b.redact(err))
	}
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
