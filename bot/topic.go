package bot

import (
	"context"
	"errors"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/app"
	"specbot/store"
)

// Topics: when the managers' chat is a forum supergroup in which the bot
// may manage topics, each company gets one topic, created with its first
// card; its name follows the request's state, it is closed when the request
// is done and reopened by the next one. Otherwise everything goes to the
// chat itself (flat), and the operator is told once what to change.

// minSupergroupID: supergroup ids are below it; a basic group is never a forum.
const minSupergroupID = -1_000_000_000_000

// managersChat is the managers' chat's id as it is now, 0 when none.
func (b *Bot) managersChat() int64 { return b.managersID.Load() }

// ManagersChat is the managers' chat's id as it is now (it follows the
// group's upgrade to a supergroup), 0 when none: for the Mini App's
// app.App, which queues the managers' notes of a partner's new check.
func (b *Bot) ManagersChat() int64 { return b.managersChat() }

// isManagersChat reports whether chatID is the managers' chat, under its
// configured id or the one it moved to.
func (b *Bot) isManagersChat(chatID int64) bool {
	return chatID != 0 && (chatID == b.cfg.ManagersChatID || chatID == b.managersChat())
}

// flat reports whether the managers' chat has no topics for the bot.
func (b *Bot) flat() bool { return b.noTopics.Load() }

// goFlat switches to the flat chat for the rest of the run and tells the
// operator once why and what right to grant.
func (b *Bot) goFlat(reason string) {
	b.noTopics.Store(true)
	b.flatOnce.Do(func() {
		b.log.Warn("the managers' chat gets no topic per partner: make it a forum supergroup and give the bot the administrator right can_manage_topics (Manage topics), then restart; until then cards and conversations stay in the chat itself",
			"chat_id", b.managersChat(), "reason", reason)
	})
}

// topicFor returns the thread of a handoff's partner's topic, creating it
// (or reopening it) first; 0 in the flat chat. An error means the topic
// could not be made now and the card waits for the next round.
func (b *Bot) topicFor(ctx context.Context, h app.Handoff) (int, error) {
	chat := b.managersChat()
	if chat > minSupergroupID {
		b.goFlat("the managers' chat is a basic group, not a forum")
	}
	if b.flat() {
		return 0, nil
	}
	t, err := b.app.Topic(ctx, h.ChatID)
	switch {
	case err == nil && t.ManagersChatID == chat:
		if t.Closed {
			b.toggleTopic(ctx, &t, false)
		}
		return t.ThreadID, nil
	case err != nil && !isNotFound(err):
		return 0, err
	}
	if err := b.managers.Wait(ctx); err != nil {
		return 0, err
	}
	var ft *models.ForumTopic
	err = b.call(ctx, "createForumTopic", func(ctx context.Context) error {
		var err error
		ft, err = b.tg.CreateForumTopic(ctx, &tgbot.CreateForumTopicParams{ChatID: chat, Name: h.TopicName})
		return err
	})
	if err != nil {
		if b.followMigration(ctx, err) {
			return 0, err
		}
		if errors.Is(err, tgbot.ErrorBadRequest) || errors.Is(err, tgbot.ErrorForbidden) {
			b.goFlat(b.redact(err))
			return 0, nil
		}
		return 0, err
	}
	t = store.Topic{ChatID: h.ChatID, ManagersChatID: chat, ThreadID: ft.MessageThreadID, Name: h.TopicName}
	if err := b.app.SaveTopic(ctx, &t); err != nil {
		b.log.Error("save topic", "chat_id", h.ChatID, "err", err)
	}
	b.log.Info("topic created", "chat_id", h.ChatID, "thread", t.ThreadID)
	return t.ThreadID, nil
}

// threadOf is the thread of a partner's topic, 0 when it has none (or the
// chat is flat); it creates nothing.
func (b *Bot) threadOf(ctx context.Context, chatID int64) int {
	if b.flat() {
		return 0
	}
	t, err := b.app.Topic(ctx, chatID)
	if err != nil || t.ManagersChatID != b.managersChat() {
		return 0
	}
	return t.ThreadID
}

// syncTopic renames a handoff's topic after its state, and closes it when
// the handoff is done. A refusal is logged: the topic's name is cosmetic.
func (b *Bot) syncTopic(ctx context.Context, h app.Handoff) {
	if b.flat() {
		return
	}
	t, err := b.app.Topic(ctx, h.ChatID)
	if err != nil || t.ManagersChatID != b.managersChat() {
		return
	}
	if h.TopicName != "" && t.Name != h.TopicName {
		if b.managers.Wait(ctx) != nil {
			return
		}
		err := b.call(ctx, "editForumTopic", func(ctx context.Context) error {
			_, err := b.tg.EditForumTopic(ctx, &tgbot.EditForumTopicParams{ChatID: t.ManagersChatID, MessageThreadID: t.ThreadID, Name: h.TopicName})
			return err
		})
		if err == nil || topicNotModified(err) {
			t.Name = h.TopicName
			if err := b.app.SaveTopic(ctx, &t); err != nil {
				b.log.Warn("save topic", "chat_id", h.ChatID, "err", err)
			}
		} else {
			b.log.Warn("rename topic", "chat_id", h.ChatID, "err", b.redact(err))
		}
	}
	if h.State == store.HandoffDone && !t.Closed {
		b.toggleTopic(ctx, &t, true)
	}
}

// toggleTopic closes or reopens a topic and records it.
func (b *Bot) toggleTopic(ctx context.Context, t *store.Topic, closed bool) {
	if b.managers.Wait(ctx) != nil {
		return
	}
	if !b.toggleTopicRaw(ctx, t, closed) {
		return
	}
	if err := b.app.SaveTopic(ctx, t); err != nil {
		b.log.Warn("save topic", "chat_id", t.ChatID, "err", err)
	}
}

// toggleTopicRaw closes or reopens a topic; false when Telegram refused.
func (b *Bot) toggleTopicRaw(ctx context.Context, t *store.Topic, closed bool) bool {
	method := "reopenForumTopic"
	if closed {
		method = "closeForumTopic"
	}
	err := b.call(ctx, method, func(ctx context.Context) error {
		var err error
		if closed {
			_, err = b.tg.CloseForumTopic(ctx, &tgbot.CloseForumTopicParams{ChatID: t.ManagersChatID, MessageThreadID: t.ThreadID})
		} else {
			_, err = b.tg.ReopenForumTopic(ctx, &tgbot.ReopenForumTopicParams{ChatID: t.ManagersChatID, MessageThreadID: t.ThreadID})
		}
		return err
	})
	if err != nil && !topicNotModified(err) {
		b.log.Warn(method, "chat_id", t.ChatID, "err", b.redact(err))
		return false
	}
	t.Closed = closed
	return true
}

func topicNotModified(err error) bool {
	return errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "TOPIC_NOT_MODIFIED")
}

// sendGroup posts HTML text into the managers' chat, in thread (0: the
// chat itself), as a reply to replyTo when set; paced.
func (b *Bot) sendGroup(ctx context.Context, thread, replyTo int, text string, markup models.ReplyMarkup) (int, error) {
	if err := b.managers.Wait(ctx); err != nil {
		return 0, err
	}
	// A stored batch or card is claimed once its slot has come, not
	// before: one waiting for the slot at a stop is still pending.
	if err := claimFrom(ctx).before(ctx); err != nil {
		return 0, err
	}
	// Once the request is on its way, shutting down does not cut it off: a
	// post cut off may still have reached the group, and would be posted
	// again after the restart. The shutdown grace bounds the wait.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.ShutdownGrace)
	defer cancel()
	params := &tgbot.SendMessageParams{
		ChatID: b.managersChat(), MessageThreadID: thread, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}, ReplyMarkup: markup,
	}
	if replyTo != 0 {
		params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	var sent *models.Message
	err := b.call(ctx, "sendMessage", func(ctx context.Context) error {
		var err error
		sent, err = b.tg.SendMessage(ctx, params)
		return err
	})
	if err != nil {
		b.followMigration(ctx, err)
		return 0, err
	}
	return sent.ID, nil
}

// postItem posts a copy of a partner's message or a note into the
// partner's topic (in the flat chat: as a reply to its card); false when it
// should be tried again later.
func (b *Bot) postItem(ctx context.Context, o app.Outbound) bool {
	g := o.Group
	if g.Kind == app.ItemRedact || g.Kind == app.ItemForgetTopic {
		b.redactItem(ctx, g)
		b.markSent(ctx, o)
		return true
	}
	h, err := b.app.HandoffOf(ctx, o.HandoffID)
	if isNotFound(err) {
		b.markSent(ctx, o) // the partner was forgotten: nothing of it is posted
		return true
	}
	thread, replyTo := b.threadOf(ctx, g.Partner), 0
	if thread == 0 && err == nil && h.CardChatID == b.managersChat() {
		replyTo = h.CardMessageID
	}
	var id int
	switch g.Kind {
	case store.PostCopy:
		if err = b.managers.Wait(ctx); err != nil {
			return false
		}
		params := &tgbot.CopyMessageParams{ChatID: b.managersChat(), MessageThreadID: thread, FromChatID: g.Partner, MessageID: g.MessageID}
		if replyTo != 0 {
			params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
		}
		err = b.call(ctx, "copyMessage", func(ctx context.Context) error {
			mid, err := b.tg.CopyMessage(ctx, params)
			if err == nil {
				id = mid.ID
			}
			return err
		})
		if err != nil {
			b.followMigration(ctx, err)
		}
	default:
		id, err = b.sendGroup(ctx, thread, replyTo, g.Text, nil)
	}
	if err != nil {
		b.log.Warn("post into the managers' chat", "kind", g.Kind, "chat_id", g.Partner, "err", b.redact(err))
		if ctx.Err() != nil {
			return false
		}
		if refused(err) && !isMigrate(err) {
			b.markSent(ctx, o) // Telegram will not take it: the next items go on
			return true
		}
		_ = b.app.SendFailed(context.WithoutCancel(ctx), o, 0)
		return false
	}
	if g.Kind == store.PostCopy {
		b.metrics.Relayed.WithLabelValues("to_managers").Inc()
	}
	if err := b.app.Posted(ctx, store.GroupPost{ManagersChatID: b.managersChat(), MessageID: id, ChatID: g.Partner, Kind: g.Kind}); err != nil {
		b.log.Warn("record group post", "err", err)
	}
	b.markSent(ctx, o)
	return true
}

func isMigrate(err error) bool {
	var me *tgbot.MigrateError
	return errors.As(err, &me)
}

// followMigration follows the managers' chat to its new id when err says
// the group was upgraded to a supergroup: it stores the new id, moves what
// waits to be posted there and logs once. It reports whether it did.
func (b *Bot) followMigration(ctx context.Context, err error) bool {
	var me *tgbot.MigrateError
	if !errors.As(err, &me) || me.MigrateToChatID == 0 {
		return false
	}
	b.moveManagers(ctx, b.managersChat(), int64(me.MigrateToChatID))
	return true
}

// moveManagers makes to the managers' chat instead of from.
func (b *Bot) moveManagers(ctx context.Context, from, to int64) {
	if from == to || !b.managersID.CompareAndSwap(from, to) {
		return
	}
	b.noTopics.Store(false) // the new supergroup may be a forum
	if err := b.app.MoveManagersChat(context.WithoutCancel(ctx), from, to); err != nil {
		b.log.Error("store the managers' chat's new id", "from", from, "to", to, "err", err)
	}
	b.log.Warn("the managers' chat was upgraded to a supergroup: following it; set SPECBOT_MANAGERS_CHAT_ID to the new id", "from", from, "to", to)
}

// redactItem carries out a forgotten partner's redaction in the managers'
// chat; a refusal (a message too old to edit, a topic gone) is logged and
// not retried: there is nothing better to do with it.
func (b *Bot) redactItem(ctx context.Context, g *app.GroupItem) {
	if b.managers.Wait(ctx) != nil {
		return
	}
	chat := g.ManagersChat
	if chat == 0 {
		chat = b.managersChat()
	}
	var err error
	switch {
	case g.Kind == app.ItemForgetTopic:
		err = b.call(ctx, "editForumTopic", func(ctx context.Context) error {
			_, err := b.tg.EditForumTopic(ctx, &tgbot.EditForumTopicParams{ChatID: chat, MessageThreadID: g.Thread, Name: g.Text})
			return err
		})
		if err == nil || topicNotModified(err) {
			t := store.Topic{ManagersChatID: chat, ThreadID: g.Thread}
			b.toggleTopicRaw(ctx, &t, true)
		}
	case g.Was == store.PostCopy:
		err = b.call(ctx, "deleteMessage", func(ctx context.Context) error {
			_, err := b.tg.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: chat, MessageID: g.Target})
			return err
		})
	default:
		err = b.call(ctx, "editMessageText", func(ctx context.Context) error {
			_, err := b.tg.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: chat, MessageID: g.Target, Text: g.Text,
				ParseMode: models.ParseModeHTML, ReplyMarkup: noKeyboard})
			return err
		})
	}
	if err != nil && !isNotModified(err) && !topicNotModified(err) {
		b.log.Warn("redact in the managers' chat", "kind", g.Kind, "message", g.Target, "err", b.redact(err))
	}
}

// forgotten redacts what the managers' chat shows about a partner who was
// just forgotten.
func (b *Bot) forgotten(ctx context.Context, chatID int64) {
	if b.managersChat() == 0 {
		return
	}
	if _, err := b.app.ForgetInManagers(ctx, chatID, b.managersChat(), b.cfg.ManagersLang); err != nil {
		b.log.Error("redact a forgotten partner in the managers' chat", "chat_id", chatID, "err", err)
	}
	// Even with nothing to redact, a company that goes on has its card's
	// edit waiting: it no longer lists the member.
	b.wakeGroup()
}
