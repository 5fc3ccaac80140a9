package dialogs

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"specbot/eligibility"
)

// SessionVersion is bumped whenever the stored shape of a Session changes.
const SessionVersion = 1

// State is where a partner is in the conversation.
type State string

// Conversation states.
const (
	Idle          State = ""        // no check in progress
	Checking      State = "check"   // answering the check's questions
	Summary       State = "summary" // reviewing answers before the verdict
	ConfirmForget State = "forget"  // asked to confirm /forget
	ContactNote   State = "contact" // asked for an optional comment to the manager
)

// EmployeeStage is where a partner is within the employees step; it is
// stored in the session.
type EmployeeStage string

// Employee sub-stages of the employees step.
const (
	empList  EmployeeStage = ""      // list and ask for a name
	empCerts EmployeeStage = "certs" // ticking the certificates of Draft
	empMore  EmployeeStage = "more"  // one added; another or done
	empName  EmployeeStage = "name"  // "Add another" pressed: asking for the next name
	// empMonth asks the month a certificate of Draft was earned (one the
	// catalogue gives a validity), the first of them without one.
	empMonth EmployeeStage = "month"
)

// Session is one partner's conversation, serialised between updates.
type Session struct {
	Version int    `json:"v"`
	Lang    string `json:"lang"`
	Company string `json:"company,omitempty"`
	State   State  `json:"state,omitempty"`
	// Resume is the state a paused interruption (contact, forget) returns to.
	Resume State `json:"resume,omitempty"`
	// Key is the current step of the check; Sub the employees sub-stage.
	Key string        `json:"key,omitempty"`
	Sub EmployeeStage `json:"sub,omitempty"`
	// Specs are the chosen specializations; Picking those being ticked.
	Specs   []string `json:"specs,omitempty"`
	Picking []string `json:"picking,omitempty"`
	// Prev are the specializations of the check this one started from,
	// one tap to keep.
	Prev []string `json:"prev,omitempty"`
	// Answered holds the keys of steps answered, "I don't know" included.
	Answered map[string]bool       `json:"answered,omitempty"`
	Draft    *eligibility.Employee `json:"draft,omitempty"`
	// Editing is set when a step was opened from the summary: the next
	// answer returns there.
	Editing bool `json:"editing,omitempty"`
	// Seq numbers questions; buttons carry it so that stale ones are known.
	// Ticking a checklist keeps it: each tick edits the same question, and
	// a tick pressed on the keyboard before the last edit still counts.
	Seq int `json:"seq"`
	// Tap is the payload of the last button that acted, so that a second
	// tap on it (a double tap) acts only once; any typed input clears it.
	Tap string `json:"tap,omitempty"`
	// Checks counts completed checks.
	Checks int `json:"checks,omitempty"`
	// Note is the comment being written to the account manager.
	Note string `json:"note,omitempty"`
	// Gate is set while the partner is told that a condition every
	// specialization needs is not met, and asked whether to go on; GoOn
	// once the partner chose to.
	Gate bool `json:"gate,omitempty"`
	GoOn bool `json:"go_on,omitempty"`
	// EmpIndex is 1 + the index of the listed employee whose certificates
	// Draft changes, 0 for a new employee.
	EmpIndex int `json:"emp,omitempty"`

	Facts eligibility.Facts `json:"-"`
	// Base is what the facts were when this check started: the answers
	// changed since are the check's own, merged into the company's answers
	// fact by fact so that members checking at once keep each other's.
	Base eligibility.Facts `json:"-"`
}

type sessionJSON struct {
	Session
	Facts json.RawMessage `json:"facts,omitempty"`
	Base  json.RawMessage `json:"base,omitempty"`
}

// ErrSessionOutdated means a stored session was written by another version
// of the bot or for another catalogue and cannot be resumed as it is.
var ErrSessionOutdated = errors.New("session outdated")

// NewSession starts a conversation in a language.
func NewSession(lang string) Session {
	return Session{Version: SessionVersion, Lang: lang, Facts: eligibility.NewFacts(), Answered: map[string]bool{}}
}

// Encode serialises the session.
func (s Session) Encode() ([]byte, error) {
	facts, err := json.Marshal(s.Facts)
	if err != nil {
		return nil, fmt.Errorf("encode session: %w", err)
	}
	sj := sessionJSON{Session: s, Facts: facts}
	if s.Base.Numbers != nil {
		if sj.Base, err = json.Marshal(s.Base); err != nil {
			return nil, fmt.Errorf("encode session: %w", err)
		}
	}
	return json.Marshal(sj)
}

// DecodeSession reads a stored session against the catalogue. When the
// session cannot be resumed (ErrSessionOutdated), the returned session
// still carries what is safe to keep: the language and the company. A
// session with no check in progress or paused loses nothing: it starts
// afresh without an error, and nobody is told a check starts again.
func DecodeSession(c *eligibility.Catalog, data []byte) (Session, error) {
	var sj sessionJSON
	if err := json.Unmarshal(data, &sj); err != nil {
		return NewSession("en"), fmt.Errorf("decode session: %w", err)
	}
	s := sj.Session
	if s.Answered == nil {
		s.Answered = map[string]bool{}
	}
	s.Facts = eligibility.NewFacts()
	unfinished := InProgress(s) || s.Resume == Checking || s.Resume == Summary
	outdated := func(err error) (Session, error) {
		if !unfinished {
			return fresh(s), nil
		}
		return fresh(s), err
	}
	if s.Version != SessionVersion {
		return outdated(fmt.Errorf("decode session v%d: %w", s.Version, ErrSessionOutdated))
	}
	if len(sj.Facts) > 0 {
		f, err := eligibility.ParseStoredFacts(c, sj.Facts)
		if err != nil {
			return outdated(fmt.Errorf("decode session facts: %w: %w", ErrSessionOutdated, err))
		}
		s.Facts = f
	}
	if len(sj.Base) > 0 {
		// A base that no longer reads only makes the check's changes
		// larger; it never stops the check.
		if f, err := eligibility.ParseStoredFacts(c, sj.Base); err == nil {
			s.Base = f
		}
	}
	for _, id := range append(slices.Clone(s.Specs), s.Picking...) {
		if _, ok := c.Specialization(id); !ok {
			return outdated(fmt.Errorf("decode session: unknown specialization %q: %w", id, ErrSessionOutdated))
		}
	}
	return s, nil
}

// fresh keeps the language, company and counters of a session that cannot
// be resumed.
func fresh(old Session) Session {
	s := NewSession(old.Lang)
	s.Company, s.Checks, s.Seq = old.Company, old.Checks, old.Seq+1
	return s
}
