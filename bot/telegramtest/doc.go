// Package telegramtest is an in-process fake of the Telegram Bot API for
// end-to-end tests of bots written with github.com/go-telegram/bot.
//
// NewServer starts an HTTP server on 127.0.0.1 that speaks the Bot API wire
// protocol ({serverURL}/bot{token}/{method}, answers {"ok":true,"result":…}
// or {"ok":false,"error_code":…,"description":…}). Point the real client at it
// with bot.WithServerURL(s.URL()).
//
// Simulated users put updates in a queue (SendText, PressButton, QueueUpdate)
// that the bot reads through getUpdates, with Telegram's semantics: offset
// confirms (deletes) updates, unconfirmed ones are delivered again, limit and
// long-poll timeout are honoured, a second concurrent getUpdates terminates
// the first with 409, and updates of types excluded by allowed_updates (by
// default chat_member, message_reaction, message_reaction_count) are dropped.
// DeliverWebhook pushes the same queue to a webhook handler instead.
//
// Every call is recorded (Calls, WaitFor) and the bot's messages are kept per
// chat with their current text and inline keyboard (Messages, LastMessage).
// Telegram's usual refusals are reproduced: "message is not modified",
// "message to edit not found", "message to delete not found", invalid HTML
// entities, texts over 4096 UTF-16 units, callback_data over 64 bytes,
// unknown callback query ids, wrong token (401) and unknown methods (404).
// FailNext, BlockChat and SetHang inject 429/403/5xx answers and slowness.
//
// Forums: MakeForum declares a forum supergroup (SetCanManageTopics takes the
// bot's right away); createForumTopic, editForumTopic, closeForumTopic and
// reopenForumTopic answer with Telegram's refusals ("the chat is not a
// forum", "not enough rights to create a topic", TOPIC_ID_INVALID,
// TOPIC_NOT_MODIFIED, …); sends with message_thread_id land in the topic or
// are refused with "message thread not found" or TOPIC_CLOSED. Users post
// into topics and reply to messages with SendTopicText, ReplyText and
// SendUserMessage; like Telegram, a topic message that answers nothing
// carries the topic's forum_topic_created service message as
// reply_to_message. SendPhoto and SendDocument inject users' media, which
// copyMessage can copy ("message to copy not found" otherwise).
// UpgradeGroup turns a group into a supergroup: writes to the old id then
// answer "group chat was upgraded to a supergroup chat" with
// parameters.migrate_to_chat_id (a *bot.MigrateError in the client), and
// AnnounceUpgrade queues the service messages that go with it.
//
// Example:
//
//	s := telegramtest.NewServer(t, "123:abc")
//	b, _ := bot.New("123:abc", bot.WithServerURL(s.URL()), bot.WithDefaultHandler(h))
//	go b.Start(ctx)
//	alice := models.User{ID: 42, FirstName: "Alice"}
//	s.SendText(42, alice, "/start")
//	s.WaitFor(t, 5*time.Second, func(c []telegramtest.Call) bool { return len(c) > 0 })
//	msg, _ := s.LastMessage(42)
//	s.PressButton(42, alice, msg.ID, msg.Keyboard[0][0].Data)
package telegramtest
