package dialogs

import (
	"fmt"
	"strings"
	"testing"
)

// TestDialogGolden pins the messages a partner reads through one check, per
// language: every question kind (the specializations checklist, yes/no, a
// count, an amount, the interview choice, an employee's name and the
// certificates checklist), the summary and the verdict
// (go test ./dialogs -run TestDialogGolden -update).
func TestDialogGolden(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			var b strings.Builder
			transcript(&b, "/start", d.out.Messages)
			script := append(infraScript(u, "Acme", "12 500 000,75", u.passed), press(u.verdict))
			for _, a := range script {
				d.play(a)
				what := "press " + a.press
				if a.press == "" {
					what = "type " + a.typ
				}
				transcript(&b, what, d.out.Messages)
			}
			golden(t, "dialog_"+u.lang+".golden", b.String())
		})
	}
}

// transcript writes what the partner did and the messages the bot answered
// with, each with its buttons by label.
func transcript(b *strings.Builder, what string, msgs []Message) {
	fmt.Fprintf(b, "==> %s\n", what)
	for _, m := range msgs {
		mark := "new"
		if m.Edit {
			mark = "edit"
		}
		fmt.Fprintf(b, "--- %s\n%s\n", mark, m.Text)
		for _, row := range m.Buttons {
			labels := make([]string, len(row))
			for i, btn := range row {
				labels[i] = "[" + btn.Label + "]"
			}
			b.WriteString(strings.Join(labels, " ") + "\n")
		}
	}
	b.WriteString("\n")
}
