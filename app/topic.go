package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// The managers' workspace: in a forum managers' chat each partner has one
// topic, named after the company, the specializations it meets or is one
// gap away from, and the state of its request. Besides cards, the group
// sender posts two kinds of items there, queued in the managers' chat's
// outbox with the partner's handoff: copies of the partner's messages and
// the bot's notes.

// Kinds of GroupItem besides store.PostCopy and store.PostNote: after
// /forget, a message about the partner to redact (a card or note edited to
// a redacted text, a copy deleted) and its topic to rename and close.
const (
	ItemRedact      store.PostKind = "redact"
	ItemForgetTopic store.PostKind = "forget_topic"
)

// noHandoff is the handoff of a group item about no handoff (a forgotten
// partner's): non-zero, so that only the group sender takes the item.
const noHandoff = -1

// GroupItem is a post into the managers' chat other than a card.
type GroupItem struct {
	Kind store.PostKind `json:"kind"` // store.PostCopy, store.PostNote, ItemRedact or ItemForgetTopic
	// Partner is the partner the item is about; its topic receives it.
	Partner int64 `json:"partner"`
	// MessageID is the partner's message to copy (PostCopy).
	MessageID int `json:"message_id,omitempty"`
	// Text is the note, rendered in the managers' language (PostNote,
	// ItemRedact, ItemForgetTopic: the redacted text or topic name).
	Text string `json:"text,omitempty"`
	// Target is the bot's message to redact (ItemRedact) and Was what it
	// showed (store.PostCopy is deleted, the others edited); Thread the
	// topic to close (ItemForgetTopic), both in ManagersChat.
	Target       int            `json:"target,omitempty"`
	Was          store.PostKind `json:"was,omitempty"`
	Thread       int            `json:"thread,omitempty"`
	ManagersChat int64          `json:"managers_chat,omitempty"`
}

type groupPayload struct {
	Group *GroupItem `json:"group"`
}

// maxTopicName is the longest forum topic name Telegram keeps.
const maxTopicName = 128

// TopicName is the name of a partner's topic: the state of its request,
// its company and the specializations it meets or is one gap away from, in
// lang, cut to Telegram's limit.
func (a *App) TopicName(h store.Handoff, desk store.Desk, lang string) string {
	p := locales.For(lang)
	company := desk.Partner.Company
	if company == "" {
		company = p.T("card.no_company")
	}
	var specs []string
	if r := desk.Report; r != nil {
		for _, s := range a.Engine.Catalog.Specializations {
			switch {
			case r.Statuses[s.ID] == eligibility.Eligible:
				specs = append(specs, "✅"+s.Name.Get(p.Lang()))
			case r.Statuses[s.ID] == eligibility.NotEligible && r.Gaps[s.ID] == 1:
				specs = append(specs, "🔸"+s.Name.Get(p.Lang()))
			}
		}
	}
	name := p.T("topic.state."+string(h.State), "Name", firstName(h.TakenName)) + " " + company
	if len(specs) > 0 {
		name += " · " + strings.Join(specs, ", ")
	}
	if utf8.RuneCountInString(name) > maxTopicName {
		name = string([]rune(name)[:maxTopicName-1]) + "…"
	}
	return name
}

// firstName is a manager's name without the @username the card shows.
func firstName(name string) string {
	n, _, _ := strings.Cut(name, " (@")
	return n
}

// Topic returns a partner's topic in the managers' chat, or store.ErrNotFound.
func (a *App) Topic(ctx context.Context, chatID int64) (store.Topic, error) {
	return a.DB.Topic(ctx, chatID)
}

// SaveTopic records a partner's topic.
func (a *App) SaveTopic(ctx context.Context, t *store.Topic) error { return a.DB.SaveTopic(ctx, t) }

// Posted records a message the bot posted about a partner in the managers'
// chat, so that a manager's reply to it reaches that partner.
func (a *App) Posted(ctx context.Context, p store.GroupPost) error { return a.DB.AddGroupPost(ctx, p) }

// PassOn copies a partner's message into its topic (or the flat managers'
// chat) while its request is open: it returns false, queueing nothing,
// when the partner has no open request, or when a text answers the
// question the partner is being asked. The copy is queued for the group
// sender; the partner can be told at once.
func (a *App) PassOn(ctx context.Context, chatID int64, messageID int, text bool, managersChatID int64) (bool, error) {
	h, err := a.DB.LatestHandoff(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("pass on %d: %w", chatID, err)
	}
	if h.State == store.HandoffDone {
		return false, nil
	}
	if text {
		chat, err := a.DB.Chat(ctx, chatID)
		if err != nil && !errors.Is(err, dialogs.ErrSessionOutdated) {
			return false, fmt.Errorf("pass on %d: %w", chatID, err)
		}
		if chat.Session != nil && chat.Session.State != dialogs.Idle {
			return false, nil
		}
	}
	return true, a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostCopy, Partner: chatID, MessageID: messageID})
}

// Note queues a note about a partner into its topic (or the flat managers'
// chat). A partner with no handoff gets no note.
func (a *App) Note(ctx context.Context, chatID, managersChatID int64, text string) error {
	h, err := a.DB.LatestHandoff(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("note about %d: %w", chatID, err)
	}
	return a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostNote, Partner: chatID, Text: text})
}

func (a *App) queueItem(ctx context.Context, managersChatID, handoffID int64, item GroupItem) error {
	data, err := json.Marshal(groupPayload{Group: &item})
	if err != nil {
		return fmt.Errorf("encode group item: %w", err)
	}
	return a.DB.AddOutbound(ctx, &store.Outbound{ChatID: managersChatID, HandoffID: handoffID, Payload: data})
}

// ErrNoPartner is returned when a manager's message in the managers' chat
// leads to no partner (a reply outside any partner's topic or card).
var ErrNoPartner = errors.New("no partner for this message")

// Relay is a manager's answer on its way to a partner.
type Relay struct {
	Partner store.Partner
	// Message is what the partner reads, signed with the manager's name,
	// in the partner's language.
	Message dialogs.Message
}

// RelayTo finds the partner a manager's message in the managers' chat is
// for, from the topic it was posted in (threadID, 0 outside topics) or the
// bot's message it replies to (replyTo, 0 for none), and renders text for
// that partner. When both name a partner they must be the same one, so
// that nothing from one partner's conversation reaches another.
func (a *App) RelayTo(ctx context.Context, managersChatID int64, threadID, replyTo int, manager, text string) (Relay, error) {
	var byTopic, byPost int64
	if threadID != 0 {
		t, err := a.DB.TopicByThread(ctx, managersChatID, threadID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Relay{}, fmt.Errorf("relay: %w", err)
		}
		byTopic = t.ChatID
	}
	if replyTo != 0 {
		p, err := a.DB.GroupPostAt(ctx, managersChatID, replyTo)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Relay{}, fmt.Errorf("relay: %w", err)
		}
		byPost = p.ChatID
	}
	chatID := byTopic
	switch {
	case byTopic == 0:
		chatID = byPost
	case byPost != 0 && byPost != byTopic:
		return Relay{}, ErrNoPartner
	}
	if chatID == 0 {
		return Relay{}, ErrNoPartner
	}
	partner, err := a.DB.Partner(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return Relay{}, ErrNoPartner
	}
	if err != nil {
		return Relay{}, fmt.Errorf("relay: %w", err)
	}
	p := locales.For(partner.Lang)
	return Relay{Partner: partner, Message: dialogs.Message{
		Text: p.T("relay.from_manager", "Name", html.EscapeString(firstName(manager)), "Text", html.EscapeString(text)),
	}}, nil
}

// MovedChat returns the id the managers' chat from moved to, 0 if none.
func (a *App) MovedChat(ctx context.Context, from int64) (int64, error) {
	return a.DB.MovedChat(ctx, from)
}

// MoveManagersChat records that the managers' chat from is now to.
func (a *App) MoveManagersChat(ctx context.Context, from, to int64) error {
	return a.DB.MoveManagersChat(ctx, from, to)
}

// Recheck tells a partner's managers what its new check changed, when it
// has a handoff: the specializations it now meets, and, once the request
// was taken, those that got worse (a met one lost, or more gaps). The card
// of a request not done is queued to show the new verdict. It reports
// whether anything was queued.
func (a *App) Recheck(ctx context.Context, chatID, managersChatID int64, lang string) (bool, error) {
	h, err := a.DB.LatestHandoff(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("recheck %d: %w", chatID, err)
	}
	rs, err := a.DB.RecentReports(ctx, chatID, 2)
	if err != nil {
		return false, fmt.Errorf("recheck %d: %w", chatID, err)
	}
	if len(rs) < 2 {
		return false, nil
	}
	now, prev := rs[0], rs[1]
	p := locales.For(lang)
	var better, worse []string
	for _, s := range a.Engine.Catalog.Specializations {
		was, is := prev.Statuses[s.ID], now.Statuses[s.ID]
		name := s.Name.Get(p.Lang())
		switch {
		case is == eligibility.Eligible && was != eligibility.Eligible:
			better = append(better, name)
		case was == eligibility.Eligible && is != eligibility.Eligible,
			is == eligibility.NotEligible && was == eligibility.NotEligible && now.Gaps[s.ID] > prev.Gaps[s.ID]:
			worse = append(worse, name)
		}
	}
	queued := false
	if len(better) > 0 {
		if err := a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostNote, Partner: chatID,
			Text: p.T("note.eligible", "Specs", html.EscapeString(strings.Join(better, ", ")))}); err != nil {
			return false, err
		}
		queued = true
	}
	if len(worse) > 0 && h.State == store.HandoffTaken {
		if err := a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostNote, Partner: chatID,
			Text: p.T("note.worse", "Specs", html.EscapeString(strings.Join(worse, ", ")))}); err != nil {
			return false, err
		}
		queued = true
	}
	if h.State != store.HandoffDone && h.CardMessageID != 0 {
		if err := a.QueueCard(ctx, h.ID, managersChatID); err != nil {
			return queued, err
		}
		queued = true
	}
	return queued, nil
}

// Nudge queues, once per handoff, a reminder in the managers' chat of each
// card that has waited untaken since before olderThan. It returns how many
// were queued.
func (a *App) Nudge(ctx context.Context, managersChatID int64, olderThan time.Time, lang string) (int, error) {
	due, err := a.DB.NudgeDue(ctx, olderThan)
	if err != nil {
		return 0, err
	}
	p := locales.For(lang)
	n := 0
	for _, h := range due {
		first, err := a.DB.MarkNudged(ctx, h.ID)
		if err != nil {
			return n, err
		}
		if !first {
			continue
		}
		company := p.T("card.no_company")
		if partner, err := a.DB.Partner(ctx, h.ChatID); err == nil && partner.Company != "" {
			company = partner.Company
		}
		if err := a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostNote, Partner: h.ChatID,
			Text: p.T("note.nudge", "Company", html.EscapeString(company))}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ForgetInManagers queues the redaction of everything the managers' chat
// shows about a partner who asked to be forgotten: its cards, notes and
// relayed answers edited to a redacted text, the copies of its messages
// deleted, its topic renamed and closed. Nothing then leads back to it:
// the records of those posts are gone with this call.
func (a *App) ForgetInManagers(ctx context.Context, chatID, managersChatID int64, lang string) (int, error) {
	f, err := a.DB.TakeFootprint(ctx, chatID)
	if err != nil {
		return 0, fmt.Errorf("forget in the managers' chat: %w", err)
	}
	p := locales.For(lang)
	n := 0
	for _, post := range f.Posts {
		if err := a.queueItem(ctx, managersChatID, noHandoff, GroupItem{Kind: ItemRedact, Target: post.MessageID, Was: post.Kind,
			ManagersChat: post.ManagersChatID, Text: p.T("note.forgotten")}); err != nil {
			return n, err
		}
		n++
	}
	if t := f.Topic; t != nil {
		if err := a.queueItem(ctx, managersChatID, noHandoff, GroupItem{Kind: ItemForgetTopic, Thread: t.ThreadID,
			ManagersChat: t.ManagersChatID, Text: p.T("topic.forgotten")}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
