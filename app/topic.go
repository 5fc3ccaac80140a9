package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// The managers' workspace: in a forum managers' chat each company has one
// topic, whichever member asked, named after the company, the specializations it meets or is one
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
	company := desk.CompanyName()
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
	state := p.T("topic.state."+string(h.State), "Name", firstName(h.TakenName))
	switch {
	case desk.Partner.Unreachable && h.State != store.HandoffDone:
		// Nothing a manager writes reaches the partner now: say so first.
		state = p.T("topic.state.unreachable")
	case desk.Waiting && h.State == store.HandoffTaken:
		state = p.T("topic.state.waiting", "Name", firstName(h.TakenName))
	}
	name := state + " " + company
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

// MovedChat returns the id the managers' chat from moved to, 0 if none.
func (a *App) MovedChat(ctx context.Context, from int64) (int64, error) {
	return a.DB.MovedChat(ctx, from)
}

// MoveManagersChat records that the managers' chat from is now to.
func (a *App) MoveManagersChat(ctx context.Context, from, to int64) error {
	return a.DB.MoveManagersChat(ctx, from, to)
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
	for _, t := range f.Topics {
		if err := a.queueItem(ctx, managersChatID, noHandoff, GroupItem{Kind: ItemForgetTopic, Thread: t.ThreadID,
			ManagersChat: t.ManagersChatID, Text: p.T("topic.forgotten")}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
