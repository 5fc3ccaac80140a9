package telegramtest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyboard encodes rows as Telegram wants them: the library's own encoding
// sends an empty copy_text on every button, which the server refuses.
func keyboard(rows ...[]models.InlineKeyboardButton) json.RawMessage {
	raw, _ := json.Marshal(&models.InlineKeyboardMarkup{InlineKeyboard: rows})
	var kb struct {
		InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
	}
	_ = json.Unmarshal(raw, &kb)
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if ct, _ := b["copy_text"].(map[string]any); ct["text"] == "" {
				delete(b, "copy_text")
			}
		}
	}
	out, _ := json.Marshal(kb)
	return out
}

func TestGetMe(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	me, err := b.GetMe(t.Context())
	require.NoError(t, err)
	assert.Equal(t, int64(123456), me.ID)
	assert.True(t, me.IsBot)
	assert.Equal(t, s.BotUser(), *me)
	assert.Len(t, s.Calls("getMe"), 2) // bot.New checks the token with getMe too
}

func TestSendEditDelete(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	ctx := t.Context()
	kb := keyboard([]models.InlineKeyboardButton{{Text: "Yes", CallbackData: "yes"}, {Text: "Docs", URL: "https://example.org"}})

	first, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "first"})
	require.NoError(t, err)
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: int64(42), Text: "<b>Hi</b> &lt;you&gt;", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	require.NoError(t, err)
	assert.Greater(t, m.ID, first.ID)
	assert.Equal(t, int64(42), m.Chat.ID)
	assert.Equal(t, models.ChatTypePrivate, m.Chat.Type)
	assert.NotZero(t, m.Date)
	assert.Equal(t, "Hi <you>", m.Text, "the API returns the visible text")
	require.NotNil(t, m.ReplyMarkup)
	assert.Equal(t, "yes", m.ReplyMarkup.InlineKeyboard[0][0].CallbackData)

	call := s.Calls("sendMessage")[1]
	assert.Equal(t, "42", call.Params["chat_id"])
	assert.Equal(t, int64(42), call.ChatID())
	assert.Equal(t, "HTML", call.Params["parse_mode"])
	assert.Contains(t, call.Params["reply_markup"], `"callback_data":"yes"`)

	last, found := s.LastMessage(42)
	require.True(t, found)
	assert.Equal(t, Message{
		ID: m.ID, ChatID: 42, Text: "<b>Hi</b> &lt;you&gt;", ParseMode: "HTML",
		Keyboard:    [][]Button{{{Text: "Yes", Data: "yes"}, {Text: "Docs", URL: "https://example.org"}}},
		Method:      "sendMessage",
		ReplyMarkup: call.Params["reply_markup"],
	}, last)

	// Edit text, keeping the keyboard.
	e, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: m.ID, Text: "edited", ReplyMarkup: kb})
	require.NoError(t, err)
	assert.Equal(t, "edited", e.Text)
	assert.NotZero(t, e.EditDate)
	last, _ = s.LastMessage(42)
	assert.Equal(t, "edited", last.Text)
	assert.Equal(t, 1, last.Edits)
	assert.Len(t, last.Keyboard, 1)

	// Same text and markup again: Telegram refuses.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: m.ID, Text: "edited", ReplyMarkup: kb})
	require.ErrorIs(t, err, bot.ErrorBadRequest)
	assert.Contains(t, err.Error(), "Bad Request: message is not modified")
	assert.Equal(t, 400, s.Calls("editMessageText")[1].Code)

	// Editing without reply_markup removes the inline keyboard, like Telegram.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: m.ID, Text: "edited"})
	require.NoError(t, err)
	last, _ = s.LastMessage(42)
	assert.Nil(t, last.Keyboard)
	assert.Equal(t, 2, last.Edits)

	// Reply markup only.
	e, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 42, MessageID: m.ID,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Done", CallbackData: "done"}})})
	require.NoError(t, err)
	assert.Equal(t, "done", e.ReplyMarkup.InlineKeyboard[0][0].CallbackData)
	last, _ = s.LastMessage(42)
	assert.Equal(t, [][]Button{{{Text: "Done", Data: "done"}}}, last.Keyboard)
	assert.Equal(t, "edited", last.Text)
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 42, MessageID: m.ID,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Done", CallbackData: "done"}})})
	assert.ErrorContains(t, err, "message is not modified")

	// Unknown messages.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: 999, Text: "x"})
	require.ErrorIs(t, err, bot.ErrorBadRequest)
	assert.Contains(t, err.Error(), "Bad Request: message to edit not found")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 7, MessageID: m.ID, Text: "x"})
	assert.ErrorContains(t, err, "message to edit not found", "message ids are per chat")

	// Delete.
	okDel, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: m.ID})
	require.NoError(t, err)
	assert.True(t, okDel)
	msgs := s.Messages(42)
	require.Len(t, msgs, 1)
	assert.Equal(t, first.ID, msgs[0].ID)
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: m.ID})
	assert.ErrorContains(t, err, "message to delete not found")
	assert.Empty(t, s.Messages(1000))
}

func TestValidation(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	ctx := t.Context()
	for name, p := range map[string]*bot.SendMessageParams{
		"message text is empty":   {ChatID: 1, Text: " "},
		"message is too long":     {ChatID: 1, Text: strings.Repeat("я", 4097)},
		"can't parse entities":    {ChatID: 1, Text: "<b>bold", ParseMode: models.ParseModeHTML},
		"Unsupported start tag":   {ChatID: 1, Text: "1 < 2", ParseMode: models.ParseModeHTML},
		"Unmatched end tag":       {ChatID: 1, Text: "<b><i>x</b></i>", ParseMode: models.ParseModeHTML},
		"BUTTON_DATA_INVALID":     {ChatID: 1, Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "b", CallbackData: strings.Repeat("d", 65)}})},
		"chat not found":          {ChatID: "@nobody", Text: "x"},
		"can't parse reply keybo": {ChatID: 1, Text: "x", ReplyMarkup: "{"},
		// The library's own markup: an empty copy_text on every button.
		"BUTTON_COPY_TEXT_INVALID": {ChatID: 1, Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{
			InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "b", CallbackData: "b"}}}}},
		"CopyTextButton must be": {ChatID: 1, Text: "x", ReplyMarkup: `{"inline_keyboard":[[{"text":"b","copy_text":"plain"}]]}`},
	} {
		_, err := b.SendMessage(ctx, p)
		require.ErrorIs(t, err, bot.ErrorBadRequest, name)
		assert.ErrorContains(t, err, name)
	}
	assert.Empty(t, s.Messages(1))

	// Accepted: a copy_text of 1-256 characters.
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{
		InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "copy", CopyText: models.CopyTextButton{Text: "SPEC-42"}}}}}})
	require.NoError(t, err)

	// Accepted: 4096 UTF-16 units of visible text, nested tags, reply keyboards.
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "<b>" + strings.Repeat("я", 4096) + "</b>", ParseMode: models.ParseModeHTML})
	require.NoError(t, err)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: `<a href="https://x.org"><b>x</b></a> <pre><code class="language-go">a &lt; b</code></pre>`, ParseMode: models.ParseModeHTML})
	require.NoError(t, err)
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "pick", ReplyMarkup: &models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{{{Text: "A"}}}}})
	require.NoError(t, err)
	assert.Nil(t, m.ReplyMarkup, "reply keyboards do not attach to the message")
	last, _ := s.LastMessage(1)
	assert.Nil(t, last.Keyboard)
	assert.Contains(t, last.ReplyMarkup, `"keyboard"`)
}

func TestOtherMethods(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	ctx := t.Context()

	yes, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 42, Action: models.ChatActionTyping})
	require.NoError(t, err)
	assert.True(t, yes)

	yes, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "start", Description: "Start"}}})
	require.NoError(t, err)
	assert.True(t, yes)
	cmds, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{})
	require.NoError(t, err)
	assert.Equal(t, []models.BotCommand{{Command: "start", Description: "Start"}}, cmds)
	yes, err = b.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{})
	require.NoError(t, err)
	assert.True(t, yes)
	cmds, err = b.GetMyCommands(ctx, &bot.GetMyCommandsParams{})
	require.NoError(t, err)
	assert.Empty(t, cmds)

	yes, err = b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://127.0.0.1/hook"})
	require.NoError(t, err)
	assert.True(t, yes)
	info, err := b.GetWebhookInfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, "https://127.0.0.1/hook", info.URL)
	yes, err = b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true})
	require.NoError(t, err)
	assert.True(t, yes)

	// Answering needs a query id the server issued.
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "nope"})
	assert.ErrorContains(t, err, "query ID is invalid")
}

func TestSendDocument(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	ctx := t.Context()
	content := []byte("id,name\n1,spec\n")
	m, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID:   42,
		Document: &models.InputFileUpload{Filename: "report.csv", Data: bytes.NewReader(content)},
		Caption:  "Your report",
	})
	require.NoError(t, err)
	require.NotNil(t, m.Document)
	assert.Equal(t, "report.csv", m.Document.FileName)
	assert.Equal(t, int64(len(content)), m.Document.FileSize)
	assert.NotEmpty(t, m.Document.FileID)
	assert.Equal(t, "Your report", m.Caption)

	call := s.Calls("sendDocument")[0]
	assert.Equal(t, "report.csv", call.Params["document"])
	assert.Equal(t, content, call.Files["document"])

	last, _ := s.LastMessage(42)
	assert.Equal(t, "sendDocument", last.Method)
	assert.Equal(t, "report.csv", last.File)
	assert.Equal(t, "Your report", last.Caption)

	// Resend by file_id; caption edits work, text edits do not.
	m2, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 42, Document: &models.InputFileString{Data: m.Document.FileID}})
	require.NoError(t, err)
	assert.Equal(t, m.Document.FileID, m2.Document.FileID)
	_, err = b.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{ChatID: 42, MessageID: m.ID, Caption: "v2"})
	require.NoError(t, err)
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: m.ID, Text: "v2"})
	assert.ErrorContains(t, err, "there is no text in the message to edit")
	assert.Equal(t, "v2", s.Messages(42)[0].Caption)

	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 42, Document: &models.InputFileString{}})
	assert.ErrorContains(t, err, "there is no document in the request")
}
