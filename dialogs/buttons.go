package dialogs

import (
	"strings"

	"specbot/locales"
)

// globalButtons handle the buttons that work in any state (the "g:"
// payloads), by payload.
var globalButtons = map[string]func(t *turn){
	cbCheck:     (*turn).checkButton,
	cbRestart:   (*turn).startCheck,
	cbContinue:  (*turn).continueButton,
	cbContact:   (*turn).askContact,
	cbReport:    (*turn).report,
	cbRemindOn:  func(t *turn) { t.setReminders("on") },
	cbRemindOff: func(t *turn) { t.setReminders("off") },
}

// stateButtons handle a button of the current question, by the state the
// session is in; a state without one answers every such button as stale.
var stateButtons = map[State]func(t *turn, cb callback){
	Checking:      (*turn).answerButton,
	Summary:       (*turn).summaryButton,
	ConfirmForget: (*turn).forgetButton,
	ContactNote:   (*turn).contactButton,
}

// tap handles a button the partner pressed. A second tap on the button that
// has just acted (a double tap, or a tap repeated before the screen
// changed) gets only a short notice: the final buttons act once. Ticks
// of a checklist are exempt: each one counts.
func (t *turn) tap(data string) {
	s := t.s()
	if cb, ok := parseCallback(data); ok && data == s.Tap && cb.act != actToggle {
		t.out.Notice = t.p.T("button.already")
		return
	}
	t.button(data)
	if !t.staled && len(t.out.Messages) > 0 {
		s = t.s() // a confirmed /forget starts a new session
		s.Tap = data
	}
}

// button handles a pressed inline button.
func (t *turn) button(data string) {
	cb, ok := parseCallback(data)
	if !ok {
		t.stale()
		return
	}
	if cb.global != "" {
		t.globalButton(cb.global)
		return
	}
	s := t.s()
	handle, ok := stateButtons[s.State]
	if !ok || cb.seq != s.Seq {
		t.stale()
		return
	}
	t.onQuestion = t.byButton
	handle(t, cb)
}

// globalButton handles a button that works in any state.
func (t *turn) globalButton(global string) {
	if handle, ok := globalButtons[global]; ok {
		handle(t)
		return
	}
	if lang, ok := strings.CutPrefix(global, cbLangPrefix); ok && (lang == "en" || lang == "ru") {
		t.setLanguage(lang)
		return
	}
	if lang, ok := strings.CutPrefix(global, cbWelcomeLang); ok && (lang == "en" || lang == "ru") {
		if s := t.s(); s.State == Idle {
			s.Lang = lang
			t.p = locales.For(lang)
			t.out.Notice = t.p.T("language.set")
			t.welcome()
			t.out.Messages[len(t.out.Messages)-1].Edit = true
			return
		}
		t.setLanguage(lang)
		return
	}
	t.stale()
}

// checkButton starts a check; every way in (the welcome, a stale button's
// reply, a reminder, Check again) keeps a check under way.
func (t *turn) checkButton() {
	if t.inProgress() {
		t.offerContinue()
		return
	}
	t.startCheck()
}

// continueButton resumes the check that a confirmation or a note to the
// manager interrupted, or starts one when there is none.
func (t *turn) continueButton() {
	s := t.s()
	if s.State == ConfirmForget || s.State == ContactNote {
		s.State, s.Note = s.Resume, ""
		s.Resume = Idle
	}
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
}

// forgetButton answers the confirmation of /forget.
func (t *turn) forgetButton(cb callback) {
	s := t.s()
	switch cb.act {
	case actConfirm:
		t.out.Forget = true
		t.out.Session = NewSession(s.Lang)
		t.out.Session.Seq = s.Seq + 1
		t.say(Message{Text: t.p.T(t.forgetKey("forget.done")), Edit: true})
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
}

// contactButton answers the question for an optional note to the manager.
func (t *turn) contactButton(cb callback) {
	switch cb.act {
	case actSend:
		t.sendContact("")
	case actCancel:
		t.cancel()
	default:
		t.stale()
	}
}
