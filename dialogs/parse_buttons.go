package dialogs

import (
	"strings"
	"unicode"
)

// typedForms are the words partners type instead of pressing a button, in
// both languages, with the actions they may stand for in order of
// preference: the first one the current question offers is pressed.
var typedForms = map[string][]string{}

func init() {
	add := func(acts []string, words ...string) {
		for _, w := range words {
			typedForms[normalizeTyped(w)] = acts
		}
	}
	add([]string{actUnknown},
		"i don't know", "i dont know", "i do not know", "don't know", "dont know", "idk", "dunno", "no idea",
		"not sure", "unsure", "unknown", "skip", "pass",
		"не знаю", "незнаю", "не уверен", "не уверена", "неизвестно", "без понятия", "не помню", "хз",
		"пропустить", "пропусти", "пропуск")
	add([]string{actBack}, "back", "go back", "previous", "назад", "вернуться", "обратно")
	add([]string{actCancel}, "cancel", "pause", "отмена", "отменить", "пауза")
	add([]string{actDone}, "done", "finish", "finished", "that's all", "thats all", "готово", "это все", "это всё", "закончить")
	add([]string{actKeep, actKeepAll, actDone}, "keep", "keep it", "same", "as is", "unchanged", "оставить", "оставь", "оставить как есть",
		"как есть", "как было", "без изменений", "не менять")
	add([]string{actKeepAll}, "keep all", "keep everything", "оставить все", "оставить всё", "все как было", "всё как было")
	add([]string{actContinue}, "continue", "go on", "next", "продолжить", "продолжай", "дальше")
	add([]string{actStop}, "stop", "stop here", "стоп", "хватит", "остановиться")
	add([]string{actAll}, "all", "all of them", "every", "все", "всё", "все специализации")
	add([]string{actVerdict}, "verdict", "show the verdict", "result", "вердикт", "показать вердикт", "результат")
	add([]string{actAdd}, "add", "add another", "another", "one more", "ещё", "еще", "добавить", "добавить ещё", "ещё один")
	add([]string{actNone}, "none", "nobody", "no one", "no employees", "никого", "нет сотрудников")
	// A plain no: no employees on an empty list, Done on a list or a
	// checklist (no more, no other certificate).
	add([]string{actNone, actDone}, "no", "нет", "nope")
}

// normalizeTyped lowers a typed answer, folds ё into е and the typographic
// apostrophe into the plain one, and drops the punctuation and spaces
// around it.
func normalizeTyped(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("ё", "е", "’", "'", "`", "'").Replace(s)
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) && r != '\'' || unicode.IsSpace(r) })
	return strings.Join(strings.Fields(s), " ")
}

// typedActions returns the actions a typed answer may stand for, or nil.
func typedActions(txt string) []string {
	return typedForms[normalizeTyped(txt)]
}

// typedButton presses the button of the question on screen that a typed
// word stands for ("back", «не знаю»), and reports whether it did.
func (t *turn) typedButton(txt string) bool {
	acts := typedActions(txt)
	if len(acts) == 0 {
		return false
	}
	s := t.s()
	var m Message
	switch s.State {
	case Checking:
		m = t.question()
	case Summary:
		m = t.summary()
	default:
		return false
	}
	for _, act := range acts {
		for _, row := range m.Buttons {
			for _, b := range row {
				cb, ok := parseCallback(b.Data)
				if ok && cb.global == "" && cb.seq == s.Seq && cb.act == act && cb.arg == "" {
					t.button(b.Data)
					return true
				}
			}
		}
	}
	return false
}
