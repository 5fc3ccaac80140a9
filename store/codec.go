package store

import (
	"encoding/json"
	"fmt"

	"specbot/dialogs"
	"specbot/eligibility"
)

// This file is the one place that turns the domain values the store keeps
// (sessions, facts, verdicts, reminder messages) into their stored JSON and
// back. Reading sessions and facts needs the catalogue: DB.Catalog.

// encodeSession serialises s; nil is no session (it is deleted).
func encodeSession(s *dialogs.Session) ([]byte, error) {
	if s == nil {
		return nil, nil
	}
	data, err := s.Encode()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return data, nil
}

// decodeSession reads a stored session; no data is no session. When the
// session cannot be resumed (dialogs.ErrSessionOutdated, or data that does
// not decode) the session returned still carries what dialogs keeps of it,
// along with the error.
func (db *DB) decodeSession(data []byte) (*dialogs.Session, error) {
	if data == nil {
		return nil, nil
	}
	s, err := dialogs.DecodeSession(db.Catalog, data)
	return &s, err
}

// rawReport is a report's stored columns, before decoding.
type rawReport struct {
	facts, verdict []byte
}

// encodeReport marshals r's facts and verdict.
func encodeReport(r *Report) (facts, verdict []byte, err error) {
	if facts, err = json.Marshal(r.Facts); err != nil {
		return nil, nil, fmt.Errorf("facts: %w: %w", ErrInvalid, err)
	}
	if verdict, err = json.Marshal(r.Verdict); err != nil {
		return nil, nil, fmt.Errorf("verdict: %w: %w", ErrInvalid, err)
	}
	return facts, verdict, nil
}

// decodeReport fills r from its stored facts and verdict. It reports false
// for a report that no longer reads under the current catalogue (one stored
// under another edition): such a report is treated as absent rather than
// shown with a wrong verdict.
func (db *DB) decodeReport(r *Report, raw rawReport) bool {
	facts, err := eligibility.ParseStoredFacts(db.Catalog, raw.facts)
	if err != nil {
		return false
	}
	var verdict eligibility.Report
	if len(raw.verdict) > 0 {
		if err := json.Unmarshal(raw.verdict, &verdict); err != nil {
			return false
		}
	}
	r.Facts, r.Verdict = facts, verdict
	return true
}

// encodeMessage marshals a reminder's message.
func encodeMessage(m dialogs.Message) ([]byte, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return data, nil
}

// decodeMessage reads a reminder's stored message.
func decodeMessage(data []byte) (dialogs.Message, error) {
	var m dialogs.Message
	if err := json.Unmarshal(data, &m); err != nil {
		return dialogs.Message{}, fmt.Errorf("decode reminder: %w", err)
	}
	return m, nil
}
