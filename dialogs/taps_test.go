package dialogs

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTicksOnAnEarlierKeyboardCount: the ticks of a checklist all count,
// in order, when each is pressed on the keyboard as it was before the
// previous tick's edit reached the screen; the checklist is edited in
// place each time.
func TestTicksOnAnEarlierKeyboardCount(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang+"/specializations", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"))
			first := d.question() // the keyboard every tick is pressed on
			for _, label := range []string{"Infrastructure", "DevOps", "ML & AI", "DevOps"} {
				b, ok := findButton([]Message{first}, label)
				require.True(t, ok, label)
				out := d.send(Input{Button: b.Data})
				require.Len(t, out.Messages, 1, dump(out.Messages))
				assert.True(t, out.Messages[0].Edit, "a tick edits the checklist")
				assert.Empty(t, out.Notice, "a tick is never stale on its own checklist")
			}
			assert.Equal(t, []string{specInfra, "ml_ai"}, d.s.Picking)
			d.press(u.done)
			assert.Equal(t, []string{specInfra, "ml_ai"}, d.s.Specs)
		})
		t.Run(u.lang+"/certificates", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)[:9]...)
			d.typ("Anna")
			first := d.question()
			for _, label := range []string{u.cse, u.protect, u.cse, u.cse} {
				b, ok := findButton([]Message{first}, label)
				require.True(t, ok, label)
				out := d.send(Input{Button: b.Data})
				require.Len(t, out.Messages, 1, dump(out.Messages))
				assert.True(t, out.Messages[0].Edit)
				assert.Empty(t, out.Notice)
			}
			require.NotNil(t, d.s.Draft)
			assert.ElementsMatch(t, []string{"infrastructure_protection", "cloud_service_engineer"}, d.s.Draft.Certs)
		})
	}
}

// TestAnEarlierQuestionStaysStale: a button of a question answered before
// is still answered as stale, with the friendly reply.
func TestAnEarlierQuestionStaysStale(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"))
			specs := d.question()
			d.play(press(u.done), press(u.yes))
			b, _ := findButton([]Message{specs}, "DevOps")
			out := d.send(Input{Button: b.Data})
			assert.Equal(t, u.staleNotice, out.Notice)
			assert.Equal(t, []string{specInfra}, d.s.Specs, "nothing recorded")
			require.NotEmpty(t, out.Messages)
			assert.Contains(t, out.Messages[0].Text, "\n\n", "the stale reply tops the current question")
		})
	}
}

// TestDoubleTapActsOnce: a second tap on a button that has just acted gets
// only a notice, and changes nothing.
func TestDoubleTapActsOnce(t *testing.T) {
	for _, u := range uis() {
		cases := []struct {
			name   string
			before func(d *driver)
			label  string
		}{
			{"Done on the specializations", func(d *driver) {
				d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"))
			}, u.done},
			{"Yes", func(d *driver) {
				d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done))
			}, u.yes},
			{"Done on a certificates checklist", func(d *driver) {
				d.play(infraScript(u, "Acme", "12 000 000", u.passed)[:9]...)
				d.play(typ("Anna"), press(u.cse))
			}, u.done},
			{"Show the verdict", func(d *driver) {
				d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			}, u.verdict},
			{"Check again", func(d *driver) {
				d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
				d.press(u.verdict)
			}, u.checkAgain},
		}
		for _, tc := range cases {
			t.Run(u.lang+"/"+tc.name, func(t *testing.T) {
				d := newDriver(t, u.lang)
				tc.before(d)
				b := d.find(tc.label)
				first := d.send(Input{Button: b.Data})
				require.NotEmpty(t, first.Messages, "the first tap acts")
				s := d.s
				out := d.send(Input{Button: b.Data})
				assert.Empty(t, out.Messages, "the second tap sends nothing")
				assert.Equal(t, u.alreadyNotice, out.Notice)
				assert.Nil(t, out.Report)
				assert.Equal(t, s.Seq, d.s.Seq)
				assert.Equal(t, s.State, d.s.State)
				assert.Equal(t, s.Key, d.s.Key)
			})
		}
	}
}

// TestAnswerByButtonIsOneEdit: a question answered by a button becomes the
// next question in the same message, the answer's line on top; a typed
// answer gets the next question as a new message, an amount as understood
// on top of it.
func TestAnswerByButtonIsOneEdit(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"))
			out := d.press(u.done)
			require.Len(t, out.Messages, 1, dump(out.Messages))
			m := out.Messages[0]
			assert.True(t, m.Edit && m.Question)
			assert.True(t, strings.HasPrefix(m.Text, "✔️ "+u.specsLabel+": <b>Infrastructure</b>\n\n"), m.Text)
			assert.Contains(t, m.Text, u.agreementQ)

			out = d.press(u.yes)
			require.Len(t, out.Messages, 1, dump(out.Messages))
			assert.True(t, out.Messages[0].Edit)
			assert.True(t, strings.HasPrefix(out.Messages[0].Text, "✔️ "+u.agreementLabel+": <b>"+u.yes+"</b>\n\n"), out.Messages[0].Text)

			d.play(press(u.yes), typ("1"))
			out = d.typ("12 000 000")
			require.Len(t, out.Messages, 1, dump(out.Messages))
			assert.False(t, out.Messages[0].Edit, "a typed answer gets a new question")
			assert.True(t, strings.HasPrefix(out.Messages[0].Text, "✔️ "+u.consumptionLabel+": <b>"), out.Messages[0].Text)

			// Back, from a question answered by a button, is one edit too.
			out = d.press(u.back)
			require.Len(t, out.Messages, 1, dump(out.Messages))
			assert.True(t, out.Messages[0].Edit)
		})
	}
}

// TestWelcomeLanguageIsSwitchedInPlace: the welcome's language button shows
// the welcome again in the other language, in the same message; the
// language chooser says what was chosen, without its buttons.
func TestWelcomeLanguageIsSwitchedInPlace(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			other := map[string]string{"en": "🇷🇺 Русский", "ru": "🇬🇧 English"}[u.lang]
			b, ok := findButton(d.out.Messages, other)
			require.True(t, ok, dump(d.out.Messages))
			out := d.send(Input{Button: b.Data})
			require.Len(t, out.Messages, 1)
			assert.True(t, out.Messages[0].Edit)
			assert.NotEmpty(t, out.Messages[0].Buttons, "the welcome keeps its buttons, in the new language")
			assert.NotEqual(t, u.lang, d.s.Lang)

			d.cmd("language")
			out = d.press("English")
			require.Len(t, out.Messages, 1)
			assert.True(t, out.Messages[0].Edit)
			assert.Empty(t, out.Messages[0].Buttons)
		})
	}
}

// TestVerdictKeepsItsButtons: the verdict's buttons stay useful when newer
// ones come.
func TestVerdictKeepsItsButtons(t *testing.T) {
	d := newDriver(t, "en")
	d.play(infraScript(uiEN, "Acme", "12 000 000", uiEN.passed)...)
	out := d.press(uiEN.verdict)
	i := slices.IndexFunc(out.Messages, func(m Message) bool { return strings.Contains(m.Text, "🗓") })
	require.GreaterOrEqual(t, i, 0)
	assert.True(t, out.Messages[i].Keep)
}

// TestCancelledPromptGivesTheQuestionBack: the prompt for a note to the
// manager, cancelled during a check, turns back into the question it
// interrupted, buttons and all.
func TestCancelledPromptGivesTheQuestionBack(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.env.ContactConfigured = true
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done))
			d.cmd("manager")
			out := d.press(u.cancel)
			require.Len(t, out.Messages, 1, dump(out.Messages))
			assert.True(t, out.Messages[0].Edit && out.Messages[0].Question)
			assert.Contains(t, out.Messages[0].Text, u.agreementQ)
			assert.NotEmpty(t, out.Messages[0].Buttons)
		})
	}
}
