package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"specbot/dialogs"
	"specbot/store"
)

// Conversations runs one input of one chat through the dialogs engine and
// stores the outcome in a single transaction: the transport-free core shared
// by the Telegram adapter and the terminal chat.
type Conversations struct {
	DB     *store.DB
	Engine *dialogs.Engine
	// ContactConfigured is set when a managers' chat receives handoffs.
	ContactConfigured bool
	Log               *slog.Logger
}

// Who is the partner behind an input.
type Who struct {
	ChatID   int64
	UserID   int64
	Username string
	Name     string
	LangCode string
}

// Turn is what one input produced, after it was stored.
type Turn struct {
	Outcome dialogs.Outcome
	Partner store.Partner
	// ReportID is the id of the report stored by this turn, 0 if none.
	ReportID int64
	// Forgotten is set when the partner's data was deleted.
	Forgotten bool
}

// Handle applies an input to the chat's session and stores the result. When
// updateID > 0 the inbox row of that update is marked done in the same
// transaction, so a redelivered update is never applied twice.
func (c *Conversations) Handle(ctx context.Context, who Who, in dialogs.Input, updateID int64) (Turn, error) {
	return c.HandleAnchored(ctx, who, in, updateID, 0)
}

// HandleAnchored is Handle that also records, with the session, the message
// id of the chat's current question as the adapter last sent it (0 keeps
// the stored one).
func (c *Conversations) HandleAnchored(ctx context.Context, who Who, in dialogs.Input, updateID int64, anchor int) (Turn, error) {
	chat, err := c.DB.Chat(ctx, who.ChatID)
	if err != nil {
		return Turn{}, err
	}
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
	sess, err := c.decodeSession(chat.Session)
	if err != nil {
		if !errors.Is(err, dialogs.ErrSessionOutdated) {
			return Turn{}, err
		}
		c.log().Warn("session reset", "chat_id", who.ChatID, "err", err)
		prefix = c.Engine.Resumed(sess).Messages
	}
	if sess.Version == 0 && partner.Lang != "" {
		sess = dialogs.NewSession(partner.Lang)
	}

	env := dialogs.Env{Reminders: partner.Reminders, ContactConfigured: c.ContactConfigured, NewPartner: isNew}
	var pastErr error
	env.LoadPrevious = func() *dialogs.Past {
		past, err := c.Past(ctx, who.ChatID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			pastErr = err
		}
		return past
	}

	out := c.Engine.Handle(sess, in, env)
	if pastErr != nil {
		return Turn{}, pastErr
	}
	out.Messages = append(prefix, out.Messages...)
	turn := Turn{Outcome: out}

	if out.Forget {
		if err := c.DB.Forget(ctx, who.ChatID); err != nil {
			return Turn{}, fmt.Errorf("forget %d: %w", who.ChatID, err)
		}
		if updateID > 0 {
			if err := c.DB.MarkUpdateDone(ctx, updateID); err != nil {
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
		partner.Reminders = out.Reminders
	}
	data, err := out.Session.Encode()
	if err != nil {
		return Turn{}, err
	}
	st := &store.Turn{Partner: partner, Session: data, UpdateID: updateID, Anchor: anchor}
	if out.Report != nil {
		st.Report, err = storedReport(out.Report)
		if err != nil {
			return Turn{}, err
		}
	}
	if err := c.DB.SaveTurn(ctx, st); err != nil {
		return Turn{}, err
	}
	if st.Report != nil {
		turn.ReportID = st.Report.ID
	}
	turn.Partner = st.Partner
	return turn, nil
}

func (c *Conversations) decodeSession(data []byte) (dialogs.Session, error) {
	if data == nil {
		return dialogs.Session{}, nil
	}
	return dialogs.DecodeSession(c.Engine.Catalog, data)
}

// Past loads the partner's latest report, evaluated again under the current
// catalogue and date so that it compares with a new check and shows the
// window from today.
func (c *Conversations) Past(ctx context.Context, chatID int64) (*dialogs.Past, error) {
	r, err := c.DB.LatestReport(ctx, chatID)
	if err != nil {
		return nil, err
	}
	return c.pastOf(r)
}

func (c *Conversations) pastOf(r store.Report) (*dialogs.Past, error) {
	past, err := c.Engine.PastFrom(r.Facts, r.Statuses, r.CreatedAt)
	if err != nil {
		// A report stored under another catalogue edition: show nothing
		// rather than a wrong verdict.
		return nil, store.ErrNotFound
	}
	return past, nil
}

// storedReport turns a completed check into the row kept in history.
func storedReport(done *dialogs.Completed) (*store.Report, error) {
	facts, err := json.Marshal(done.Facts)
	if err != nil {
		return nil, fmt.Errorf("encode facts: %w", err)
	}
	verdict, err := json.Marshal(done.Report)
	if err != nil {
		return nil, fmt.Errorf("encode verdict: %w", err)
	}
	r := &store.Report{Facts: facts, Verdict: verdict, Statuses: map[string]string{}, Gaps: map[string]int{}}
	for _, spec := range done.Specs {
		if res, ok := done.Report.Result(spec); ok {
			r.Statuses[spec] = string(res.Status)
			r.Gaps[spec] = res.Gaps()
		}
	}
	return r, nil
}

func (c *Conversations) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}
