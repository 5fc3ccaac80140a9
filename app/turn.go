package app

import (
	"context"
	"errors"
	"fmt"

	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// Turn is what one input produced, after it was stored.
type Turn struct {
	Outcome dialogs.Outcome
	Partner store.Partner
	// ReportID is the id of the report stored by this turn, 0 if none.
	ReportID int64
	// Forgotten is set when the partner's data was deleted.
	Forgotten bool
	// OutboxID is the stored batch of the turn's replies, 0 if none was
	// stored (the adapter then sends them without marking).
	OutboxID int64
	// Unsent, with ErrUnsent from HandleAfterUnsent, are the chat's
	// batches still waiting to be sent, oldest first.
	Unsent []Outbound
	// Notes are messages to other chats this input stored (a removed
	// member told), in the outbox already, for the adapter to send.
	Notes []Outbound
	// Handoff is the request for contact the turn saved, its card's post
	// queued for the managers' chat with it (see App.ManagersChat); nil
	// when none. Its card is rendered by whoever posts it (CardOf).
	Handoff *Handoff
}

// ErrUnsent is returned by HandleAfterUnsent, with nothing applied, when
// the chat has replies still waiting to be sent: the partner's screen is
// behind its session, and the adapter sends them first.
var ErrUnsent = errors.New("the chat has unsent replies")

// HandleAfterUnsent is Handle for an adapter that keeps the outbox: when
// the chat's read finds replies of it still unsent (of a turn left
// unsent by a crash or a Bot API outage), it applies nothing and returns
// ErrUnsent with them in Turn.Unsent, from the same read as the turn's.
// The adapter sends them and calls Handle (or shows the current question,
// for a typed answer to a screen the partner never saw the end of).
func (a *App) HandleAfterUnsent(ctx context.Context, who Who, in dialogs.Input, updateID int64, anchor int, pressed ...int) (Turn, error) {
	return a.handle(ctx, true, who, in, updateID, anchor, pressed...)
}

// Handle is a partner's turn: it loads the chat in one read, applies the
// input to its session and stores the outcome in one write. When updateID
// > 0 the inbox row of that update is marked done in the same transaction,
// so a redelivered update is never applied twice. anchor, when positive, is
// the message id of the chat's current question as the adapter last sent
// it, recorded with the session (0 keeps the stored one).
//
// The replies are stored in the outbox in the same transaction (with
// pressed, the message whose button was pressed, and anchor), and
// Turn.OutboxID names them for the adapter to mark sent.
func (a *App) Handle(ctx context.Context, who Who, in dialogs.Input, updateID int64, anchor int, pressed ...int) (Turn, error) {
	return a.handle(ctx, false, who, in, updateID, anchor, pressed...)
}

func (a *App) handle(ctx context.Context, unsentFirst bool, who Who, in dialogs.Input, updateID int64, anchor int, pressed ...int) (Turn, error) {
	defer a.chats.lock(who.ChatID)()
	chat, err := a.DB.Chat(ctx, who.ChatID)
	if err != nil && !errors.Is(err, dialogs.ErrSessionOutdated) {
		return Turn{}, err
	}
	if unsentFirst {
		var unsent []Outbound
		for _, o := range chat.Unsent {
			if o.HandoffID == 0 {
				unsent = append(unsent, decodeOutbound(o))
			}
		}
		if len(unsent) > 0 {
			return Turn{Unsent: unsent}, ErrUnsent
		}
	}
	sessionErr := err
	partner, isNew := chat.Partner, !chat.Found
	if isNew {
		partner = store.Partner{ChatID: who.ChatID}
	}
	// Whoever writes to the bot can be reached again.
	partner.Unreachable = false
	if who.UserID != 0 {
		partner.UserID = who.UserID
	}
	if who.Username != "" {
		partner.Username = who.Username
	}
	if who.Name != "" {
		partner.Name = who.Name
	}
	if in.LangCode == "" {
		in.LangCode = partner.Lang
	}
	if in.LangCode == "" {
		in.LangCode = who.LangCode
	}

	var prefix []dialogs.Message
	var sess dialogs.Session
	if chat.Session != nil {
		sess = *chat.Session
	}
	if sessionErr != nil {
		a.log().Warn("session reset", "chat_id", who.ChatID, "err", sessionErr)
		prefix = a.Engine.Resumed(sess).Messages
	}
	if sess.Version == 0 && partner.Lang != "" {
		sess = dialogs.NewSession(partner.Lang)
	}

	env := dialogs.Env{Reminders: string(partner.Reminders), ContactConfigured: a.ContactConfigured, NewPartner: isNew,
		CompanyMembers: chat.Members}
	// The latest report came with the chat's read; it is evaluated again
	// only when the dialogs ask for it.
	env.LoadPrevious = func() *dialogs.Past {
		return a.pastOfChat(chat)
	}

	out, notes, handled, err := a.company(ctx, &partner, sess, in)
	if err != nil {
		return Turn{}, err
	}
	if !handled {
		out = a.Engine.Handle(sess, in, env)
	}
	out.Messages = append(prefix, out.Messages...)
	turn := Turn{Outcome: out, Notes: notes}

	if out.Forget {
		if err := a.DB.Forget(ctx, who.ChatID); err != nil {
			return Turn{}, fmt.Errorf("forget %d: %w", who.ChatID, err)
		}
		if updateID > 0 {
			if err := a.DB.MarkUpdateDone(ctx, updateID); err != nil {
				return Turn{}, fmt.Errorf("forget %d: %w", who.ChatID, err)
			}
		}
		turn.Forgotten = true
		turn.Partner = store.Partner{ChatID: who.ChatID, Lang: out.Session.Lang}
		return turn, nil
	}

	partner.Lang = out.Session.Lang
	if out.Session.Company != "" {
		partner.Company = out.Session.Company
	}
	if out.Reminders != "" {
		partner.Reminders = store.Consent(out.Reminders)
	}
	st := &store.Turn{Partner: partner, Session: &out.Session, UpdateID: updateID, Anchor: anchor}
	if chat.Found {
		st.Stored = &chat.Partner
	}
	if out.Report != nil {
		st.Report = storedReport(out.Report)
	}
	p := 0
	if len(pressed) > 0 {
		p = pressed[0]
	}
	// A request for contact, its card's post and what the partner is told
	// of it are saved with the turn: a crash after it loses none of them.
	// Without a managers' chat func (the terminal chat), the adapter
	// handles the request.
	contact := out.Contact != nil && a.ManagersChat != nil
	replies := out.Messages
	for try := 0; ; try++ {
		out.Messages, st.Request, turn.Handoff, st.Outbox = replies, nil, nil, nil
		if contact {
			// A colleague's request that opened the company's handoff
			// meanwhile refuses the planned one: planned again from a
			// fresh read, the request updates it. A third try tells the
			// partner it failed rather than lose the turn.
			msg, h, r := a.contact(ctx, who.ChatID, out.Contact.Comment, out.Session.Lang, try < 2)
			out.Messages = append(replies[:len(replies):len(replies)], msg)
			st.Request, turn.Handoff = r, h
		}
		if len(out.Messages) > 0 {
			if st.Outbox, err = encodeOutbound(p, anchor, out.Messages); err != nil {
				return Turn{}, err
			}
		}
		err = a.DB.SaveTurn(ctx, st)
		if contact && try < 2 && errors.Is(err, store.ErrRequestRaced) {
			a.log().Info("handoff raced a colleague's; planned again", "chat_id", who.ChatID)
			continue
		}
		if err != nil {
			return Turn{}, err
		}
		break
	}
	turn.Outcome.Messages = out.Messages
	if turn.Handoff != nil {
		turn.Handoff.Handoff = st.Request.Handoff
	}
	if len(out.ToldSetAside) > 0 {
		// Told once: a failure here only means being told again.
		if err := a.DB.MarkTold(ctx, who.ChatID, out.ToldSetAside); err != nil {
			a.log().Warn("mark set-aside answers told", "chat_id", who.ChatID, "err", err)
		}
	}
	if st.Outbox != nil {
		turn.OutboxID = st.Outbox.ID
	}
	if st.Report != nil {
		turn.ReportID = st.Report.ID
	}
	turn.Partner = st.Partner
	return turn, nil
}

// contact plans the request for contact a turn asked for, from the
// company's open request of the handoff window, if any: what to tell the
// partner in lang, and the handoff and its request (its posts for the
// managers' chat, in ManagersLang) to save with the turn; nil when there
// is none to save (no managers' chat, or, with !plan or a failed read,
// the partner is told the request failed).
func (a *App) contact(ctx context.Context, chatID int64, comment, lang string, plan bool) (dialogs.Message, *Handoff, *store.Request) {
	managers := a.ManagersChat()
	if managers == 0 {
		return dialogs.Message{Text: locales.For(lang).T("contact.not_configured")}, nil, nil
	}
	if !plan {
		return dialogs.ContactFailed(lang), nil, nil
	}
	since := a.now().Add(-handoffWindow)
	desk, err := a.DB.Desk(ctx, chatID, since)
	if errors.Is(err, store.ErrNotFound) {
		// A partner this very turn creates: no report, no request yet.
		desk, err = store.Desk{Partner: store.Partner{ChatID: chatID}}, nil
	}
	if err != nil {
		a.log().Error("handoff", "chat_id", chatID, "err", err)
		return dialogs.ContactFailed(lang), nil, nil
	}
	h, r := a.planRequest(desk, chatID, comment, a.ManagersLang, managers, since)
	return dialogs.ContactSent(lang, h.Updated && h.CardMessageID != 0), &h, r
}
