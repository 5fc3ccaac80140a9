package telegramtest

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "tg-emoji": true, "code": true, "pre": true, "blockquote": true,
	"tg-time": true,
}

// checkHTML validates text in Telegram's HTML parse mode (supported tags,
// balanced nesting, '<' escaped) and returns the visible text.
func checkHTML(text string) (string, error) {
	var stack []string
	var plain strings.Builder
	for i := 0; i < len(text); {
		if text[i] != '<' {
			plain.WriteByte(text[i])
			i++
			continue
		}
		rest := text[i+1:]
		if name, closing := strings.CutPrefix(rest, "/"); closing {
			end := strings.IndexByte(name, '>')
			if end < 0 {
				return "", fmt.Errorf("Unclosed end tag at byte offset %d", i)
			}
			name = strings.ToLower(strings.TrimSpace(name[:end]))
			if len(stack) == 0 {
				return "", fmt.Errorf("Unexpected end tag at byte offset %d", i)
			}
			if top := stack[len(stack)-1]; name != top {
				return "", fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
			}
			stack = stack[:len(stack)-1]
			i += 1 + len("/") + end + 1
			continue
		}
		nameLen := strings.IndexAny(rest, " \t\n>")
		if nameLen < 0 {
			nameLen = len(rest)
		}
		name := strings.ToLower(rest[:nameLen])
		if !htmlTags[name] {
			return "", fmt.Errorf("Unsupported start tag %q at byte offset %d", name, i)
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return "", fmt.Errorf("Unclosed start tag at byte offset %d", i)
		}
		stack = append(stack, name)
		i += 1 + end + 1
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("Can't find end tag corresponding to start tag %q", stack[len(stack)-1])
	}
	return html.UnescapeString(plain.String()), nil
}

// parseMarkup reads reply_markup; only inline keyboards attach to a message.
func parseMarkup(raw string) (*models.InlineKeyboardMarkup, string, *reply) {
	if strings.TrimSpace(raw) == "" {
		return nil, "", nil
	}
	bad := badRequest("can't parse reply keyboard markup JSON object")
	var probe map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &probe) != nil {
		return nil, "", &bad
	}
	if _, ok := probe["inline_keyboard"]; !ok {
		return nil, "", nil
	}
	if rep := checkCopyText(probe["inline_keyboard"]); rep != nil {
		return nil, "", rep
	}
	var kb models.InlineKeyboardMarkup
	if json.Unmarshal([]byte(raw), &kb) != nil {
		return nil, "", &bad
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if len(b.CallbackData) > 64 {
				rep := badRequest("BUTTON_DATA_INVALID")
				return nil, "", &rep
			}
		}
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil, "", nil
	}
	key, _ := json.Marshal(kb)
	return &kb, string(key), nil
}

// checkText validates a text or caption like Telegram: entities (HTML only),
// emptiness (when empty != "") and length in UTF-16 units (plain and HTML).
func checkText(text, parseMode string, limit int, empty, tooLong string) *reply {
	visible, checkLen := text, true
	if strings.EqualFold(parseMode, string(models.ParseModeHTML)) {
		var err error
		if visible, err = checkHTML(text); err != nil {
			rep := badRequest("can't parse entities: " + err.Error())
			return &rep
		}
	} else if parseMode != "" {
		checkLen = false // Markdown is not parsed here
	}
	if empty != "" && strings.TrimSpace(visible) == "" {
		rep := badRequest(empty)
		return &rep
	}
	if checkLen && len(utf16.Encode([]rune(visible))) > limit {
		rep := badRequest(tooLong)
		return &rep
	}
	return nil
}

func visibleText(text, parseMode string) string {
	if strings.EqualFold(parseMode, string(models.ParseModeHTML)) {
		if v, err := checkHTML(text); err == nil {
			return v
		}
	}
	return text
}

// checkCopyText refuses a button whose copy_text is present but not an
// object with a text of 1-256 characters, as Telegram does.
func checkCopyText(rows json.RawMessage) *reply {
	var kb [][]map[string]json.RawMessage
	if json.Unmarshal(rows, &kb) != nil {
		rep := badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
		return &rep
	}
	for _, row := range kb {
		for _, b := range row {
			raw, present := b["copy_text"]
			if !present {
				continue
			}
			var ct struct {
				Text *string `json:"text"`
			}
			if json.Unmarshal(raw, &ct) != nil || ct.Text == nil {
				rep := badRequest("can't parse inline keyboard button: CopyTextButton must be an Object")
				return &rep
			}
			if n := utf8.RuneCountInString(*ct.Text); n < 1 || n > 256 {
				rep := badRequest("BUTTON_COPY_TEXT_INVALID")
				return &rep
			}
		}
	}
	return nil
}
