package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// UserMessage describes a message a user sends, for SendUserMessage.
type UserMessage struct {
	ChatID   int64
	From     models.User
	Text     string // the text, or with Photo or Document nothing
	Caption  string // the caption of a photo or document
	Photo    bool   // a photo (in two sizes, as Telegram delivers them)
	Document string // a document with this file name
	ThreadID int    // the forum topic it is posted in, 0 for none; a reply goes to the topic of the message it answers
	ReplyTo  int    // the message of ChatID (the bot's or a user's) it replies to, 0 for none
}

func init() {
	register("copyMessage", (*Server).copyMessage)
}

// SendUserMessage queues a message update from a user as Telegram delivers
// it, and keeps the message so that the bot can copy it (copyMessage) and
// users can reply to it. Texts starting with a command get a bot_command
// entity. It panics on what no Telegram app can send: a topic that does not
// exist, or a reply to a message the server does not know. Returns the message.
func (s *Server) SendUserMessage(um UserMessage) models.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastMsgID++
	from := um.From
	msg := &models.Message{
		ID:   s.lastMsgID,
		From: &from,
		Date: int(time.Now().Unix()),
		Chat: s.chatLocked(um.ChatID, um.From),
		Text: um.Text,
	}
	if n := commandLen(um.Text); n > 0 {
		msg.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: n}}
	}
	switch {
	case um.Photo:
		s.lastFile++
		id := fmt.Sprintf("user-photo-%d", s.lastFile)
		msg.Photo = []models.PhotoSize{
			{FileID: id + "-s", FileUniqueID: "u" + id + "-s", Width: 90, Height: 90, FileSize: 1500},
			{FileID: id, FileUniqueID: "u" + id, Width: 800, Height: 800, FileSize: 64000},
		}
		msg.Caption, msg.Text = um.Caption, ""
	case um.Document != "":
		s.lastFile++
		id := fmt.Sprintf("user-document-%d", s.lastFile)
		msg.Document = &models.Document{FileID: id, FileUniqueID: "u" + id, FileName: um.Document, FileSize: 2048}
		msg.Caption, msg.Text = um.Caption, ""
	}
	thread := um.ThreadID
	if um.ReplyTo != 0 {
		replied, found := s.anyMsgLocked(um.ChatID, um.ReplyTo)
		if !found {
			panic(fmt.Sprintf("telegramtest: no message %d in chat %d to reply to", um.ReplyTo, um.ChatID))
		}
		replied.ReplyToMessage = nil // Telegram nests one level only
		msg.ReplyToMessage = &replied
		thread = replied.MessageThreadID
	}
	if thread != 0 {
		t := s.mustTopicLocked(um.ChatID, thread)
		msg.MessageThreadID, msg.IsTopicMessage = thread, true
		if msg.ReplyToMessage == nil {
			root := t.root
			msg.ReplyToMessage = &root
		}
	}
	s.keepLocked(msg)
	s.queueLocked(&models.Update{Message: msg})
	return *msg
}

// SendPhoto queues a photo with caption from a user in chatID; see SendUserMessage.
func (s *Server) SendPhoto(chatID int64, from models.User, caption string) models.Message {
	return s.SendUserMessage(UserMessage{ChatID: chatID, From: from, Photo: true, Caption: caption})
}

// SendDocument queues a document named fileName with caption from a user in
// chatID; see SendUserMessage.
func (s *Server) SendDocument(chatID int64, from models.User, fileName, caption string) models.Message {
	return s.SendUserMessage(UserMessage{ChatID: chatID, From: from, Document: fileName, Caption: caption})
}

// isText tells a text message from a photo or a document.
func (m *botMsg) isText() bool { return m.doc == nil && m.photo == nil }

// keepLocked remembers a user's message for copyMessage and replies, unless
// the server keeps no history.
func (s *Server) keepLocked(msg *models.Message) {
	if s.noRecord {
		return
	}
	if s.received == nil {
		s.received = map[int64]map[int]*models.Message{}
	}
	if s.received[msg.Chat.ID] == nil {
		s.received[msg.Chat.ID] = map[int]*models.Message{}
	}
	s.received[msg.Chat.ID][msg.ID] = msg
}

// anyMsgLocked returns message id of chatID as the Bot API renders it: the
// bot's, a user's, or a topic's service message.
func (s *Server) anyMsgLocked(chatID int64, id int) (models.Message, bool) {
	if m := s.msgs[chatID][id]; m != nil {
		return s.modelLocked(m), true
	}
	if m := s.received[chatID][id]; m != nil {
		return *m, true
	}
	if f := s.forums[chatID]; f != nil {
		if t := f.topics[id]; t != nil {
			return t.root, true
		}
	}
	return models.Message{}, false
}

func (s *Server) copyMessage(r *request) reply {
	chatID, bad := r.chatID()
	if bad != nil {
		return *bad
	}
	rawFrom := strings.TrimSpace(r.p["from_chat_id"])
	if rawFrom == "" {
		return badRequest(`parameter "from_chat_id" is required`)
	}
	fromChat, err := strconv.ParseInt(rawFrom, 10, 64)
	if err != nil || fromChat == 0 {
		return badRequest("chat not found")
	}
	id, _ := r.int64("message_id")
	_, replaceCaption := r.p["caption"]
	caption, pm := r.p["caption"], r.p["parse_mode"]
	if replaceCaption {
		if bad := checkText(caption, pm, 1024, "", "message caption is too long"); bad != nil {
			return *bad
		}
	}
	kb, key, bad := parseMarkup(r.p["reply_markup"])
	if bad != nil {
		return *bad
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var src *botMsg // what the copy carries, in the shape of the bot's own messages
	if m := s.msgs[fromChat][int(id)]; m != nil {
		cp := *m
		src = &cp
	} else if um := s.received[fromChat][int(id)]; um != nil {
		src = &botMsg{Message: Message{Text: um.Text, Caption: um.Caption}, doc: um.Document, photo: um.Photo}
		switch {
		case um.Document != nil:
			src.File = um.Document.FileID
		case len(um.Photo) > 0:
			src.File = um.Photo[len(um.Photo)-1].FileID
		}
		if um.Text == "" && um.Document == nil && len(um.Photo) == 0 {
			return badRequest("message can't be copied") // a service message
		}
	} else if _, isService := s.anyMsgLocked(fromChat, int(id)); isService {
		return badRequest("message can't be copied")
	}
	if src == nil || id <= 0 {
		return badRequest("message to copy not found")
	}
	thread, bad := s.threadLocked(chatID, r)
	if bad != nil {
		return *bad
	}

	m := s.newMsgLocked(chatID, "copyMessage")
	m.ThreadID = thread
	m.CopiedFromChat, m.CopiedFromID = fromChat, int(id)
	m.Text, m.Caption, m.File, m.ParseMode = src.Text, src.Caption, src.File, src.ParseMode
	m.doc, m.photo = src.doc, src.photo
	if replaceCaption && !src.isText() {
		m.Caption, m.ParseMode = caption, pm
	}
	m.setMarkup(kb, key, r.p["reply_markup"])
	return ok(models.MessageID{ID: m.ID})
}
