package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// InviteTTL is how long an invitation link stays valid.
const InviteTTL = 72 * time.Hour

// company handles the inputs about a partner's company: /invite, /members,
// an invitation link opened (/start with a token) and the company's
// buttons. It reports false for any other input, which the dialogs take.
// partner is the chat's partner as Handle will save it; company changes it
// (the company's name) when the chat joins one. notes are what it stored
// to tell other chats (a member removed, the owner that a member left),
// for the adapter to send.
func (a *App) company(ctx context.Context, partner *store.Partner, sess dialogs.Session, in dialogs.Input) (out dialogs.Outcome, notes []Outbound, handled bool, err error) {
	var kind, arg string
	switch {
	case in.Command == "invite" || in.Command == "members":
		kind = in.Command
	case in.Command == "start" && in.Args != "":
		kind, arg = "open", in.Args
	case strings.HasPrefix(in.Button, dialogs.CompanyPrefix):
		kind = in.Button
	default:
		return dialogs.Outcome{}, nil, false, nil
	}
	if sess.Version == 0 {
		lang := partner.Lang
		if lang == "" {
			lang = locales.Normalize(in.LangCode)
		}
		sess = dialogs.NewSession(lang)
	}
	out = dialogs.Outcome{Session: sess}
	lang := sess.Lang
	say := func(m dialogs.Message) { out.Messages = append(out.Messages, m) }
	notice := func(id string, kv ...any) {
		m := dialogs.CompanyNotice(lang, id, kv...)
		out.Notice = m.Text
		say(m)
	}
	chatID := partner.ChatID

	switch {
	case kind == "invite":
		err = a.invite(ctx, chatID, lang, say)
	case kind == "members":
		err = a.members(ctx, chatID, lang, say)
	case kind == "open":
		err = a.openInvite(ctx, chatID, lang, arg, say)
	case kind == dialogs.CoDecline:
		notice("company.join_declined")
	case strings.HasPrefix(kind, dialogs.CoJoin):
		var c store.Company
		id, _ := strconv.ParseInt(strings.TrimPrefix(kind, dialogs.CoJoin), 10, 64)
		p := *partner
		p.Lang = lang
		if c, err = a.DB.AcceptInvite(ctx, id, p); err == nil {
			partner.Company, out.Session.Company = c.Name, c.Name
			a.log().Info("member joined", "chat_id", chatID, "company_id", c.ID)
			say(dialogs.JoinedMessage(lang, c.Name))
		}
	case strings.HasPrefix(kind, dialogs.CoRemove):
		id, _ := strconv.ParseInt(strings.TrimPrefix(kind, dialogs.CoRemove), 10, 64)
		notes, err = a.removeMember(ctx, chatID, id, notice)
	case kind == dialogs.CoLeave:
		notes, err = a.leave(ctx, chatID, notice)
	case strings.HasPrefix(kind, dialogs.CoRevoke):
		id, _ := strconv.ParseInt(strings.TrimPrefix(kind, dialogs.CoRevoke), 10, 64)
		switch err = a.DB.RevokeInvite(ctx, chatID, id); {
		case err == nil:
			notice("company.invite_withdrawn")
		case errors.Is(err, store.ErrNotFound):
			// Used, or withdrawn already (a second press).
			err = nil
			notice("company.invite_gone")
		}
	default:
		out.Notice = locales.For(lang).T("button.stale")
	}
	if err != nil {
		id, known := companyRefusal(err)
		if !known {
			return dialogs.Outcome{}, nil, true, err
		}
		notice(id)
	}
	return out, notes, true, nil
}

// companyRefusal names the answer to a refused company operation.
func companyRefusal(err error) (string, bool) {
	for _, r := range []struct {
		err error
		id  string
	}{
		{store.ErrNoCompany, "company.no_company"},
		{store.ErrNotOwner, "company.not_owner"},
		{store.ErrLastMember, "company.last_member"},
		{store.ErrInviteUsed, "company.invite_used"},
		{store.ErrInviteExpired, "company.invite_expired"},
		{store.ErrInviteRevoked, "company.invite_revoked"},
		{store.ErrInviteUnknown, "company.invite_unknown"},
		{store.ErrNotFound, "company.member_gone"},
	} {
		if errors.Is(err, r.err) {
			return r.id, true
		}
	}
	return "", false
}

// invite makes a new invitation link for the owner of chat chatID's company.
func (a *App) invite(ctx context.Context, chatID int64, lang string, say func(dialogs.Message)) error {
	token, hash, err := newInviteToken()
	if err != nil {
		return err
	}
	inv, err := a.DB.CreateInvite(ctx, chatID, hash, InviteTTL)
	if err != nil {
		return err
	}
	a.log().Info("invitation made", "chat_id", chatID, "company_id", inv.CompanyID, "invite_id", inv.ID)
	say(dialogs.InviteMessage(lang, inv.Company, a.inviteLink(token), inv.ID, inv.ExpiresAt, a.location()))
	return nil
}

// inviteLink is the deep link that opens the bot with the token; without
// the bot's username (the terminal chat) it is the command to type.
func (a *App) inviteLink(token string) string {
	if a.BotUsername == "" {
		return "/start " + token
	}
	return "https://t.me/" + a.BotUsername + "?start=" + token
}

func (a *App) location() *time.Location {
	if a.Engine != nil && a.Engine.Now != nil {
		return a.Engine.Now().Location()
	}
	return time.UTC
}

// openInvite answers an invitation link opened in chat chatID: a question
// to confirm joining, or why the link does not work.
func (a *App) openInvite(ctx context.Context, chatID int64, lang, token string, say func(dialogs.Message)) error {
	inv, err := a.DB.OpenInvite(ctx, hashInviteToken(token), chatID)
	if errors.Is(err, store.ErrAlreadyMember) {
		say(dialogs.CompanyNotice(lang, "company.already_member", "Company", inv.Company))
		return nil
	}
	if err != nil {
		if errors.Is(err, store.ErrInviteUnknown) {
			a.log().Warn("unknown invitation opened", "chat_id", chatID)
		}
		return err
	}
	inviter := ""
	if c, err := a.DB.CompanyOf(ctx, inv.CreatedBy); err == nil {
		if m, ok := c.Member(inv.CreatedBy); ok {
			inviter = m.Partner.Name
		}
	}
	if inviter == "" {
		inviter = inv.Company
	}
	leaving := ""
	if own, err := a.DB.CompanyOf(ctx, chatID); err == nil {
		leaving = own.Name
	}
	say(dialogs.JoinQuestion(lang, inv.Company, inviter, inv.ID, leaving))
	return nil
}

// members lists chat chatID's company.
func (a *App) members(ctx context.Context, chatID int64, lang string, say func(dialogs.Message)) error {
	c, err := a.DB.CompanyOf(ctx, chatID)
	if err != nil {
		return err
	}
	say(dialogs.MembersMessage(lang, companyView(c, chatID)))
	return nil
}

// removeMember removes memberID from the company of its owner chatID and
// tells the removed member, in its language, with the removal.
func (a *App) removeMember(ctx context.Context, chatID, memberID int64, notice func(string, ...any)) ([]Outbound, error) {
	c, err := a.DB.CompanyOf(ctx, chatID)
	if err != nil {
		return nil, err
	}
	m, ok := c.Member(memberID)
	if !ok || memberID == chatID {
		return nil, store.ErrNotFound
	}
	owner := c.Owner().Partner
	note, err := noteTo(m.Partner.ChatID, dialogs.RemovedMessage(m.Partner.Lang, c.Name, displayName(owner)))
	if err != nil {
		return nil, err
	}
	if err := a.DB.RemoveMember(ctx, chatID, memberID, note.stored); err != nil {
		return nil, err
	}
	a.log().Info("member removed", "chat_id", memberID, "company_id", c.ID)
	notice("company.member_removed", "Name", displayName(m.Partner))
	return []Outbound{note.sent()}, nil
}

// leave takes chatID out of its company and tells the owner, in the
// owner's language (when the owner leaves: the member who becomes owner).
func (a *App) leave(ctx context.Context, chatID int64, notice func(string, ...any)) ([]Outbound, error) {
	c, err := a.DB.CompanyOf(ctx, chatID)
	if err != nil {
		return nil, err
	}
	me, _ := c.Member(chatID)
	var told *note
	tell := c.Owner()
	if tell.Partner.ChatID == chatID {
		tell = store.Member{}
		for _, m := range c.Members {
			if m.Partner.ChatID != chatID {
				tell = m
				break
			}
		}
	}
	var stored []*store.Outbound
	if tell.Partner.ChatID != 0 {
		n, err := noteTo(tell.Partner.ChatID, dialogs.MemberLeftMessage(tell.Partner.Lang, c.Name, displayName(me.Partner), me.Role == store.RoleOwner))
		if err != nil {
			return nil, err
		}
		told, stored = &n, []*store.Outbound{n.stored}
	}
	if err := a.DB.RemoveMember(ctx, chatID, chatID, stored...); err != nil {
		return nil, err
	}
	a.log().Info("member left", "chat_id", chatID, "company_id", c.ID)
	notice("company.left", "Company", c.Name)
	if told == nil {
		return nil, nil
	}
	return []Outbound{told.sent()}, nil
}

// note is a message to another chat, stored with what it is about.
type note struct {
	msgs   []dialogs.Message
	stored *store.Outbound
}

func noteTo(chatID int64, m dialogs.Message) (note, error) {
	msgs := []dialogs.Message{m}
	o, err := encodePayload(outboundPayload{Messages: msgs})
	if err != nil {
		return note{}, err
	}
	o.ChatID = chatID
	return note{msgs: msgs, stored: o}, nil
}

// sent is the stored note as the adapter sends it.
func (n note) sent() Outbound {
	return Outbound{ID: n.stored.ID, ChatID: n.stored.ChatID, Messages: n.msgs, CreatedAt: n.stored.CreatedAt}
}

// displayName is how a member is named to the others.
func displayName(p store.Partner) string {
	if p.Name == "" && p.Username != "" {
		return "@" + p.Username
	}
	return p.Name
}

func companyView(c store.Company, viewer int64) dialogs.CompanyView {
	v := dialogs.CompanyView{Name: c.Name, Viewer: viewer, ViewerOwns: c.Owner().Partner.ChatID == viewer}
	for _, m := range c.Members {
		v.Members = append(v.Members, dialogs.MemberView{ChatID: m.Partner.ChatID, Name: m.Partner.Name,
			Username: m.Partner.Username, Owner: m.Role == store.RoleOwner})
	}
	return v
}

// newInviteToken returns a random token for a deep link (43 characters of
// base64url: Telegram's start parameter allows up to 64 of A-Z, a-z, 0-9,
// _ and -) and the hash that alone is stored.
func newInviteToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashInviteToken(token), nil
}

func hashInviteToken(token string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return hex.EncodeToString(sum[:])
}
