package dialogs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

func webAppButtons(msgs []Message) []Button {
	var out []Button
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.WebApp != "" {
					out = append(out, b)
				}
			}
		}
	}
	return out
}

// TestWebAppButton: with a Mini App URL the welcome, the check's first
// question and the verdict carry the button; without one nothing changes.
func TestWebAppButton(t *testing.T) {
	for _, url := range []string{"", "https://bot.example.com/app/"} {
		e := NewEngine(eligibility.DefaultCatalog(), time.UTC)
		e.WebAppURL = url
		for _, lang := range []string{"en", "ru"} {
			welcome := e.Handle(Session{}, Input{Command: "start", LangCode: lang}, Env{NewPartner: true})
			check := e.Handle(welcome.Session, Input{Command: "check"}, Env{})
			facts := eligibility.NewFacts()
			facts.Bools[eligibility.Ref{Fact: "partner_agreement"}] = true
			done, errs := e.SubmitSheet(check.Session, SheetInput{Specs: []string{"devops"},
				Answers: map[string]string{"f:partner_agreement": "yes"}}, Env{Reminders: "on"})
			require.Empty(t, errs)
			require.NotNil(t, done.Report)
			for name, msgs := range map[string][]Message{"welcome": welcome.Messages, "check": check.Messages, "verdict": done.Messages} {
				got := webAppButtons(msgs)
				if url == "" {
					assert.Empty(t, got, name)
					continue
				}
				require.Len(t, got, 1, name)
				assert.Equal(t, url, got[0].WebApp)
				want := map[string]string{"en": "Fill in the fact sheet", "ru": "Заполнить анкету"}[lang]
				assert.Equal(t, want, got[0].Label)
			}
		}
	}
}
