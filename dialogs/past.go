package dialogs

import (
	"errors"
	"time"

	"specbot/eligibility"
)

// ErrPastUnreadable means a stored check was made under another catalogue
// edition and cannot be shown as it is.
var ErrPastUnreadable = errors.New("stored check unreadable under this catalogue")

// PastFrom rebuilds a stored check: its facts are evaluated again under the
// current catalogue and date, so that it compares with a new check and
// shows the window from today. specs are the specializations it covered
// (the keys of its stored statuses).
func (e *Engine) PastFrom(factsJSON []byte, specs map[string]string, at time.Time) (*Past, error) {
	facts, err := eligibility.ParseStoredFacts(e.Catalog, factsJSON)
	if err != nil {
		return nil, ErrPastUnreadable
	}
	return e.PastOf(facts, specs, at), nil
}

// PastOf is PastFrom for facts already read under the current catalogue.
func (e *Engine) PastOf(facts eligibility.Facts, specs map[string]string, at time.Time) *Past {
	chosen := make([]string, 0, len(specs))
	for _, s := range e.Catalog.Specializations {
		if _, ok := specs[s.ID]; ok {
			chosen = append(chosen, s.ID)
		}
	}
	return &Past{
		Facts:  facts,
		Report: eligibility.Evaluate(e.Catalog, facts, e.Now()),
		Specs:  chosen,
		At:     at,
	}
}
