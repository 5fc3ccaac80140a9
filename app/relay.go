package app

import (
	"context"
	"errors"
	"fmt"
	"html"

	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// The relay between a company's members and its managers: what a member
// writes while the company's request is open goes to the company's topic;
// what a manager answers there goes to the member who asked last (or whose
// message it answers), and to no one else.

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
	if c, err := a.DB.CompanyOf(ctx, chatID); err == nil && len(c.Members) > 1 {
		// In a company of several, the copy says whose message it is.
		m, _ := c.Member(chatID)
		name := m.Partner.Name
		if name == "" {
			name = locales.For(a.ManagersLang).T("card.partner")
		}
		if m.Partner.Username != "" {
			name += " (@" + m.Partner.Username + ")"
		}
		if err := a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostNote, Partner: chatID,
			Text: locales.For(a.ManagersLang).T("note.from_member", "Name", html.EscapeString(name))}); err != nil {
			return true, err
		}
	} else if err != nil && !errors.Is(err, store.ErrNoCompany) {
		return false, fmt.Errorf("pass on %d: %w", chatID, err)
	}
	if err := a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostCopy, Partner: chatID, MessageID: messageID}); err != nil {
		return true, err
	}
	// The partner answered: the topic no longer waits for it.
	return true, a.waiting(ctx, chatID, managersChatID, false)
}

// Relayed records that a manager's answer reached the partner of chatID:
// its topic says that the managers wait for the partner, until the partner
// writes again.
func (a *App) Relayed(ctx context.Context, chatID, managersChatID int64) error {
	return a.waiting(ctx, chatID, managersChatID, true)
}

// waiting sets whether the managers wait for the partner and, when that
// changed, queues the card's sync, which renames the topic.
func (a *App) waiting(ctx context.Context, chatID, managersChatID int64, on bool) error {
	changed, err := a.DB.SetWaiting(ctx, chatID, on)
	if err != nil || !changed || managersChatID == 0 {
		return err
	}
	h, err := a.DB.LatestHandoff(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("waiting %d: %w", chatID, err)
	}
	if h.CardMessageID == 0 || h.State == store.HandoffDone {
		return nil
	}
	return a.QueueCard(ctx, h.ID, managersChatID)
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
	// CopyFrom and MessageID, when set, name the manager's photo or
	// document to copy to the partner, with Message as its caption.
	CopyFrom  int64
	MessageID int
}

// RelayTo finds the member a manager's message in the managers' chat is
// for, from the topic it was posted in (threadID, 0 outside topics) or the
// bot's message it replies to (replyTo, 0 for none), and renders text for
// that member. Both lead to a company: when both name one it must be the
// same, so that nothing from one company's conversation reaches another.
// The answer reaches the member a replied-to copy, note or relay is about,
// while it is still the company's; otherwise the member who asked last.
func (a *App) RelayTo(ctx context.Context, managersChatID int64, threadID, replyTo int, manager, text string) (Relay, error) {
	var byTopic, byPost, member int64
	if threadID != 0 {
		t, err := a.DB.TopicByThread(ctx, managersChatID, threadID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Relay{}, fmt.Errorf("relay: %w", err)
		}
		byTopic = t.CompanyID
	}
	if replyTo != 0 {
		p, err := a.DB.GroupPostAt(ctx, managersChatID, replyTo)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Relay{}, fmt.Errorf("relay: %w", err)
		}
		byPost = p.CompanyID
		if p.Kind != store.PostCard {
			member = p.ChatID
		}
		if p.CompanyID == 0 && p.ChatID != 0 && byTopic == 0 {
			// A post from before companies about a partner that had none.
			return a.relayFor(ctx, p.ChatID, manager, text)
		}
	}
	company := byTopic
	switch {
	case byTopic == 0:
		company = byPost
	case byPost != 0 && byPost != byTopic:
		return Relay{}, ErrNoPartner
	}
	if company == 0 {
		return Relay{}, ErrNoPartner
	}
	chatID, err := a.DB.RelayTarget(ctx, company, member)
	if errors.Is(err, store.ErrNotFound) {
		return Relay{}, ErrNoPartner
	}
	if err != nil {
		return Relay{}, fmt.Errorf("relay: %w", err)
	}
	return a.relayFor(ctx, chatID, manager, text)
}

// relayFor renders a manager's answer for the partner of chat chatID.
func (a *App) relayFor(ctx context.Context, chatID int64, manager, text string) (Relay, error) {
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

// Blocked records that a partner blocked the bot and, when it has a
// request, tells its managers in its topic and queues its card, which then
// says so.
func (a *App) Blocked(ctx context.Context, chatID, managersChatID int64, lang string) error {
	if err := a.DB.SetUnreachable(ctx, chatID, true); err != nil {
		return fmt.Errorf("blocked %d: %w", chatID, err)
	}
	if managersChatID == 0 {
		return nil
	}
	h, err := a.DB.LatestHandoff(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blocked %d: %w", chatID, err)
	}
	if err := a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostNote, Partner: chatID,
		Text: locales.For(lang).T("note.blocked")}); err != nil {
		return err
	}
	if h.CardMessageID != 0 {
		return a.QueueCard(ctx, h.ID, managersChatID)
	}
	return nil
}
