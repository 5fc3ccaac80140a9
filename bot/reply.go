package bot

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/dialogs"
)

// maxMessageRunes is Telegram's limit on a message text.
const maxMessageRunes = 4096

// keyboard turns dialog buttons into an inline keyboard; nil for none.
func keyboard(rows [][]dialogs.Button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := make([][]inlineButton, 0, len(rows))
	for _, row := range rows {
		r := make([]inlineButton, 0, len(row))
		for _, btn := range row {
			if btn.WebApp != "" {
				r = append(r, inlineButton{Text: btn.Label, WebApp: &models.WebAppInfo{URL: btn.WebApp}})
				continue
			}
			if btn.URL != "" {
				r = append(r, inlineButton{Text: btn.Label, URL: btn.URL})
				continue
			}
			r = append(r, inlineButton{Text: btn.Label, CallbackData: btn.Data})
		}
		kb = append(kb, r)
	}
	return &inlineMarkup{InlineKeyboard: kb}
}

// inlineMarkup is our own encoding of an inline keyboard: the library's
// models.InlineKeyboardButton serialises "copy_text":{"text":""} on every
// button, which Telegram refuses (a copy_text needs 1-256 characters).
// Only the fields set are sent.
type inlineMarkup struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string             `json:"text"`
	URL          string             `json:"url,omitempty"`
	CallbackData string             `json:"callback_data,omitempty"`
	WebApp       *models.WebAppInfo `json:"web_app,omitempty"`
}

var noKeyboard = &inlineMarkup{InlineKeyboard: [][]inlineButton{}}

// reply sends a turn's messages. An Edit message replaces the pressed
// message (or the current question when the answer was typed); an edited
// question stays the chat's current question, in the same message. A newer
// keyboard supersedes the older ones, so no dead buttons stay on screen: a
// new question leaves the previous question without its keyboard, and any
// new keyboard does the same to the last menu (the welcome, the language
// chooser, an offer to continue). The verdict's buttons (Keep) stay.
//
// The new question's id is remembered in memory and stored with the
// session at the chat's next turn, which saves a disk write per update; the
// last menu's id is kept in memory only.
//
// reply stops at the first message Telegram did not take (other than a
// partner who blocked the bot) and returns how many were delivered, so that
// the outbox keeps the rest, in order, for a later attempt.
func (b *Bot) reply(ctx context.Context, chatID int64, msgs []dialogs.Message, pressed, anchor int, forgotten bool) int {
	if forgotten {
		b.anchors.forget(chatID)
	}
	menu := b.anchors.menu(chatID)
	edited := 0
	// retire removes the keyboard of a message a newer one superseded.
	retire := func(id, now int) {
		if id != 0 && id != edited && id != now {
			b.clearKeyboard(ctx, chatID, id)
		}
	}
	for i, m := range msgs {
		if m.Edit {
			target := pressed
			if target == 0 {
				target = anchor
			}
			if target != 0 && b.edit(ctx, chatID, target, m) {
				edited = target
				if !m.Question && target == anchor {
					// The question became something else (a pause, a
					// record of the answers): no keyboard of a question is
					// left to remove there.
					anchor = 0
					if !forgotten {
						b.anchors.note(chatID, 0)
					}
				}
				switch {
				case m.Question:
					if anchor != target {
						retire(anchor, target)
						anchor = target
						if !forgotten {
							b.anchors.note(chatID, target)
						}
					}
					if menu == target {
						menu = 0
					}
				case len(m.Buttons) > 0 && !m.Keep:
					if menu != anchor {
						retire(menu, target)
					}
					menu = target
				case menu == target:
					menu = 0
				}
				continue
			}
			if len(m.Buttons) == 0 && pressed == 0 {
				continue // an answer echo with nothing to edit: the partner's own message shows it
			}
		}
		id, ok := b.sendOK(ctx, chatID, m)
		if !ok {
			b.anchors.setMenu(chatID, menu)
			return i
		}
		if m.Supersedes && pressed != anchor && pressed != menu {
			retire(pressed, id) // a dead keyboard the partner just found
		}
		if id == 0 || m.Keep || len(m.Buttons) == 0 && !m.Question {
			continue
		}
		if menu != anchor {
			retire(menu, id)
		}
		menu = 0
		if m.Question {
			retire(anchor, id)
			anchor = id
			if !forgotten {
				b.anchors.note(chatID, id)
			}
		} else {
			menu = id
		}
	}
	b.anchors.setMenu(chatID, menu)
	return len(msgs)
}

// sendOK posts a message, split at paragraph boundaries when it is too long
// for Telegram (the buttons go with the last part), and returns the id of
// the last part (0 on failure; a 403 marks the partner unreachable) and
// whether the message is settled: sent, or refused for good (the partner
// blocked the bot, or Telegram rejects the request as malformed); false
// means worth another attempt later.
func (b *Bot) sendOK(ctx context.Context, chatID int64, m dialogs.Message) (int, bool) {
	id, err := b.sendText(ctx, chatID, m.Text, keyboard(m.Buttons), true)
	if err != nil {
		b.log.Warn("send message", "chat_id", chatID, "err", b.redact(err))
		switch apiCode(err) {
		case "403":
			_ = b.app.SetUnreachable(ctx, chatID, true)
			return 0, true
		case "400":
			return 0, true
		}
		if ambiguous(err) {
			// The request went out and may have been applied: sending it
			// again could show the partner the same message twice.
			return 0, true
		}
		return 0, false
	}
	return id, true
}

// sendText posts HTML text in as many parts as Telegram's limit needs, the
// markup on the last, and returns the last part's id. With retry, each part
// is retried as call does; without, the first error is returned as is.
func (b *Bot) sendText(ctx context.Context, chatID int64, text string, markup models.ReplyMarkup, retry bool) (int, error) {
	parts := split(text, maxMessageRunes)
	id := 0
	for i, part := range parts {
		params := &tgbot.SendMessageParams{
			ChatID: chatID, Text: part, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		}
		if i == len(parts)-1 {
			params.ReplyMarkup = markup
		}
		var sent *models.Message
		sendOnce := func(ctx context.Context) error {
			if err := b.pace.wait(ctx, chatID); err != nil {
				return err
			}
			var err error
			sent, err = b.tg.SendMessage(ctx, params)
			return err
		}
		var err error
		if retry {
			err = b.call(ctx, "sendMessage", sendOnce)
		} else if err = sendOnce(ctx); err != nil {
			b.metrics.APIErrors.WithLabelValues("sendMessage", apiCode(err)).Inc()
		}
		if err != nil {
			return 0, err
		}
		id = sent.ID
	}
	return id, nil
}

// edit replaces a message's text and keyboard; false when Telegram refused
// (too old, deleted), so that the caller sends a new message instead.
func (b *Bot) edit(ctx context.Context, chatID int64, msgID int, m dialogs.Message) bool {
	if units(m.Text) > maxMessageRunes {
		return false
	}
	params := &tgbot.EditMessageTextParams{
		ChatID: chatID, MessageID: msgID, Text: m.Text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		ReplyMarkup:        keyboard(m.Buttons),
	}
	if params.ReplyMarkup == nil {
		params.ReplyMarkup = noKeyboard
	}
	err := b.call(ctx, "editMessageText", func(ctx context.Context) error {
		_, err := b.tg.EditMessageText(ctx, params)
		return err
	})
	if err == nil || isNotModified(err) {
		return true
	}
	b.log.Info("edit refused, sending anew", "chat_id", chatID, "message_id", msgID, "err", b.redact(err))
	return false
}

// clearKeyboard removes the buttons of a question answered by typing.
func (b *Bot) clearKeyboard(ctx context.Context, chatID int64, msgID int) {
	err := b.call(ctx, "editMessageReplyMarkup", func(ctx context.Context) error {
		_, err := b.tg.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: msgID, ReplyMarkup: noKeyboard})
		return err
	})
	if err != nil && !isNotModified(err) {
		b.log.Debug("clear keyboard", "chat_id", chatID, "message_id", msgID, "err", b.redact(err))
	}
}

// split cuts a text into parts of at most limit runes, at blank lines when
// it can, then at line ends, then anywhere. Our HTML tags never span lines,
// so every part stays well-formed.
func split(text string, limit int) []string {
	if units(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n"); s != "" {
			parts = append(parts, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, para := range strings.SplitAfter(text, "\n\n") {
		for _, piece := range pieces(para, limit) {
			n := units(piece)
			if curLen+n > limit {
				flush()
			}
			cur.WriteString(piece)
			curLen += n
		}
	}
	flush()
	return parts
}

// pieces breaks a paragraph longer than limit at line ends, then a line
// still too long between tags and entities (at a space when it can); the
// tags open at a cut are closed at the end of the piece and opened again at
// the start of the next, so that every piece is valid HTML on its own.
func pieces(para string, limit int) []string {
	if units(para) <= limit {
		return []string{para}
	}
	var out []string
	for _, line := range strings.SplitAfter(para, "\n") {
		out = append(out, cutLine(line, limit)...)
	}
	return out
}

// units is the length of HTML text as Telegram counts it: in UTF-16 code
// units of the text after entity parsing, so a tag counts nothing, an
// entity one character and an emoji outside the Basic Multilingual Plane
// two.
func units(s string) int {
	n := 0
	if !strings.ContainsAny(s, "<&") {
		for _, r := range s {
			n += utf16.RuneLen(r)
		}
		return n
	}
	for len(s) > 0 {
		t, end := nextToken(s)
		n += t.n
		s = s[end:]
	}
	return n
}

// token is a tag, an entity or one rune of a line.
type token struct {
	s       string
	n       int    // UTF-16 units it shows as
	tag     string // tag name, "" for text
	closing bool
}

func tokenize(line string) []token {
	var out []token
	for len(line) > 0 {
		t, end := nextToken(line)
		out = append(out, t)
		line = line[end:]
	}
	return out
}

// nextToken is the token line starts with and its length in bytes.
func nextToken(line string) (token, int) {
	end := 0
	switch line[0] {
	case '<':
		end = strings.IndexByte(line, '>') + 1
	case '&':
		if i := strings.IndexByte(line, ';'); i > 0 && i < 12 {
			end = i + 1
		}
	}
	if end <= 0 {
		var r rune
		r, end = utf8.DecodeRuneInString(line)
		// Plain text, the most of any message, needs no more look.
		return token{s: line[:end], n: max(utf16.RuneLen(r), 1)}, end
	}
	t := token{s: line[:end]}
	switch {
	case line[0] == '<' && end > 2:
		name := strings.TrimPrefix(t.s[1:end-1], "/")
		name, _, _ = strings.Cut(name, " ")
		t.tag, t.closing = name, t.s[1] == '/'
	case line[0] == '&' && end > 2:
		t.n = entityUnits(t.s)
	default:
		r, _ := utf8.DecodeRuneInString(t.s)
		t.n = max(utf16.RuneLen(r), 1)
	}
	return t, end
}

// openAfter is the stack of opening tags still open after toks.
func openAfter(stack []token, toks ...token) []token {
	stack = append([]token(nil), stack...)
	for _, t := range toks {
		switch {
		case t.tag == "":
		case !t.closing:
			stack = append(stack, t)
		case len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	return stack
}

// entityUnits is what an HTML entity shows as: one character, two units
// for a numeric one outside the Basic Multilingual Plane.
func entityUnits(e string) int {
	if num, ok := strings.CutPrefix(strings.TrimSuffix(e, ";"), "&#"); ok {
		base := 10
		if h, isHex := strings.CutPrefix(strings.ToLower(num), "x"); isHex {
			num, base = h, 16
		}
		if v, err := strconv.ParseInt(num, base, 32); err == nil && v > 0xFFFF {
			return 2
		}
	}
	return 1
}

// closeTags closes the open tags; tags show as nothing, so the units they
// add, the second result, are 0.
func closeTags(stack []token) (string, int) {
	var b strings.Builder
	for i := len(stack) - 1; i >= 0; i-- {
		b.WriteString("</" + stack[i].tag + ">")
	}
	return b.String(), 0
}

// cutLine cuts one line into balanced pieces of at most limit runes.
func cutLine(line string, limit int) []string {
	toks := tokenize(line)
	var out []string
	var carry []token // tags reopened at the start of the piece
	for len(toks) > 0 {
		stack := carry
		n := 0
		for _, t := range carry {
			n += t.n
		}
		end, space := 0, -1
		for end < len(toks) {
			next := openAfter(stack, toks[end])
			_, closing := closeTags(next)
			if n+toks[end].n+closing > limit {
				break
			}
			n += toks[end].n
			stack = next
			if toks[end].s == " " {
				space = end
			}
			end++
		}
		if end < len(toks) && space >= 0 {
			end = space + 1
		}
		end = max(end, 1)
		var b strings.Builder
		for _, t := range append(append([]token(nil), carry...), toks[:end]...) {
			b.WriteString(t.s)
		}
		stack = openAfter(carry, toks[:end]...)
		closing, _ := closeTags(stack)
		out = append(out, b.String()+closing)
		carry, toks = stack, toks[end:]
	}
	return out
}
