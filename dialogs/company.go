package dialogs

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"specbot/locales"
)

// The company's messages: invitations, joining, the list of members. The
// decisions (who may invite, whether a link is still good) are app's; this
// file only renders them in a member's language.

// Payloads of the company's buttons. They carry ids, never a token.
const (
	CompanyPrefix = "co:"
	CoJoin        = "co:j:"  // + invite id: accept the invitation opened
	CoDecline     = "co:no"  // do not join
	CoRemove      = "co:rm:" // + chat id: the owner removes a member
	CoLeave       = "co:lv"  // a member leaves
	CoRevoke      = "co:rv:" // + invite id: the owner withdraws a link
)

// CompanyView is what the list of members shows.
type CompanyView struct {
	Name    string
	Members []MemberView
	// Viewer is the chat the list is shown to; ViewerOwns when it owns the
	// company (it then gets a button to remove each other member).
	Viewer     int64
	ViewerOwns bool
}

// MemberView is one member in the list.
type MemberView struct {
	ChatID   int64
	Name     string
	Username string
	Owner    bool
}

// CompanyNotice is a one-line company answer by its locale id: a refused
// link, a member removed, and the like.
// Its string values are escaped here.
func CompanyNotice(lang, id string, kv ...any) Message {
	for i := 1; i < len(kv); i += 2 {
		if s, ok := kv[i].(string); ok {
			kv[i] = esc(s)
		}
	}
	return Message{Text: locales.For(lang).T(id, kv...)}
}

// InviteMessage gives the owner its invitation link, valid until expires
// (shown in the program's time zone, loc).
func InviteMessage(lang, company, link string, inviteID int64, expires time.Time, loc *time.Location) Message {
	p := locales.For(lang)
	if loc == nil {
		loc = time.UTC
	}
	at := expires.In(loc)
	when := p.T("date.format", "Day", at.Day(), "Month", p.T(fmt.Sprintf("month.%d.of", int(at.Month()))), "Year", at.Year()) +
		", " + at.Format("15:04")
	return Message{
		Text:    p.T("company.invite", "Company", esc(companyName(p, company)), "Link", esc(link), "Expires", esc(when)),
		Buttons: [][]Button{{{Label: p.T("button.invite_revoke"), Data: CoRevoke + strconv.FormatInt(inviteID, 10)}}},
	}
}

// JoinQuestion asks a colleague who opened an invitation to confirm.
// leaving names the company the chat would leave, "" when none.
func JoinQuestion(lang, company, inviter string, inviteID int64, leaving string) Message {
	p := locales.For(lang)
	text := p.T("company.join_confirm", "Company", esc(companyName(p, company)), "Inviter", esc(inviter))
	if leaving != "" {
		text += "\n\n" + p.T("company.join_leaves", "Company", esc(companyName(p, leaving)))
	}
	return Message{Text: text, Buttons: [][]Button{{
		{Label: p.T("button.join"), Data: CoJoin + strconv.FormatInt(inviteID, 10)},
		{Label: p.T("button.join_no"), Data: CoDecline},
	}}}
}

// JoinedMessage welcomes a new member, with the check one tap away.
func JoinedMessage(lang, company string) Message {
	p := locales.For(lang)
	return Message{Text: p.T("company.joined", "Company", esc(companyName(p, company))), Edit: true,
		Buttons: [][]Button{{{Label: p.T("button.start_check"), Data: cbCheck}}}}
}

// MembersMessage lists a company's members.
func MembersMessage(lang string, c CompanyView) Message {
	p := locales.For(lang)
	var b strings.Builder
	b.WriteString(p.N("company.members_title", int64(len(c.Members)), "Company", esc(companyName(p, c.Name))))
	var rows [][]Button
	for _, m := range c.Members {
		b.WriteString("\n• " + esc(memberName(p, m)))
		if m.Owner {
			b.WriteString(" — " + p.T("company.role_owner"))
		}
		if m.ChatID == c.Viewer {
			b.WriteString(" " + p.T("company.you"))
		}
		if c.ViewerOwns && m.ChatID != c.Viewer {
			rows = append(rows, []Button{{Label: p.T("button.member_remove", "Name", truncate(memberName(p, m), 40)),
				Data: CoRemove + strconv.FormatInt(m.ChatID, 10)}})
		}
	}
	if len(c.Members) > 1 {
		rows = append(rows, []Button{{Label: p.T("button.member_leave"), Data: CoLeave}})
	}
	if c.ViewerOwns {
		b.WriteString("\n\n" + p.T("company.members_invite_hint"))
	}
	return Message{Text: b.String(), Buttons: rows}
}

func memberName(p *locales.Printer, m MemberView) string {
	name := strings.TrimSpace(m.Name)
	if m.Username != "" {
		if name == "" {
			return "@" + m.Username
		}
		return name + " (@" + m.Username + ")"
	}
	if name == "" {
		return p.T("company.member_unnamed")
	}
	return name
}

func companyName(p *locales.Printer, name string) string {
	if strings.TrimSpace(name) == "" {
		return p.T("company.unnamed")
	}
	return name
}

// RemovedMessage tells a member that by (the owner's name) removed it from
// company, and what it can do now: start a check of its own.
func RemovedMessage(lang, company, by string) Message {
	p := locales.For(lang)
	return Message{
		Text:    p.T("company.removed_you", "Company", esc(company), "Owner", esc(by)),
		Buttons: [][]Button{{{Label: p.T("button.start_check"), Data: cbCheck}}},
	}
}

// MemberLeftMessage tells the owner that the member name left company;
// owner is set when the one told has just become the owner (the owner
// left).
func MemberLeftMessage(lang, company, name string, owner bool) Message {
	id := "company.member_left"
	if owner {
		id = "company.owner_left"
	}
	return Message{Text: locales.For(lang).T(id, "Company", esc(company), "Name", esc(name))}
}
