package dialogs

import (
	"slices"
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
	// Lang, when set, is the language the partner asked for explicitly
	// (the terminal's --lang): it wins over the stored one.
	Lang string
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
	// Keep marks a message whose buttons stay useful when newer ones come
	// (the verdict's Contact and Check again): no later keyboard
	// supersedes them.
	Keep bool `json:",omitempty"`
	// Supersedes marks a reply to a button pressed on a message whose
	// buttons are dead (a stale one): the message pressed loses them.
	Supersedes bool `json:",omitempty"`

	// trace is the one-line answer an echo records ("✔️ <b>Yes</b>"), for
	// fold to put on top of the next question.
	trace string
}

// Button is a labelled payload, or a link when URL is set, or the Mini App
// when WebApp (its https URL) is set.
type Button struct {
	Label  string
	Data   string
	URL    string
	WebApp string
}

// Past is a check the partner completed before.
type Past struct {
	Facts  eligibility.Facts
	Report eligibility.Report
	Specs  []string
	At     time.Time
	// Shared is set when Facts are the company's current answers (every
	// member's, merged) rather than the facts of the last report: a new
	// check then starts from them whatever the session kept.
	Shared bool
	// ChangedBy names, per answer (keyed as eligibility.Facts.Values),
	// who changed it last and when, as the summary shows it.
	ChangedBy map[string]Attribution
	// SetAside are the company's answers a new catalogue edition no longer
	// reads, not yet told: a new check says so in one line.
	SetAside []string
}

// Attribution is who changed an answer last, and when.
type Attribution struct {
	Name string
	At   time.Time
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
	// CompanyMembers is the number of members of the partner's company, 0
	// when it has none: with others, /forget removes only this member.
	CompanyMembers int
}

// Completed is a finished check for the caller to store.
type Completed struct {
	Facts eligibility.Facts
	// Base is what the facts were when the check started (see Session.Base).
	Base   eligibility.Facts
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
	Notice string
	Report *Completed
	// Started is set when this input began a check (a new one or Start
	// over), for the checks-started metric.
	Started bool
	// ToldSetAside lists the set-aside answers this input told about, for
	// the caller to record as told.
	ToldSetAside []string
	Contact      *ContactRequest
	Reminders    string // "on" or "off" when the partner chose
	Forget       bool
	// ShowReport asks the caller to render the partner's latest report.
	ShowReport bool
}

// Engine runs conversations against one catalogue.
type Engine struct {
	Catalog *eligibility.Catalog
	// Now returns the current time; its location is the program's time zone.
	Now func() time.Time
	// Contact is how to reach the partnership team (SPECBOT_CONTACT), ""
	// when not configured: partners are then sent to their account manager.
	Contact string
	// WebAppURL, when set, is the Mini App's https URL: the welcome, the
	// check's first question and the verdict offer a button to open it.
	WebAppURL string
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

	// evalFacts and eval remember the last evaluation of the session's
	// facts: one step asks for it several times (which steps remain, the
	// common conditions, the verdict), and facts change at most once per
	// input. evalFacts is a copy, compared value by value. statusFacts,
	// statusSpecs and status remember the last evaluation without gaps of
	// the chosen specializations, which is all that which steps remain
	// needs.
	evalFacts, statusFacts eligibility.Facts
	statusSpecs            []string
	eval, status           *eligibility.Report

	// byButton is set when the input is a pressed button; onQuestion when
	// that button belongs to the question on screen, so that the message
	// it is on can become the next question (see fold).
	byButton, onQuestion bool
	// saved is set once the check's answers are saved (the verdict): the
	// summary kept as their record says what they replaced.
	saved bool
	// staled is set once the input was answered as a stale button.
	staled bool
}

func (t *turn) s() *Session { return &t.out.Session }

// evaluate is eligibility.Evaluate of the session's facts, computed once
// for each distinct set of facts within a turn.
func (t *turn) evaluate() eligibility.Report {
	s := t.s()
	if t.eval != nil && s.Facts.Equal(t.evalFacts) {
		return *t.eval
	}
	r := eligibility.Evaluate(t.e.Catalog, s.Facts, t.e.Now())
	t.evalFacts, t.eval = s.Facts.Clone(), &r
	return r
}

// statuses is evaluate without the gaps (eligibility.EvaluateStatuses) of
// the chosen specializations: the full evaluation when it is at hand, else
// the cheaper one, each computed once for each distinct set of facts (and
// choice) within a turn.
func (t *turn) statuses() eligibility.Report {
	s := t.s()
	if t.eval != nil && s.Facts.Equal(t.evalFacts) {
		return *t.eval
	}
	if t.status != nil && s.Facts.Equal(t.statusFacts) && slices.Equal(s.Specs, t.statusSpecs) {
		return *t.status
	}
	r := eligibility.EvaluateStatuses(t.e.Catalog, s.Facts, t.e.Now(), s.Specs)
	t.statusFacts, t.statusSpecs, t.status = s.Facts.Clone(), slices.Clone(s.Specs), &r
	return r
}

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
	if in.Lang != "" {
		s.Lang = locales.Normalize(in.Lang)
	}
	t := &turn{e: e, env: env, out: Outcome{Session: s}, p: locales.For(s.Lang)}
	switch {
	case in.Command != "":
		t.s().Tap = ""
		t.command(in.Command, in.Args)
	case in.Button != "":
		t.byButton = true
		t.tap(in.Button)
	default:
		t.s().Tap = ""
		t.text(strings.TrimSpace(in.Text))
	}
	t.fold()
	t.supersede()
	return t.out
}

// Resumed tells a partner whose stored session could not be resumed that
// the check starts again.
func (e *Engine) Resumed(s Session) Outcome {
	t := &turn{e: e, out: Outcome{Session: s}, p: locales.For(s.Lang)}
	t.say(Message{Text: t.p.T("session.outdated"), Buttons: [][]Button{{{Label: t.p.T("button.check"), Data: cbCheck}}}})
	return t.out
}

// stale answers a button that belongs to an earlier question.
func (t *turn) stale() {
	s := t.s()
	t.staled = true
	t.out.Notice = t.p.T("button.stale")
	if s.State == Checking || s.State == Summary {
		t.say(Message{Text: t.p.T("button.stale_repeat")})
		t.ask()
		return
	}
	t.say(Message{Text: t.p.T("button.stale_idle"), Buttons: [][]Button{{{Label: t.p.T("button.start_check"), Data: cbCheck}}}})
}

// supersede marks the reply to a stale button as replacing the message
// pressed, whose dead buttons then go.
func (t *turn) supersede() {
	if t.staled && t.byButton && len(t.out.Messages) > 0 {
		t.out.Messages[len(t.out.Messages)-1].Supersedes = true
	}
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
		if t.typedButton(txt) || t.summaryNumber(txt) {
			return
		}
		t.say(Message{Text: t.p.T("summary.use_buttons")})
		t.ask()
	case ContactNote:
		if acts := typedActions(txt); len(acts) > 0 && acts[0] == actCancel {
			t.cancel()
			return
		}
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
