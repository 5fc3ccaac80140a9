package telegramtest

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-telegram/bot/models"
)

// Topic is a forum topic as it is now.
type Topic struct {
	ChatID            int64
	ThreadID          int // message_thread_id: the id of the topic's first (service) message
	Name              string
	IconColor         int
	IconCustomEmojiID string
	Closed            bool
	ByBot             bool // created with createForumTopic rather than by a user
	Edits             int  // successful editForumTopic calls
}

// TopicColors are the icon colors createForumTopic accepts, in Telegram's order.
var TopicColors = []int{0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F}

// generalTopic is the thread id of a forum's General topic, which the Bot
// API refuses as a message_thread_id.
const generalTopic = 1

// maxTopicName is the longest topic name in characters; Telegram cuts longer ones.
const maxTopicName = 128

type forum struct {
	canManage bool
	topics    map[int]*topic
}

type topic struct {
	Topic
	root models.Message // the forum_topic_created service message
}

func init() {
	register("createForumTopic", (*Server).createForumTopic)
	register("editForumTopic", (*Server).editForumTopic)
	register("closeForumTopic", toggleTopic(true))
	register("reopenForumTopic", toggleTopic(false))
}

// register adds a Bot API method to the server from a file of its own.
func register(name string, fn func(*Server, *request) reply) {
	handlers[strings.ToLower(name)] = handler{name, fn}
}

// MakeForum declares chatID (a supergroup id, below -1000000000000) a forum
// supergroup titled title, in which the bot is an administrator with the
// can_manage_topics right (see SetCanManageTopics). Its chat carries is_forum.
func (s *Server) MakeForum(chatID int64, title string) {
	if chatID >= -1_000_000_000_000 {
		panic("telegramtest: MakeForum needs a supergroup id (below -1000000000000), got " + strconv.FormatInt(chatID, 10))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forums == nil {
		s.forums = map[int64]*forum{}
	}
	if s.forums[chatID] == nil {
		s.forums[chatID] = &forum{canManage: true, topics: map[int]*topic{}}
	}
	s.lastMsgID = max(s.lastMsgID, generalTopic) // message 1 of a forum opens its General topic
	s.chats[chatID] = models.Chat{ID: chatID, Type: models.ChatTypeSupergroup, Title: title, IsForum: true}
}

// SetCanManageTopics grants or takes away the bot's can_manage_topics right
// in the forum chatID. Without it createForumTopic is refused, topics the bot
// did not create cannot be edited, closed or reopened, and the bot cannot
// post into closed topics (TOPIC_CLOSED).
func (s *Server) SetCanManageTopics(chatID int64, can bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustForumLocked(chatID).canManage = can
}

// AddTopic creates a topic in the forum chatID as the user from did in a
// Telegram app, and returns its message_thread_id. No update is queued.
func (s *Server) AddTopic(chatID int64, from models.User, name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.newTopicLocked(chatID, s.mustForumLocked(chatID), from, cleanTopicName(name), TopicColors[0], "")
	return t.ThreadID
}

// SetTopicClosed closes or reopens a topic as an administrator did in a
// Telegram app. No update is queued.
func (s *Server) SetTopicClosed(chatID int64, threadID int, closed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustTopicLocked(chatID, threadID).Closed = closed
}

// Topics returns the topics of the forum chatID, oldest first.
func (s *Server) Topics(chatID int64) []Topic {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.forums[chatID]
	if f == nil {
		return nil
	}
	out := make([]Topic, 0, len(f.topics))
	for _, id := range slices.Sorted(maps.Keys(f.topics)) {
		out = append(out, f.topics[id].Topic)
	}
	return out
}

// TopicByID returns the topic threadID of the forum chatID.
func (s *Server) TopicByID(chatID int64, threadID int) (Topic, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.forums[chatID]; f != nil {
		if t := f.topics[threadID]; t != nil {
			return t.Topic, true
		}
	}
	return Topic{}, false
}

// TopicMessages returns the bot's messages in the topic threadID of chatID
// that were not deleted, oldest first.
func (s *Server) TopicMessages(chatID int64, threadID int) []Message {
	return slices.DeleteFunc(s.Messages(chatID), func(m Message) bool { return m.ThreadID != threadID })
}

// SendTopicText queues a message update from a user posting text in the
// topic threadID of the forum chatID, not as a reply: like Telegram, it
// carries message_thread_id, is_topic_message and, as reply_to_message, the
// topic's forum_topic_created service message (whose sender is the topic's
// creator, the bot for topics it made). Returns the message.
func (s *Server) SendTopicText(chatID int64, from models.User, threadID int, text string) models.Message {
	return s.SendUserMessage(UserMessage{ChatID: chatID, From: from, ThreadID: threadID, Text: text})
}

// ReplyText queues a message update from a user replying with text to the
// message replyTo of chatID (the bot's or a user's). A reply to a message in
// a forum topic is posted in that topic, as Telegram apps do. Returns the message.
func (s *Server) ReplyText(chatID int64, from models.User, replyTo int, text string) models.Message {
	return s.SendUserMessage(UserMessage{ChatID: chatID, From: from, ReplyTo: replyTo, Text: text})
}

func (s *Server) mustForumLocked(chatID int64) *forum {
	f := s.forums[chatID]
	if f == nil {
		panic("telegramtest: chat " + strconv.FormatInt(chatID, 10) + " is not a forum (call MakeForum)")
	}
	return f
}

func (s *Server) mustTopicLocked(chatID int64, threadID int) *topic {
	t := s.mustForumLocked(chatID).topics[threadID]
	if t == nil {
		panic("telegramtest: no topic " + strconv.Itoa(threadID) + " in chat " + strconv.FormatInt(chatID, 10))
	}
	return t
}

func (s *Server) newTopicLocked(chatID int64, f *forum, creator models.User, name string, color int, emoji string) *topic {
	s.lastMsgID++
	id := s.lastMsgID
	t := &topic{Topic: Topic{ChatID: chatID, ThreadID: id, Name: name, IconColor: color, IconCustomEmojiID: emoji, ByBot: creator.ID == s.bot.ID}}
	t.root = models.Message{
		ID:                id,
		MessageThreadID:   id,
		IsTopicMessage:    true,
		From:              &creator,
		Date:              int(time.Now().Unix()),
		Chat:              s.chats[chatID],
		ForumTopicCreated: &models.ForumTopicCreated{Name: name, IconColor: color, IconCustomEmojiID: emoji},
	}
	f.topics[id] = t
	return t
}

// threadLocked decides which forum topic a message the bot sends to chatID
// goes to, from message_thread_id (or, without it, the topic of the message
// it replies to), and returns 0 outside topics or Telegram's refusal. Like
// the Bot API, it ignores message_thread_id in groups and supergroups that
// are not forums; in private chats no thread exists.
func (s *Server) threadLocked(chatID int64, r *request) (int, *reply) {
	refuse := func(desc string) (int, *reply) {
		rep := badRequest(desc)
		return 0, &rep
	}
	tid, _ := strconv.Atoi(strings.TrimSpace(r.p["message_thread_id"]))
	f := s.forums[chatID]
	switch {
	case tid <= 0 && f != nil:
		tid = s.repliedThreadLocked(chatID, r.p["reply_parameters"])
		if tid == 0 {
			return 0, nil
		}
	case tid <= 0:
		return 0, nil
	case chatID > 0:
		return refuse("message thread not found")
	case f == nil:
		return 0, nil
	}
	t := f.topics[tid]
	if tid == generalTopic || t == nil {
		return refuse("message thread not found")
	}
	if t.Closed && !f.canManage {
		return refuse("TOPIC_CLOSED")
	}
	return tid, nil
}

// repliedThreadLocked is the topic of the message reply_parameters names in chatID, 0 if none.
func (s *Server) repliedThreadLocked(chatID int64, raw string) int {
	if raw == "" {
		return 0
	}
	var rp struct {
		MessageID int             `json:"message_id"`
		ChatID    json.RawMessage `json:"chat_id"`
	}
	if json.Unmarshal([]byte(raw), &rp) != nil || len(rp.ChatID) > 0 && strings.Trim(string(rp.ChatID), `"`) != strconv.FormatInt(chatID, 10) {
		return 0
	}
	if m, ok := s.anyMsgLocked(chatID, rp.MessageID); ok {
		return m.MessageThreadID
	}
	return 0
}

// placeLocked marks a message of the bot in topic threadID as Telegram
// renders it: message_thread_id, is_topic_message and the topic's service
// message as the implicit reply_to_message.
func (s *Server) placeLocked(m *models.Message, threadID int) {
	if threadID == 0 {
		return
	}
	m.MessageThreadID, m.IsTopicMessage = threadID, true
	f := s.forums[m.Chat.ID]
	if f == nil {
		return
	}
	if t := f.topics[threadID]; t != nil && m.ReplyToMessage == nil && m.ID != threadID {
		root := t.root
		m.ReplyToMessage = &root
	}
}

// cleanTopicName is the name Telegram keeps: trimmed, without control
// characters, cut to maxTopicName characters.
func cleanTopicName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > maxTopicName {
		name = strings.TrimSpace(string(r[:maxTopicName]))
	}
	return name
}

func (s *Server) createForumTopic(r *request) reply {
	chatID, bad := r.chatID()
	if bad != nil {
		return *bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.forums[chatID]
	switch {
	case f == nil:
		return badRequest("the chat is not a forum")
	case !f.canManage:
		return badRequest("not enough rights to create a topic")
	}
	name := cleanTopicName(r.p["name"])
	if name == "" {
		return badRequest("title must be non-empty")
	}
	color, _ := strconv.Atoi(strings.TrimSpace(r.p["icon_color"]))
	switch {
	case color == 0:
		color = TopicColors[0]
	case !slices.Contains(TopicColors, color):
		return badRequest("invalid icon color specified")
	}
	emoji := strings.TrimSpace(r.p["icon_custom_emoji_id"])
	t := s.newTopicLocked(chatID, f, s.bot, name, color, emoji)
	return ok(models.ForumTopic{MessageThreadID: t.ThreadID, Name: t.Name, IconColor: t.IconColor, IconCustomEmojiID: t.IconCustomEmojiID})
}

// topicLocked finds the topic an edit, close or reopen names, checking
// what Telegram checks first: a forum, a valid id, an existing topic.
func (s *Server) topicLocked(r *request) (*forum, *topic, *reply) {
	refuse := func(desc string) (*forum, *topic, *reply) {
		rep := badRequest(desc)
		return nil, nil, &rep
	}
	chatID, bad := r.chatID()
	if bad != nil {
		return nil, nil, bad
	}
	f := s.forums[chatID]
	if f == nil {
		return refuse("the chat is not a forum")
	}
	tid, _ := strconv.Atoi(strings.TrimSpace(r.p["message_thread_id"]))
	if tid <= 0 {
		return refuse("invalid forum topic identifier specified")
	}
	t := f.topics[tid]
	if t == nil {
		return refuse("TOPIC_ID_INVALID")
	}
	return f, t, nil
}

func (s *Server) editForumTopic(r *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, t, bad := s.topicLocked(r)
	if bad != nil {
		return *bad
	}
	if !f.canManage && !t.ByBot {
		return badRequest("not enough rights to edit the topic")
	}
	name, editName := t.Name, r.p["name"] != ""
	if editName {
		if name = cleanTopicName(r.p["name"]); name == "" {
			return badRequest("title must be non-empty")
		}
	}
	emoji, editEmoji := r.p["icon_custom_emoji_id"]
	emoji = strings.TrimSpace(emoji)
	if !editEmoji {
		emoji = t.IconCustomEmojiID
	}
	if !editName && !editEmoji {
		return ok(true) // nothing asked: the Bot API answers without asking Telegram
	}
	if name == t.Name && emoji == t.IconCustomEmojiID {
		return badRequest("TOPIC_NOT_MODIFIED")
	}
	t.Name, t.IconCustomEmojiID = name, emoji
	t.Edits++
	return ok(true)
}

// toggleTopic handles closeForumTopic (closed true) and reopenForumTopic.
func toggleTopic(closed bool) func(*Server, *request) reply {
	return func(s *Server, r *request) reply {
		s.mu.Lock()
		defer s.mu.Unlock()
		f, t, bad := s.topicLocked(r)
		if bad != nil {
			return *bad
		}
		if !f.canManage && !t.ByBot {
			return badRequest("not enough rights to close or open the topic")
		}
		if t.Closed == closed {
			return badRequest("TOPIC_NOT_MODIFIED")
		}
		t.Closed = closed
		return ok(true)
	}
}
