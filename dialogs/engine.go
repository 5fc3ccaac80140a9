package dialogs

import (
	"strings"
	"time"

	"specbot/eligibility"
	"specbot/locales"
)

// Input is one thing a partner did: typed a text, pressed a button or sent
// a command.
type Input struct {
	Text    string
	Button  string
	Command string // without the slash, lower case: "start", "check"
	Args    string
	// LangCode is the user's language_code, used at first contact.
	LangCode string
}

// Message is a reply: HTML text and rows of buttons.
type Message struct {
	Text    string
	Buttons [][]Button
	// Edit replaces the message whose button was pressed (or the current
	// question) instead of sending a new one.
	Edit bool
	// Question marks the message that asks the current question.
	Question bool
}

// Button is a labelled payload, or a link when URL is set.
type Button struct {
	Label string
	Data  string
	URL   string
}

// Past is a check the partner completed before.
type Past struct {
	Facts  eligibility.Facts
	Report eligibility.Report
	Specs  []string
	At     time.Time
}

// Env is what the engine needs to know from outside the session.
type Env struct {
	Previous *Past // the latest stored report, if any
	// LoadPrevious, when set and Previous is nil, loads the latest stored
	// report on first use: most inputs never need it.
	LoadPrevious      func() *Past
	Reminders         string // "", "on", "off"
	ContactConfigured bool   // a managers' chat receives handoffs
	NewPartner        bool   // nothing is stored about this chat yet
}

// Completed is a finished check for the caller to store.
type Completed struct {
	Facts  eligibility.Facts
	Report eligibility.Report
	Specs  []string
}

// ContactRequest asks for the partner's account manager.
type ContactRequest struct {
	Comment string
}

// Outcome is what one input produced.
type Outcome struct {
	Session  Session
	Messages []Message
	// Notice is a short answer to a button press (shown as a toast).
	Notice    string
	Report    *Completed
	Contact   *ContactRequest
	Reminders string // "on" or "off" when the partner chose
	Forget    bool
	// ShowReport asks the caller to render the partner's latest report.
	ShowReport bool
}

// Engine runs conversations against one catalogue.
type Engine struct {
	Catalog *eligibility.Catalog
	// Now returns the current time; its location is the program's time zone.
	Now func() time.Time
}

// NewEngine returns an engine for a catalogue, with dates in loc.
func NewEngine(c *eligibility.Catalog, loc *time.Location) *Engine {
	return &Engine{Catalog: c, Now: func() time.Time { return time.Now().In(loc) }}
}

// turn carries one input's processing.
type turn struct {
	e   *Engine
	env Env
	out Outcome
	p   *locales.Printer
}

func (t *turn) s() *Session { return &t.out.Session }

// previous returns the partner's latest stored check, loading it once.
func (t *turn) previous() *Past {
	if t.env.Previous == nil && t.env.LoadPrevious != nil {
		t.env.Previous = t.env.LoadPrevious()
		t.env.LoadPrevious = nil
	}
	return t.env.Previous
}

func (t *turn) say(m Message) { t.out.Messages = append(t.out.Messages, m) }

// Handle applies one input to a session.
func (e *Engine) Handle(s Session, in Input, env Env) Outcome {
	if s.Version == 0 {
		s = NewSession(locales.Normalize(in.LangCode))
	}
	if s.Answered == nil {
		s.Answered = map[string]bool{}
	}
	if s.Facts.Numbers == nil {
		s.Facts = eligibility.NewFacts()
	}
	t := &turn{e: e, env: env, out: Outcome{Session: s}, p: locales.For(s.Lang)}
	switch {
	case in.Command != "":
		t.command(in.Command, in.Args)
	case in.Button != "":
		t.button(in.Button)
	default:
		t.text(strings.TrimSpace(in.Text))
	}
	return t.out
}

// Resumed tells a partner whose stored session could not be resumed that
// the check starts again.
func (e *Engine) Resumed(s Session) Outcome {
	t := &turn{e: e, out: Outcome{Session: s}, p: locales.For(s.Lang)}
	t.say(Message{Text: t.p.T("session.outdated"), Buttons: [][]Button{{{Label: t.p.T("button.check"), Data: cbCheck}}}})
	return t.out
}

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
		if s.State == Checking || s.State == Summary || s.State == Idle && s.Key != "" {
			t.say(Message{Text: t.p.T("check.in_progress"), Buttons: [][]Button{{
				{Label: t.p.T("button.continue"), Data: cbContinue},
				{Label: t.p.T("button.restart"), Data: cbRestart},
			}}})
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
	rows = append(rows, []Button{{Label: t.p.T("button.other_language"), Data: cbLangPrefix + otherLang(t.s().Lang)}})
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
	t.say(Message{Text: t.p.T("language.set")})
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
	t.say(t.e.verdictMessage(t.s().Lang, t.previous().Report, t.previous().Specs, nil, t.env.ContactConfigured))
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
	t.say(Message{Text: t.p.T("forget.confirm"), Question: true, Buttons: [][]Button{{
		{Label: t.p.T("button.forget_yes"), Data: qb(s.Seq, actConfirm)},
		{Label: t.p.T("button.forget_no"), Data: qb(s.Seq, actDecline)},
	}}})
}

func (t *turn) askContact() {
	s := t.s()
	if !t.env.ContactConfigured {
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

// button handles a pressed inline button.
func (t *turn) button(data string) {
	s := t.s()
	cb, ok := parseCallback(data)
	if !ok {
		t.stale()
		return
	}
	switch {
	case cb.global == cbCheck, cb.global == cbRestart:
		t.startCheck()
		return
	case cb.global == cbContinue:
		if s.State == Idle && s.Key != "" {
			s.State = Checking
			if s.Key == stateSummaryKey {
				s.State = Summary
			}
		}
		if s.State == Checking || s.State == Summary {
			t.ask()
			return
		}
		t.startCheck()
		return
	case cb.global == cbContact:
		t.askContact()
		return
	case cb.global == cbReport:
		t.report()
		return
	case cb.global == cbRemindOn:
		t.setReminders("on")
		return
	case cb.global == cbRemindOff:
		t.setReminders("off")
		return
	case strings.HasPrefix(cb.global, cbLangPrefix):
		lang := strings.TrimPrefix(cb.global, cbLangPrefix)
		if lang != "en" && lang != "ru" {
			t.stale()
			return
		}
		t.setLanguage(lang)
		return
	case cb.global != "":
		t.stale()
		return
	}
	if cb.seq != s.Seq {
		t.stale()
		return
	}
	switch s.State {
	case Checking:
		t.answerButton(cb)
	case Summary:
		t.summaryButton(cb)
	case ConfirmForget:
		switch cb.act {
		case actConfirm:
			t.out.Forget = true
			lang := s.Lang
			t.out.Session = NewSession(lang)
			t.out.Session.Seq = s.Seq + 1
			t.say(Message{Text: t.p.T("forget.done"), Edit: true})
		case actDecline:
			s.State = s.Resume
			s.Seq++
			t.say(Message{Text: t.p.T("forget.kept"), Edit: true})
			if s.State == Checking || s.State == Summary {
				t.ask()
			}
		default:
			t.stale()
		}
	case ContactNote:
		switch cb.act {
		case actSend:
			t.sendContact("")
		case actCancel:
			t.cancel()
		default:
			t.stale()
		}
	default:
		t.stale()
	}
}

// stale answers a button that belongs to an earlier question.
func (t *turn) stale() {
	s := t.s()
	t.out.Notice = t.p.T("button.stale")
	if s.State == Checking || s.State == Summary {
		t.say(Message{Text: t.p.T("button.stale_repeat")})
		t.ask()
		return
	}
	t.say(Message{Text: t.p.T("button.stale_idle"), Buttons: [][]Button{{{Label: t.p.T("button.start_check"), Data: cbCheck}}}})
}

// text handles typed text.
func (t *turn) text(txt string) {
	s := t.s()
	if strings.HasPrefix(txt, "/") {
		name, args, _ := strings.Cut(strings.TrimPrefix(txt, "/"), " ")
		name, _, _ = strings.Cut(name, "@")
		t.command(strings.ToLower(name), strings.TrimSpace(args))
		return
	}
	switch s.State {
	case Checking:
		t.answerText(txt)
	case Summary:
		t.say(Message{Text: t.p.T("summary.use_buttons")})
		t.ask()
	case ContactNote:
		if txt == "" {
			t.askContact()
			return
		}
		t.sendContact(truncate(txt, 1000))
	case ConfirmForget:
		if yes, ok := ParseYesNo(txt); ok {
			if yes {
				t.button(qb(s.Seq, actConfirm))
			} else {
				t.button(qb(s.Seq, actDecline))
			}
			return
		}
		t.askForget()
	default:
		if t.env.NewPartner || s.Checks == 0 && t.previous() == nil {
			t.welcome()
			return
		}
		t.say(Message{Text: t.p.T("idle.hint"), Buttons: [][]Button{{
			{Label: t.p.T("button.start_check"), Data: cbCheck},
			{Label: t.p.T("button.last_report"), Data: cbReport},
		}}})
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
