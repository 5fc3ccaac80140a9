package dialogs

import (
	"fmt"
	"strings"
	"time"

	"specbot/locales"
)

// Card is what a handoff card shows the account managers.
type Card struct {
	Company     string
	PartnerName string
	Username    string // Telegram @username without the @, may be ""
	UserID      int64
	PartnerLang string
	Comment     string
	Past        *Past // the partner's latest check, nil when none
	State       string
	TakenName   string
	DoneName    string    // who closed the request
	DoneAt      time.Time // when; zero unless closed
	Unreachable bool      // the partner blocked the bot
	// Members are the company's members, owner first; the card lists them,
	// and Asks instead of Comment, when there are more than one.
	Members []CardMember
	Asks    []CardAsk // the request's asks, oldest first
}

// CardMember is a member of the company a card is about.
type CardMember struct {
	Name     string
	Username string // without the @, may be ""
	UserID   int64
	Lang     string
	Owner    bool
}

// CardAsk is one member's request: who asked ("" once forgotten) and with
// what comment.
type CardAsk struct {
	Name    string
	Comment string
}

// RenderCard writes a handoff card in the managers' language: who the
// partner is and how to reach it, the verdicts with their gaps, the facts
// behind them and when the check was made.
func (e *Engine) RenderCard(c Card, lang string) string {
	p := locales.For(lang)
	var b strings.Builder
	company := c.Company
	if company == "" {
		company = p.T("card.no_company")
	}
	fmt.Fprintf(&b, "📨 <b>%s</b>\n", p.T("card.title", "Company", esc(company)))
	contact := esc(c.PartnerName)
	if contact == "" {
		contact = p.T("card.partner")
	}
	contact = fmt.Sprintf(`<a href="tg://user?id=%d">%s</a>`, c.UserID, contact)
	if c.Username != "" {
		contact += " · @" + esc(c.Username)
	}
	fmt.Fprintf(&b, "%s: %s\n", p.T("card.contact"), contact)
	fmt.Fprintf(&b, "%s: %s\n", p.T("card.language"), p.T("language.name."+locales.Normalize(c.PartnerLang)))
	if len(c.Members) > 1 {
		b.WriteString(renderMembers(c, p))
	} else if c.Comment != "" {
		fmt.Fprintf(&b, "%s: <i>%s</i>\n", p.T("card.comment"), esc(c.Comment))
	}
	if c.State == "done" && c.DoneName != "" {
		b.WriteString(p.T("card.state.done_by", "Name", esc(c.DoneName), "At", c.DoneAt.In(e.Now().Location()).Format("2006-01-02 15:04 MST")) + "\n")
	} else {
		b.WriteString(p.T("card.state."+c.State, "Name", esc(c.TakenName)) + "\n")
	}
	if c.Unreachable {
		b.WriteString(p.T("card.unreachable") + "\n")
	}
	b.WriteString("\n")
	if c.Past == nil {
		b.WriteString(p.T("card.no_check"))
		return b.String()
	}
	fmt.Fprintf(&b, "%s: %s\n\n", p.T("card.checked_at"), esc(c.Past.At.In(e.Now().Location()).Format("2006-01-02 15:04 MST")))
	b.WriteString(RenderReport(c.Past.Report, c.Past.Specs, lang))
	b.WriteString("\n\n<b>" + p.T("card.facts") + "</b>\n")
	b.WriteString(e.RenderFacts(c.Past, lang))
	return b.String()
}

// renderMembers lists a company's members (name, @username, role,
// language) and who asked, each request with its comment.
func renderMembers(c Card, p *locales.Printer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", p.T("card.members"))
	for _, m := range c.Members {
		name := esc(m.Name)
		if name == "" {
			name = p.T("card.partner")
		}
		line := fmt.Sprintf(`<a href="tg://user?id=%d">%s</a>`, m.UserID, name)
		if m.Username != "" {
			line += " · @" + esc(m.Username)
		}
		role := p.T("card.role.member")
		if m.Owner {
			role = p.T("card.role.owner")
		}
		fmt.Fprintf(&b, "• %s — %s, %s\n", line, role, p.T("language.name."+locales.Normalize(m.Lang)))
	}
	for _, a := range c.Asks {
		name := esc(a.Name)
		if name == "" {
			name = p.T("card.member_forgotten")
		}
		b.WriteString(p.T("card.asked_by", "Name", name))
		if a.Comment != "" {
			fmt.Fprintf(&b, ": <i>%s</i>", esc(a.Comment))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// RenderFacts lists the answers of a check, one line a question.
func (e *Engine) RenderFacts(past *Past, lang string) string {
	s := NewSession(lang)
	s.Facts, s.Specs = past.Facts, past.Specs
	t := &turn{e: e, out: Outcome{Session: s}, p: locales.For(lang)}
	var lines []string
	for _, st := range steps(e.Catalog, past.Specs) {
		if st.Key == stepCompany || st.Key == stepSpecs {
			continue
		}
		label := t.p.T("summary.employees")
		if st.Fact != nil {
			label = stepLabel(e.Catalog, st, lang)
		}
		lines = append(lines, fmt.Sprintf("• %s: %s", esc(label), esc(t.answerOf(st))))
	}
	return strings.Join(lines, "\n")
}

// ContactSent is the partner's confirmation that a handoff was posted.
func ContactSent(lang string, updated bool) Message {
	p := locales.For(lang)
	if updated {
		return Message{Text: p.T("contact.updated")}
	}
	return Message{Text: p.T("contact.sent")}
}

// ContactTaken tells the partner which manager took the request.
func ContactTaken(lang, manager string) Message {
	return Message{Text: locales.For(lang).T("contact.taken", "Name", esc(manager))}
}

// ContactDone tells the partner its request was closed by a manager, with
// a button to check again.
func ContactDone(lang, manager string) Message {
	p := locales.For(lang)
	return Message{Text: p.T("contact.done", "Name", esc(manager)),
		Buttons: [][]Button{{{Label: p.T("button.check_again"), Data: cbCheck}}}}
}

// ContactFailed tells the partner the request could not be posted.
func ContactFailed(lang string) Message {
	return Message{Text: locales.For(lang).T("contact.failed")}
}
