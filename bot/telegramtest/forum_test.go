package telegramtest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const forumID = int64(-1001234567890)

var manager = models.User{ID: 77, FirstName: "Maria", Username: "maria"}

func TestForumTopicLifecycle(t *testing.T) {
	s := NewServer(t, testToken)
	s.MakeForum(forumID, "Managers")
	b := newBot(t, s)
	ctx := t.Context()

	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "Acme · new", IconColor: 0xFF93B2})
	require.NoError(t, err)
	assert.NotZero(t, topic.MessageThreadID)
	assert.Equal(t, "Acme · new", topic.Name)
	assert.Equal(t, 0xFF93B2, topic.IconColor)
	other, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "Globex"})
	require.NoError(t, err)
	assert.Equal(t, TopicColors[0], other.IconColor, "a default color when none is given")
	assert.Greater(t, other.MessageThreadID, topic.MessageThreadID)

	got, found := s.TopicByID(forumID, topic.MessageThreadID)
	require.True(t, found)
	assert.Equal(t, Topic{ChatID: forumID, ThreadID: topic.MessageThreadID, Name: "Acme · new", IconColor: 0xFF93B2, ByBot: true}, got)
	assert.Len(t, s.Topics(forumID), 2)

	// The card goes into the topic, and comes back as Telegram renders topic messages.
	card, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, Text: "<b>Acme</b> asks for contact", ParseMode: models.ParseModeHTML})
	require.NoError(t, err)
	assert.Equal(t, topic.MessageThreadID, card.MessageThreadID)
	assert.True(t, card.IsTopicMessage)
	assert.True(t, card.Chat.IsForum)
	require.NotNil(t, card.ReplyToMessage, "a topic message implicitly replies to the topic's service message")
	assert.Equal(t, topic.MessageThreadID, card.ReplyToMessage.ID)
	require.NotNil(t, card.ReplyToMessage.ForumTopicCreated)
	assert.Equal(t, "Acme · new", card.ReplyToMessage.ForumTopicCreated.Name)
	assert.Equal(t, s.BotUser().ID, card.ReplyToMessage.From.ID)

	doc, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID,
		Document: &models.InputFileUpload{Filename: "facts.json", Data: bytes.NewReader([]byte("{}"))}})
	require.NoError(t, err)
	assert.Equal(t, topic.MessageThreadID, doc.MessageThreadID)
	photo, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: forumID, MessageThreadID: other.MessageThreadID, Photo: &models.InputFileString{Data: "photo-id"}})
	require.NoError(t, err)
	assert.Equal(t, other.MessageThreadID, photo.MessageThreadID)
	flat, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forumID, Text: "to General"})
	require.NoError(t, err)
	assert.Zero(t, flat.MessageThreadID)
	assert.False(t, flat.IsTopicMessage)
	assert.Nil(t, flat.ReplyToMessage)

	inTopic := s.TopicMessages(forumID, topic.MessageThreadID)
	require.Len(t, inTopic, 2)
	assert.Equal(t, card.ID, inTopic[0].ID)
	assert.Equal(t, doc.ID, inTopic[1].ID)
	assert.Len(t, s.Messages(forumID), 4, "topic service messages are not the bot's messages")

	// A reply given through reply_parameters lands in the replied message's topic.
	reply, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forumID, Text: "taken", ReplyParameters: &models.ReplyParameters{MessageID: card.ID}})
	require.NoError(t, err)
	assert.Equal(t, topic.MessageThreadID, reply.MessageThreadID)

	// Rename, close, reopen.
	yes, err := b.EditForumTopic(ctx, &bot.EditForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, Name: "Acme · taken by Maria"})
	require.NoError(t, err)
	assert.True(t, yes)
	_, err = b.EditForumTopic(ctx, &bot.EditForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, IconCustomEmojiID: "5312536423851630001"})
	require.NoError(t, err)
	got, _ = s.TopicByID(forumID, topic.MessageThreadID)
	assert.Equal(t, "Acme · taken by Maria", got.Name)
	assert.Equal(t, "5312536423851630001", got.IconCustomEmojiID)
	assert.Equal(t, 2, got.Edits)

	_, err = b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID})
	require.NoError(t, err)
	got, _ = s.TopicByID(forumID, topic.MessageThreadID)
	assert.True(t, got.Closed)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, Text: "admins may post in closed topics"})
	require.NoError(t, err)
	_, err = b.ReopenForumTopic(ctx, &bot.ReopenForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID})
	require.NoError(t, err)
	got, _ = s.TopicByID(forumID, topic.MessageThreadID)
	assert.False(t, got.Closed)
}

func TestForumTopicValidation(t *testing.T) {
	s := NewServer(t, testToken)
	s.MakeForum(forumID, "Managers")
	const noRights = int64(-1009999999999)
	s.MakeForum(noRights, "No rights")
	s.SetCanManageTopics(noRights, false)
	b := newBot(t, s)
	ctx := t.Context()

	own, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "own"})
	require.NoError(t, err)
	closed, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "closed"})
	require.NoError(t, err)
	_, err = b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: forumID, MessageThreadID: closed.MessageThreadID})
	require.NoError(t, err)
	usersTopic := s.AddTopic(noRights, manager, "made by Maria")
	s.SetTopicClosed(noRights, usersTopic, true)

	create := map[string]struct {
		params *bot.CreateForumTopicParams
		want   string
	}{
		"basic group":          {&bot.CreateForumTopicParams{ChatID: -5, Name: "x"}, "Bad Request: the chat is not a forum"},
		"supergroup, no forum": {&bot.CreateForumTopicParams{ChatID: -1005555555555, Name: "x"}, "Bad Request: the chat is not a forum"},
		"private chat":         {&bot.CreateForumTopicParams{ChatID: 42, Name: "x"}, "Bad Request: the chat is not a forum"},
		"no right":             {&bot.CreateForumTopicParams{ChatID: noRights, Name: "x"}, "Bad Request: not enough rights to create a topic"},
		"empty name":           {&bot.CreateForumTopicParams{ChatID: forumID, Name: ""}, "Bad Request: title must be non-empty"},
		"blank name":           {&bot.CreateForumTopicParams{ChatID: forumID, Name: " \t "}, "Bad Request: title must be non-empty"},
		"color not allowed":    {&bot.CreateForumTopicParams{ChatID: forumID, Name: "x", IconColor: 0x123456}, "Bad Request: invalid icon color specified"},
		"negative color":       {&bot.CreateForumTopicParams{ChatID: forumID, Name: "x", IconColor: -1}, "Bad Request: invalid icon color specified"},
		"no chat":              {&bot.CreateForumTopicParams{ChatID: "", Name: "x"}, "Bad Request: chat_id is empty"},
	}
	for name, tc := range create {
		t.Run("create/"+name, func(t *testing.T) {
			_, err := b.CreateForumTopic(ctx, tc.params)
			require.ErrorIs(t, err, bot.ErrorBadRequest)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	assert.Len(t, s.Topics(forumID), 2, "refused calls create nothing")

	// Telegram cuts a long name to 128 characters instead of refusing it.
	long, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: strings.Repeat("я", 200)})
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("я", 128), long.Name)
	for _, color := range TopicColors {
		_, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "c", IconColor: color})
		require.NoError(t, err, "color %#x", color)
	}

	type topicCall struct {
		method string
		params any
		want   string
	}
	edit := func(chat any, id int, name string) topicCall {
		return topicCall{"editForumTopic", &bot.EditForumTopicParams{ChatID: chat, MessageThreadID: id, Name: name}, ""}
	}
	closeT := func(chat any, id int) topicCall {
		return topicCall{"closeForumTopic", &bot.CloseForumTopicParams{ChatID: chat, MessageThreadID: id}, ""}
	}
	reopen := func(chat any, id int) topicCall {
		return topicCall{"reopenForumTopic", &bot.ReopenForumTopicParams{ChatID: chat, MessageThreadID: id}, ""}
	}
	want := func(c topicCall, desc string) topicCall { c.want = desc; return c }
	for name, tc := range map[string]topicCall{
		"edit: not a forum":          want(edit(-5, own.MessageThreadID, "x"), "Bad Request: the chat is not a forum"),
		"edit: no thread id":         want(edit(forumID, 0, "x"), "Bad Request: invalid forum topic identifier specified"),
		"edit: unknown topic":        want(edit(forumID, 99999, "x"), "Bad Request: TOPIC_ID_INVALID"),
		"edit: same name":            want(edit(forumID, own.MessageThreadID, "own"), "Bad Request: TOPIC_NOT_MODIFIED"),
		"edit: blank name":           want(edit(forumID, own.MessageThreadID, "   "), "Bad Request: title must be non-empty"),
		"edit: someone else's topic": want(edit(noRights, usersTopic, "x"), "Bad Request: not enough rights to edit the topic"),
		"close: not a forum":         want(closeT(42, own.MessageThreadID), "Bad Request: the chat is not a forum"),
		"close: no thread id":        want(closeT(forumID, 0), "Bad Request: invalid forum topic identifier specified"),
		"close: unknown topic":       want(closeT(forumID, 99999), "Bad Request: TOPIC_ID_INVALID"),
		"close: already closed":      want(closeT(forumID, closed.MessageThreadID), "Bad Request: TOPIC_NOT_MODIFIED"),
		"close: someone else's":      want(closeT(noRights, usersTopic), "Bad Request: not enough rights to close or open the topic"),
		"reopen: not a forum":        want(reopen(-5, own.MessageThreadID), "Bad Request: the chat is not a forum"),
		"reopen: unknown topic":      want(reopen(forumID, 99999), "Bad Request: TOPIC_ID_INVALID"),
		"reopen: already open":       want(reopen(forumID, own.MessageThreadID), "Bad Request: TOPIC_NOT_MODIFIED"),
		"reopen: someone else's":     want(reopen(noRights, usersTopic), "Bad Request: not enough rights to close or open the topic"),
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			switch p := tc.params.(type) {
			case *bot.EditForumTopicParams:
				_, err = b.EditForumTopic(ctx, p)
			case *bot.CloseForumTopicParams:
				_, err = b.CloseForumTopic(ctx, p)
			case *bot.ReopenForumTopicParams:
				_, err = b.ReopenForumTopic(ctx, p)
			}
			require.ErrorIs(t, err, bot.ErrorBadRequest)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	got, _ := s.TopicByID(forumID, own.MessageThreadID)
	assert.Equal(t, "own", got.Name)
	assert.Zero(t, got.Edits)

	// An edit that asks for nothing succeeds without changing anything.
	yes, err := b.EditForumTopic(ctx, &bot.EditForumTopicParams{ChatID: forumID, MessageThreadID: own.MessageThreadID})
	require.NoError(t, err)
	assert.True(t, yes)

	// Without can_manage_topics the bot still manages the topics it created.
	s.SetCanManageTopics(forumID, false)
	_, err = b.EditForumTopic(ctx, &bot.EditForumTopicParams{ChatID: forumID, MessageThreadID: own.MessageThreadID, Name: "renamed"})
	require.NoError(t, err)
	_, err = b.ReopenForumTopic(ctx, &bot.ReopenForumTopicParams{ChatID: forumID, MessageThreadID: closed.MessageThreadID})
	require.NoError(t, err)
	_, err = b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "x"})
	assert.ErrorContains(t, err, "Bad Request: not enough rights to create a topic")
}

func TestSendIntoTopicValidation(t *testing.T) {
	s := NewServer(t, testToken)
	s.MakeForum(forumID, "Managers")
	b := newBot(t, s)
	ctx := t.Context()
	open, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "open"})
	require.NoError(t, err)
	closed, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "closed"})
	require.NoError(t, err)
	_, err = b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: forumID, MessageThreadID: closed.MessageThreadID})
	require.NoError(t, err)
	plain, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forumID, Text: "in General"})
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		chat   any
		thread int
		want   string
	}{
		"unknown thread":          {forumID, 99999, "Bad Request: message thread not found"},
		"General topic":           {forumID, 1, "Bad Request: message thread not found"},
		"a message, not a topic":  {forumID, plain.ID, "Bad Request: message thread not found"},
		"thread in private chat":  {42, open.MessageThreadID, "Bad Request: message thread not found"},
		"closed, bot lacks right": {forumID, closed.MessageThreadID, "Bad Request: TOPIC_CLOSED"},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.thread == closed.MessageThreadID {
				s.SetCanManageTopics(forumID, false)
				defer s.SetCanManageTopics(forumID, true)
			}
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tc.chat, MessageThreadID: tc.thread, Text: "x"})
			require.ErrorIs(t, err, bot.ErrorBadRequest)
			assert.ErrorContains(t, err, tc.want)
			_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: tc.chat, MessageThreadID: tc.thread, Photo: &models.InputFileString{Data: "p"}})
			assert.ErrorContains(t, err, tc.want)
			_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: tc.chat, MessageThreadID: tc.thread, Document: &models.InputFileString{Data: "d"}})
			assert.ErrorContains(t, err, tc.want)
		})
	}
	assert.Len(t, s.Messages(forumID), 1, "refused sends leave nothing")

	// Like the Bot API, a thread id is ignored in chats that are no forums.
	for _, chat := range []int64{-5, -1005555555555} {
		m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, MessageThreadID: 12345, Text: "flat"})
		require.NoError(t, err)
		assert.Zero(t, m.MessageThreadID)
		assert.False(t, m.IsTopicMessage)
	}
}

func TestUsersPostInTopics(t *testing.T) {
	s := NewServer(t, testToken)
	s.MakeForum(forumID, "Managers")
	got := newUpdates()
	b := newBot(t, s, bot.WithDefaultHandler(got.handler))
	run(t, b)
	ctx := t.Context()
	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "Acme"})
	require.NoError(t, err)
	card, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, Text: "card",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Take", CallbackData: "take"}})})
	require.NoError(t, err)

	// A manager's reply to the card: in the topic, replying to the bot's message.
	sent := s.ReplyText(forumID, manager, card.ID, "We will call you tomorrow")
	upd := got.next(t)
	require.NotNil(t, upd.Message)
	m := upd.Message
	assert.Equal(t, sent.ID, m.ID)
	assert.Equal(t, manager, *m.From)
	assert.Equal(t, topic.MessageThreadID, m.MessageThreadID)
	assert.True(t, m.IsTopicMessage)
	assert.True(t, m.Chat.IsForum)
	assert.Equal(t, models.ChatTypeSupergroup, m.Chat.Type)
	require.NotNil(t, m.ReplyToMessage)
	assert.Equal(t, card.ID, m.ReplyToMessage.ID)
	assert.Equal(t, s.BotUser().ID, m.ReplyToMessage.From.ID)
	assert.Equal(t, "card", m.ReplyToMessage.Text)
	assert.Equal(t, topic.MessageThreadID, m.ReplyToMessage.MessageThreadID)
	assert.Nil(t, m.ReplyToMessage.ReplyToMessage, "reply_to_message is one level deep")
	assert.Equal(t, "take", m.ReplyToMessage.ReplyMarkup.InlineKeyboard[0][0].CallbackData)

	// A note in the topic that answers nothing still carries the topic's
	// service message (sent by the bot, which created the topic) as its reply.
	note := s.SendTopicText(forumID, manager, topic.MessageThreadID, "internal: called twice")
	m = got.next(t).Message
	assert.Equal(t, note.ID, m.ID)
	assert.Equal(t, topic.MessageThreadID, m.MessageThreadID)
	assert.True(t, m.IsTopicMessage)
	require.NotNil(t, m.ReplyToMessage)
	assert.Equal(t, topic.MessageThreadID, m.ReplyToMessage.ID)
	assert.Equal(t, s.BotUser().ID, m.ReplyToMessage.From.ID)
	require.NotNil(t, m.ReplyToMessage.ForumTopicCreated)
	assert.Equal(t, "Acme", m.ReplyToMessage.ForumTopicCreated.Name)

	// Commands in a topic get their entity.
	s.SendTopicText(forumID, manager, topic.MessageThreadID, "/r hello")
	m = got.next(t).Message
	assert.Equal(t, []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 2}}, m.Entities)

	// A reply to a user's message in the topic stays in the topic.
	s.ReplyText(forumID, alice, note.ID, "noted")
	m = got.next(t).Message
	assert.Equal(t, topic.MessageThreadID, m.MessageThreadID)
	assert.Equal(t, note.ID, m.ReplyToMessage.ID)
	assert.Equal(t, manager.ID, m.ReplyToMessage.From.ID)

	// A topic made by a user has the user as the sender of its service message.
	byUser := s.AddTopic(forumID, manager, "Maria's")
	s.SendTopicText(forumID, alice, byUser, "hi")
	m = got.next(t).Message
	assert.Equal(t, manager.ID, m.ReplyToMessage.From.ID)
	topics := s.Topics(forumID)
	require.Len(t, topics, 2)
	assert.False(t, topics[1].ByBot)

	// In a flat group a reply carries no thread.
	flatCard, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: -5, Text: "card"})
	require.NoError(t, err)
	s.ReplyText(-5, manager, flatCard.ID, "on it")
	m = got.next(t).Message
	assert.Zero(t, m.MessageThreadID)
	assert.False(t, m.IsTopicMessage)
	assert.Equal(t, flatCard.ID, m.ReplyToMessage.ID)
	assert.Equal(t, models.ChatTypeGroup, m.Chat.Type)

	// Replies to the text a user sent with SendText work too.
	s.SendText(42, alice, "question")
	first := got.next(t).Message
	s.ReplyText(42, alice, first.ID, "more")
	assert.Equal(t, "question", got.next(t).Message.ReplyToMessage.Text)
}

func TestForumHelpersPanicOnMisuse(t *testing.T) {
	s := NewServer(t, testToken)
	s.MakeForum(forumID, "Managers")
	assert.Panics(t, func() { s.MakeForum(-5, "a group cannot be a forum") })
	assert.Panics(t, func() { s.SetCanManageTopics(-1005555555555, true) })
	assert.Panics(t, func() { s.SendTopicText(forumID, alice, 99999, "no such topic") })
	assert.Panics(t, func() { s.ReplyText(forumID, alice, 99999, "no such message") })
	assert.Panics(t, func() { s.SetTopicClosed(forumID, 99999, true) })
	assert.Zero(t, s.Pending())
}
