package bot

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
)

// The end-to-end tests cannot reach a single line longer than a Telegram
// message any more (the dialogs cut long employee lists), so the cutting of
// such a line is pinned here, on the function every send goes through.

var (
	tagRE    = regexp.MustCompile(`<(/?)([a-z]+)[^>]*>`)
	entityRE = regexp.MustCompile(`&(lt|gt|amp|quot|#[0-9]+);`)
)

// wellFormed reports what Telegram's HTML parse mode would refuse in a part:
// an unbalanced tag, a tag or an entity cut in half.
func wellFormed(part string) string {
	var open []string
	for _, m := range tagRE.FindAllStringSubmatch(part, -1) {
		if m[1] == "" {
			open = append(open, m[2])
			continue
		}
		if len(open) == 0 || open[len(open)-1] != m[2] {
			return "unbalanced </" + m[2] + ">"
		}
		open = open[:len(open)-1]
	}
	if len(open) > 0 {
		return "unclosed <" + strings.Join(open, "><") + ">"
	}
	rest := tagRE.ReplaceAllString(part, "")
	if strings.ContainsAny(rest, "<>") {
		return "a tag cut in half"
	}
	if strings.Count(rest, "&") != len(entityRE.FindAllString(rest, -1)) {
		return "an entity cut in half"
	}
	return ""
}

// visibleUnits counts a part as Telegram does: the text after HTML parsing,
// in UTF-16 code units.
func visibleUnits(part string) int {
	return len(utf16.Encode([]rune(html.UnescapeString(tagRE.ReplaceAllString(part, "")))))
}

func TestSplitKeepsEveryPartWellFormed(t *testing.T) {
	item := "Konstantin &amp; Sons (Cloud service engineer, <i>GitOps</i>); "
	longLine := "✔️ <b>" + strings.Repeat(item, 5000/len(item)+1) + "</b>"
	cases := map[string]string{
		"paragraphs":                   strings.Repeat("<b>Title</b>\nline &amp; more\n\n", 400),
		"a line longer than a message": "Certified employees\n\n" + longLine,
		"a link in a long line":        strings.Repeat(`<a href="tg://user?id=42">Alice</a> · `, 700),
		"emoji, two units each":        strings.Repeat("🟢 <b>ok</b> ", 1500),
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			parts := split(text, maxMessageRunes)
			assert.Greater(t, len(parts), 1)
			for i, p := range parts {
				assert.LessOrEqual(t, visibleUnits(p), maxMessageRunes, "part %d", i)
				assert.Empty(t, wellFormed(p), "part %d: %.60q…%.60q", i, p, p[max(0, len(p)-60):])
			}
		})
	}
}

// TestUnitsCountAsTelegramDoes: a message's length is counted after HTML
// parsing, in UTF-16 code units: tags count nothing, an entity one
// character, an emoji outside the Basic Multilingual Plane two.
func TestUnitsCountAsTelegramDoes(t *testing.T) {
	for text, want := range map[string]int{
		"plain":                          5,
		"<b>bold</b>":                    4,
		"a &amp; b":                      5,
		"&#128512;":                      2,
		"🟢 ok":                           5,
		"✔️ <i>Да</i>":                   5,
		`<a href="tg://user?id=1">A</a>`: 1,
	} {
		assert.Equal(t, want, units(text), "%q", text)
		assert.Equal(t, visibleUnits(text), units(text), "%q agrees with the parse", text)
	}
}
