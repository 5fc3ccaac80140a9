package dialogs

import (
	"strings"

	"specbot/locales"
)

func (t *turn) command(name, args string) {
	s := t.s()
	switch name {
	case "start":
		if s.State == Checking || s.State == Summary {
			t.say(Message{Text: t.p.T("start.welcome_back")})
			t.ask()
			return
		}
		t.welcome()
	case "check":
		if t.inProgress() {
			t.offerContinue()
			return
		}
		t.startCheck()
	case "report":
		t.report()
	case "language":
		t.languageMenu()
	case "cancel":
		t.cancel()
	case "help":
		t.say(Message{Text: t.p.T("help.text")})
	case "forget":
		t.askForget()
	case "manager":
		t.askContact()
	case "reminders":
		t.remindersMenu()
	default:
		t.say(Message{Text: t.p.T("command.unknown", "Command", esc("/"+name))})
	}
}

func (t *turn) welcome() {
	rows := [][]Button{{{Label: t.p.T("button.start_check"), Data: cbCheck}}}
	if !t.env.NewPartner && t.previous() != nil {
		// A returning partner may have missed the last verdict (a crash
		// between saving it and sending it): offer it again.
		rows = append(rows, []Button{{Label: t.p.T("button.last_report"), Data: cbReport}})
	}
	rows = append(rows, t.e.webAppRow(t.p)...)
	rows = append(rows, []Button{{Label: t.p.T("button.other_language"), Data: cbWelcomeLang + otherLang(t.s().Lang)}})
	t.say(Message{Text: t.p.T("start.welcome", "Specializations", esc(t.specNames())), Buttons: rows})
}

func (t *turn) specNames() string {
	names := make([]string, len(t.e.Catalog.Specializations))
	for i, s := range t.e.Catalog.Specializations {
		names[i] = s.Name.Get(t.s().Lang)
	}
	return strings.Join(names, ", ")
}

func otherLang(lang string) string {
	if lang == "ru" {
		return "en"
	}
	return "ru"
}

func (t *turn) languageMenu() {
	t.say(Message{Text: t.p.T("language.choose"), Buttons: [][]Button{{
		{Label: "English", Data: cbLangPrefix + "en"},
		{Label: "Русский", Data: cbLangPrefix + "ru"},
	}}})
}

func (t *turn) setLanguage(lang string) {
	s := t.s()
	s.Lang = locales.Normalize(lang)
	t.p = locales.For(s.Lang)
	t.out.Notice = t.p.T("language.set")
	// The chooser pressed says what was chosen, without its buttons.
	t.say(Message{Text: t.p.T("language.set"), Edit: true})
	if s.State == Checking || s.State == Summary {
		t.ask()
	}
}

func (t *turn) cancel() {
	s := t.s()
	switch s.State {
	case Checking, Summary:
		s.State, s.Editing, s.Draft, s.Sub = Idle, false, nil, empList
		s.Seq++
		// The question left takes the pause's place, so that its buttons go.
		t.say(Message{Text: t.p.T("check.paused"), Edit: true, Buttons: [][]Button{{{Label: t.p.T("button.continue"), Data: cbContinue}}}})
	case ConfirmForget, ContactNote:
		s.State, s.Note = s.Resume, ""
		s.Seq++
		t.say(Message{Text: t.p.T("cancel.done"), Edit: true})
		if s.State == Checking || s.State == Summary {
			// The prompt took the question's place on screen: the question
			// comes back, with its buttons.
			t.ask()
		}
	default:
		t.say(Message{Text: t.p.T("cancel.nothing")})
	}
}

func (t *turn) report() {
	if t.previous() == nil {
		t.say(Message{Text: t.p.T("report.none"), Buttons: [][]Button{{{Label: t.p.T("button.start_check"), Data: cbCheck}}}})
		return
	}
	t.out.ShowReport = true
	m := t.e.verdictMessage(t.s().Lang, t.previous().Report, t.previous().Specs, nil, t.env.ContactConfigured)
	m.Text = t.e.checkedLine(t.s().Lang, t.previous(), t.s().Company) + "\n\n" + m.Text
	t.say(m)
}

func (t *turn) remindersMenu() {
	if t.env.Reminders == "on" {
		t.say(Message{Text: t.p.T("reminders.on"), Buttons: [][]Button{{{Label: t.p.T("button.reminders_off"), Data: cbRemindOff}}}})
		return
	}
	t.say(Message{Text: t.p.T("reminders.off"), Buttons: [][]Button{{{Label: t.p.T("button.reminders_on"), Data: cbRemindOn}}}})
}

func (t *turn) setReminders(state string) {
	t.out.Reminders = state
	key := "reminders.set_off"
	if state == "on" {
		key = "reminders.set_on"
	}
	t.out.Notice = t.p.T(key)
	t.say(Message{Text: t.p.T(key), Edit: true})
}

func (t *turn) askForget() {
	s := t.s()
	if s.State != ConfirmForget && s.State != ContactNote {
		s.Resume = s.State
	}
	s.State = ConfirmForget
	s.Seq++
	t.say(Message{Text: t.p.T(t.forgetKey("forget.confirm")), Question: true, Buttons: [][]Button{{
		{Label: t.p.T("button.forget_yes"), Data: qb(s.Seq, actConfirm)},
		{Label: t.p.T("button.forget_no"), Data: qb(s.Seq, actDecline)},
	}}})
}

func (t *turn) askContact() {
	s := t.s()
	if !t.env.ContactConfigured {
		if t.e.Contact != "" {
			t.say(Message{Text: t.p.T("contact.not_configured_team", "Contact", esc(t.e.Contact))})
			return
		}
		t.say(Message{Text: t.p.T("contact.not_configured")})
		return
	}
	if s.State != ConfirmForget && s.State != ContactNote {
		s.Resume = s.State
	}
	s.State = ContactNote
	s.Seq++
	t.say(Message{Text: t.p.T("contact.ask_comment"), Question: true, Buttons: [][]Button{{
		{Label: t.p.T("button.send_without_comment"), Data: qb(s.Seq, actSend)},
		{Label: t.p.T("button.cancel"), Data: qb(s.Seq, actCancel)},
	}}})
}

func (t *turn) sendContact(comment string) {
	s := t.s()
	// The comment prompt keeps no buttons once answered.
	echo := comment
	if echo == "" {
		echo = t.p.T("contact.no_comment")
	}
	t.echo(t.p.T("contact.ask_comment"), echo)
	s.State, s.Note = s.Resume, ""
	s.Resume = Idle
	s.Seq++
	t.out.Contact = &ContactRequest{Comment: comment}
	// The caller says whether the request went through; see ContactSent.
	if s.State == Checking || s.State == Summary {
		t.ask()
	}
}

// forgetKey is the /forget text for a partner alone (everything goes) or
// one of several members of its company (only the member goes).
func (t *turn) forgetKey(id string) string {
	if t.env.CompanyMembers > 1 {
		return id + "_member"
	}
	return id
}
