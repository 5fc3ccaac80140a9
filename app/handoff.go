package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// HandoffPrefix starts the data of a card's buttons: "h:t:<id>" takes,
// "h:d:<id>" closes.
const HandoffPrefix = "h:"

// handoffWindow is how long a new request updates the open card instead of
// posting a new one.
const handoffWindow = 24 * time.Hour

// Handoff actions a card's buttons carry.
const (
	actTake  = "t"
	actClose = "d"
)

// Handoff is a partner's request to be contacted, as the managers' chat
// shows it: the stored handoff and its card, rendered in the managers'
// language with its buttons.
type Handoff struct {
	store.Handoff
	// Updated is set when the request updated an open handoff rather than
	// opening a new one.
	Updated bool
	Card    dialogs.Message
	// TopicName is the name of the partner's forum topic as the handoff
	// stands, in the managers' language.
	TopicName string
	// Partner is the partner who asked, as stored.
	Partner store.Partner
}

// RequestHandoff records a partner's request for contact: the partner, its
// latest report and its open handoff in one read, the handoff in one write,
// and the card to post or edit, in lang.
//
// With postTo set (the managers' chat), the card's post is queued in the
// outbox in the same write: the paced group sender posts it (PostCard), so
// that no partner's turn waits for the group's slot and no request is lost
// to a crash before its card went out.
func (a *App) RequestHandoff(ctx context.Context, chatID int64, comment, lang string, postTo ...int64) (Handoff, error) {
	h, err := a.requestHandoff(ctx, chatID, comment, lang, postTo...)
	if errors.Is(err, store.ErrRequestRaced) {
		// A colleague's request opened the company's handoff meanwhile:
		// this one updates it.
		h, err = a.requestHandoff(ctx, chatID, comment, lang, postTo...)
	}
	return h, err
}

func (a *App) requestHandoff(ctx context.Context, chatID int64, comment, lang string, postTo ...int64) (Handoff, error) {
	since := a.now().Add(-handoffWindow)
	desk, err := a.DB.Desk(ctx, chatID, since)
	if err != nil {
		return Handoff{}, fmt.Errorf("request handoff %d: %w", chatID, err)
	}
	var managers int64
	if len(postTo) > 0 {
		managers = postTo[0]
	}
	h, r := a.planRequest(desk, chatID, comment, lang, managers, since)
	if err := a.DB.SaveRequestPosts(ctx, r); err != nil {
		return Handoff{}, fmt.Errorf("request handoff %d: %w", chatID, err)
	}
	h.Handoff = r.Handoff
	a.renderRequest(&h, desk, r.Ask, lang)
	return h, nil
}

// planRequest is a member's request for contact as desk (read with the
// handoff window opened at since) makes it: the company's open handoff
// updated with the comment, or a new one, and, with managersChatID set,
// what to queue with it there: the card's post and, for a request already
// taken, a note of the new comment for the manager who took it, in lang.
// Nothing is saved.
func (a *App) planRequest(desk store.Desk, chatID int64, comment, lang string, managersChatID int64, since time.Time) (Handoff, *store.Request) {
	h := Handoff{Partner: desk.Partner, Handoff: store.Handoff{ChatID: chatID, State: store.HandoffOpen}}
	if desk.Handoff != nil {
		h.Handoff, h.Updated = *desk.Handoff, true
	}
	// A second request adds its comment to the first: nothing a partner
	// wrote is lost to the next request.
	switch {
	case comment == "":
	case h.Comment == "":
		h.Comment = comment
	case !strings.HasSuffix(h.Comment, comment):
		h.Comment += "\n" + comment
	}
	h.ReportID = desk.ReportID
	// The request is the company's: a second member's updates the open
	// one, and is the one a manager's answer now reaches.
	h.ChatID = chatID
	r := &store.Request{Handoff: h.Handoff, Comment: comment, OpenSince: since}
	if managersChatID == 0 {
		return h, r
	}
	r.Posts = []*store.Outbound{{ChatID: managersChatID}}
	if h.Updated && comment != "" && h.State == store.HandoffTaken {
		// The manager who took the request hears of the new comment in
		// the partner's topic.
		p := locales.For(lang)
		note := p.T("note.new_comment", "Name", html.EscapeString(firstName(h.TakenName)), "ID", h.TakenBy,
			"Comment", html.EscapeString(comment))
		data, err := json.Marshal(groupPayload{Group: &GroupItem{Kind: store.PostNote, Partner: chatID, Text: note}})
		if err != nil {
			a.log().Warn("note of a new comment", "handoff", h.ID, "err", err)
		} else {
			r.Posts = append(r.Posts, &store.Outbound{ChatID: managersChatID, Payload: data})
		}
	}
	return h, r
}

// renderRequest renders the card and the topic name of a saved request in
// lang, from desk (read before it) and the request's ask.
func (a *App) renderRequest(h *Handoff, desk store.Desk, ask store.Ask, lang string) {
	desk.Asks = append(desk.Asks, ask)
	if len(desk.Company.Members) == 0 {
		// The request made a one-member company of a partner that had none.
		desk.Company.Members = []store.Member{{Partner: desk.Partner, Role: store.RoleOwner}}
	}
	h.Card, h.TopicName = a.card(h.Handoff, desk, lang), a.TopicName(h.Handoff, desk, lang)
}

// CardPosted records where a handoff's card was posted, so that Take, Done
// and a second request edit it.
func (a *App) CardPosted(ctx context.Context, h *Handoff, chatID int64, messageID int) error {
	h.CardChatID, h.CardMessageID = chatID, messageID
	return a.DB.SaveHandoff(ctx, &h.Handoff)
}

// Manager is who pressed a card's button.
type Manager struct {
	UserID int64
	Name   string
	// Allowed is set when the adapter knows the user as a manager.
	Allowed bool
}

var (
	// ErrStaleButton is returned for card button data that names no action.
	ErrStaleButton = errors.New("stale handoff button")
	// ErrNotManager is returned when someone who is not a manager presses
	// a card's button.
	ErrNotManager = errors.New("not a manager")
)

// HandoffButton applies the card button with data (without HandoffPrefix)
// pressed by m: Take or Done. The first taker wins: anyone else gets
// store.ErrTaken with the handoff as it stands. The returned card is the
// handoff's card after the move, in lang; Taken tells whether the partner
// should hear that a manager took its request.
func (a *App) HandoffButton(ctx context.Context, data string, m Manager, lang string) (Handoff, bool, error) {
	act, idStr, _ := strings.Cut(data, ":")
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil || (act != actTake && act != actClose) {
		return Handoff{}, false, ErrStaleButton
	}
	if !m.Allowed {
		return Handoff{}, false, ErrNotManager
	}
	var sh store.Handoff
	if act == actTake {
		sh, err = a.DB.TakeHandoff(ctx, id, m.UserID, m.Name)
	} else {
		sh, err = a.DB.CloseHandoff(ctx, id, m.UserID, m.Name)
	}
	h := Handoff{Handoff: sh}
	if err != nil {
		return h, false, err
	}
	desk, err := a.DB.Desk(ctx, sh.ChatID, time.Time{})
	if err != nil {
		// The move is stored; the card stays as it was.
		a.log().Warn("card after handoff move", "handoff", id, "err", err)
		return h, act == actTake, nil
	}
	h.Partner = desk.Partner
	if desk.Asks, err = a.DB.HandoffAsks(ctx, sh.ID); err != nil {
		a.log().Warn("requests of a handoff", "handoff", id, "err", err)
	}
	h.Card, h.TopicName = a.card(sh, desk, lang), a.TopicName(sh, desk, lang)
	return h, act == actTake, nil
}

// card renders a handoff's card with its buttons in lang.
func (a *App) card(h store.Handoff, desk store.Desk, lang string) dialogs.Message {
	partner := desk.Partner
	c := dialogs.Card{
		Company: desk.CompanyName(), PartnerName: partner.Name, Username: partner.Username, UserID: partner.UserID,
		PartnerLang: partner.Lang, Comment: h.Comment, State: string(h.State), TakenName: h.TakenName,
		DoneName: h.DoneName, DoneAt: h.DoneAt, Unreachable: partner.Unreachable,
	}
	if c.UserID == 0 {
		c.UserID = partner.ChatID
	}
	if desk.Report != nil {
		c.Past = a.pastOf(*desk.Report)
	}
	c.Members, c.Asks = cardMembers(desk.Company.Members, desk.Asks)
	p := locales.For(lang)
	id := strconv.FormatInt(h.ID, 10)
	take := dialogs.Button{Label: p.T("button.take"), Data: HandoffPrefix + actTake + ":" + id}
	done := dialogs.Button{Label: p.T("button.handoff_done"), Data: HandoffPrefix + actClose + ":" + id}
	m := dialogs.Message{Text: a.Engine.RenderCard(c, lang)}
	switch h.State {
	case store.HandoffOpen:
		m.Buttons = [][]dialogs.Button{{take, done}}
	case store.HandoffTaken:
		m.Buttons = [][]dialogs.Button{{done}}
	}
	return m
}

// cardMembers is what a card shows of a company's members and of who
// asked.
func cardMembers(members []store.Member, asks []store.Ask) ([]dialogs.CardMember, []dialogs.CardAsk) {
	var ms []dialogs.CardMember
	for _, m := range members {
		cm := dialogs.CardMember{Name: m.Partner.Name, Username: m.Partner.Username, UserID: m.Partner.UserID,
			Lang: m.Partner.Lang, Owner: m.Role == store.RoleOwner}
		if cm.UserID == 0 {
			cm.UserID = m.Partner.ChatID
		}
		ms = append(ms, cm)
	}
	var as []dialogs.CardAsk
	for _, a := range asks {
		as = append(as, dialogs.CardAsk{Name: a.Name, Comment: a.Comment})
	}
	return ms, as
}

// QueueCard queues an edit of a handoff's card in the managers' chat
// chatID, sent by the paced group sender as the card stands then.
func (a *App) QueueCard(ctx context.Context, handoffID, chatID int64) error {
	return a.DB.AddOutbound(ctx, &store.Outbound{ChatID: chatID, HandoffID: handoffID})
}

// CardOf renders a handoff's card as it stands, in lang.
func (a *App) CardOf(ctx context.Context, handoffID int64, lang string) (Handoff, error) {
	sh, err := a.DB.HandoffToPost(ctx, handoffID)
	if err != nil {
		return Handoff{}, fmt.Errorf("card of handoff %d: %w", handoffID, err)
	}
	desk, err := a.DB.Desk(ctx, sh.ChatID, time.Time{})
	if err != nil {
		return Handoff{}, fmt.Errorf("card of handoff %d: %w", handoffID, err)
	}
	if desk.Asks, err = a.DB.HandoffAsks(ctx, sh.ID); err != nil {
		return Handoff{}, fmt.Errorf("card of handoff %d: %w", handoffID, err)
	}
	return Handoff{Handoff: sh, Partner: desk.Partner, Card: a.card(sh, desk, lang), TopicName: a.TopicName(sh, desk, lang)}, nil
}

// HandoffOf reads a handoff as it stands.
func (a *App) HandoffOf(ctx context.Context, id int64) (store.Handoff, error) {
	return a.DB.HandoffToPost(ctx, id)
}
