package dialogs

import "strings"

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
