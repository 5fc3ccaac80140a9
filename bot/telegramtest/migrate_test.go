package telegramtest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const groupID = int64(-4518810793)

func TestGroupUpgradedToSupergroup(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	ctx := t.Context()
	before, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: groupID, Text: "card"})
	require.NoError(t, err)
	assert.Equal(t, models.ChatTypeGroup, before.Chat.Type)

	super := s.UpgradeGroup(groupID)
	assert.Less(t, super, int64(-1_000_000_000_000))
	assert.Equal(t, super, s.UpgradedTo(groupID))
	assert.Zero(t, s.UpgradedTo(-6))

	// Every send to the old id is refused with the new id, which the client
	// surfaces as a *bot.MigrateError (and not as bot.ErrorBadRequest).
	sends := map[string]func() error{
		"sendMessage": func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: groupID, Text: "next card"})
			return err
		},
		"sendDocument": func() error {
			_, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: groupID, Document: &models.InputFileString{Data: "file-id"}})
			return err
		},
		"sendPhoto": func() error {
			_, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: groupID, Photo: &models.InputFileString{Data: "file-id"}})
			return err
		},
		"copyMessage": func() error {
			_, err := b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: groupID, FromChatID: groupID, MessageID: before.ID})
			return err
		},
		"sendChatAction": func() error {
			_, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: groupID, Action: models.ChatActionTyping})
			return err
		},
		"createForumTopic": func() error {
			_, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: groupID, Name: "x"})
			return err
		},
	}
	for name, send := range sends {
		t.Run(name, func(t *testing.T) {
			err := send()
			var moved *bot.MigrateError
			require.ErrorAs(t, err, &moved)
			assert.Equal(t, super, int64(moved.MigrateToChatID))
			assert.Contains(t, moved.Message, "Bad Request: group chat was upgraded to a supergroup chat")
			assert.False(t, errors.Is(err, bot.ErrorBadRequest), "go-telegram/bot v1.19 does not wrap ErrorBadRequest in a MigrateError")
		})
	}
	assert.Len(t, s.Messages(groupID), 1)

	// The answer on the wire, as Telegram gives it.
	status, _, body := raw(t, ctx, s, testToken, "sendMessage", url.Values{"chat_id": {fmt.Sprint(groupID)}, "text": {"x"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.JSONEq(t, fmt.Sprintf(`{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":%d}}`, super), body)
	for _, c := range s.Calls("sendMessage")[1:] {
		assert.Equal(t, http.StatusBadRequest, c.Code)
	}

	// The bot follows the new id; the old group's messages can still be copied.
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: super, Text: "next card"})
	require.NoError(t, err)
	assert.Equal(t, models.Chat{ID: super, Type: models.ChatTypeSupergroup, Title: "Test Group"}, m.Chat)
	_, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: super, FromChatID: groupID, MessageID: before.ID})
	require.NoError(t, err)
	assert.Len(t, s.Messages(super), 2)

	// The supergroup can then become a forum.
	s.MakeForum(super, "Managers")
	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: super, Name: "Acme"})
	require.NoError(t, err)
	assert.NotZero(t, topic.MessageThreadID)

	// Other faults come first, as they would on Telegram's side.
	s.FailNext("sendMessage", 1, http.StatusTooManyRequests, 3)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: groupID, Text: "x"})
	var tooMany *bot.TooManyRequestsError
	require.ErrorAs(t, err, &tooMany)
}

func TestAnnounceUpgrade(t *testing.T) {
	s := NewServer(t, testToken)
	got := newUpdates()
	run(t, newBot(t, s, bot.WithDefaultHandler(got.handler)))
	super := s.UpgradeGroup(groupID)
	s.AnnounceUpgrade(groupID, manager)

	// Handlers run concurrently, so the two may arrive in either order.
	from, to := got.next(t).Message, got.next(t).Message
	if from.Chat.ID != super {
		from, to = to, from
	}
	assert.Equal(t, super, from.Chat.ID)
	assert.Equal(t, models.ChatTypeSupergroup, from.Chat.Type)
	assert.Equal(t, groupID, from.MigrateFromChatID)
	assert.Equal(t, manager, *from.From)
	assert.Less(t, from.ID, to.ID, "migrate_from_chat_id comes first")
	assert.Equal(t, groupID, to.Chat.ID)
	assert.Equal(t, models.ChatTypeGroup, to.Chat.Type)
	assert.Equal(t, super, to.MigrateToChatID)

	// Service messages are not copied.
	b := newBot(t, s)
	_, err := b.CopyMessage(t.Context(), &bot.CopyMessageParams{ChatID: super, FromChatID: super, MessageID: from.ID})
	assert.ErrorContains(t, err, "Bad Request: message can't be copied")
}

func TestUpgradeGroupPanicsOnMisuse(t *testing.T) {
	s := NewServer(t, testToken)
	assert.Panics(t, func() { s.UpgradeGroup(42) }, "a private chat")
	assert.Panics(t, func() { s.UpgradeGroup(forumID) }, "already a supergroup")
	assert.Panics(t, func() { s.AnnounceUpgrade(groupID, manager) }, "not upgraded")
	s.UpgradeGroup(groupID)
	assert.Panics(t, func() { s.UpgradeGroup(groupID) }, "twice")
}
