package dialogs

import (
	"strings"
	"unicode/utf8"
)

// maxFolded bounds a question with the lines folded on top of it, under
// Telegram's 4096 characters.
const maxFolded = 4000

// fold turns the replies of one input into as few Bot API calls as still
// read well, before they are stored:
//
//   - a question answered by a button becomes the next question in the
//     same message, with the answer's line on top ("✔️ Yes", then the next
//     question): the answer costs one edit, not an edit and a send;
//   - the notes that lead to a new question (an amount as understood, a
//     hint, why a button was stale) go on top of it instead of in a message
//     of their own;
//   - a typed answer's echo becomes that top line too: the partner's own
//     message shows the answer, and the question answered needs only its
//     buttons removed.
//
// An edit of another message than the one pressed (the language chooser's,
// pressed during a check) stays as it is.
func (t *turn) fold() {
	msgs := t.out.Messages
	defer func() {
		for i := range t.out.Messages {
			t.out.Messages[i].trace = ""
		}
	}()
	k := -1
	for i, m := range msgs {
		if m.Question && !m.Edit {
			k = i
			break
		}
	}
	if k < 0 {
		return
	}
	start := k
	for start > 0 {
		m := msgs[start-1]
		if len(m.Buttons) > 0 || m.Question {
			break
		}
		if m.Edit {
			if t.onQuestion || m.trace != "" && !t.byButton {
				start--
			}
			break
		}
		start--
	}
	q := msgs[k]
	var lead []string
	for _, m := range msgs[start:k] {
		switch {
		case m.Edit && m.trace != "":
			lead = append(lead, m.trace)
		default:
			lead = append(lead, m.Text)
		}
	}
	text := strings.Join(append(lead, q.Text), "\n\n")
	if utf8.RuneCountInString(text) > maxFolded {
		return
	}
	edit := t.onQuestion
	for _, m := range msgs[:start] {
		if m.Edit {
			edit = false // the message pressed was edited already
		}
	}
	q.Text, q.Edit = text, edit
	out := append(append(msgs[:start:start], q), msgs[k+1:]...)
	t.out.Messages = out
}
