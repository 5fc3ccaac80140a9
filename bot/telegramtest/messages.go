package telegramtest

import (
	"maps"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// Button is one inline keyboard button.
type Button struct {
	Text string
	Data string // callback_data
	URL  string
}

// Message is a message the bot sent, as it is now (after edits).
type Message struct {
	ID        int
	ChatID    int64
	Text      string // as sent, markup included when ParseMode is set
	ParseMode string
	Keyboard  [][]Button // inline keyboard; nil when none
	Edits     int        // successful edit* calls

	Method      string // method that created it: sendMessage, sendDocument, sendPhoto or copyMessage
	Caption     string // media caption
	File        string // media: uploaded file name, or the file_id / URL passed
	ReplyMarkup string // last reply_markup JSON as sent, of any kind ("" when none)

	ThreadID       int   // forum topic (message_thread_id) it is in; 0 outside topics
	CopiedFromChat int64 // copyMessage: the source's chat
	CopiedFromID   int   // copyMessage: the source's message id
}

type botMsg struct {
	Message
	date, editDate int
	markup         *models.InlineKeyboardMarkup // never mutated, replaced on edit
	markupKey      string                       // normalized JSON of markup, for "not modified"
	doc            *models.Document
	photo          []models.PhotoSize
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// Messages returns the bot's messages in chatID that were not deleted, oldest first.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat := s.msgs[chatID]
	out := make([]Message, 0, len(chat))
	for _, id := range slices.Sorted(maps.Keys(chat)) {
		out = append(out, chat[id].snapshot())
	}
	return out
}

// LastMessage returns the newest not deleted message of the bot in chatID.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	all := s.Messages(chatID)
	if len(all) == 0 {
		return Message{}, false
	}
	return all[len(all)-1], true
}

func (m *botMsg) snapshot() Message {
	out := m.Message
	out.Keyboard = nil
	for _, row := range m.Keyboard {
		out.Keyboard = append(out.Keyboard, slices.Clone(row))
	}
	return out
}

func (m *botMsg) setMarkup(kb *models.InlineKeyboardMarkup, key, raw string) {
	m.markup, m.markupKey, m.ReplyMarkup, m.Keyboard = kb, key, raw, nil
	if kb == nil {
		return
	}
	for _, row := range kb.InlineKeyboard {
		var out []Button
		for _, b := range row {
			out = append(out, Button{Text: b.Text, Data: b.CallbackData, URL: b.URL})
		}
		m.Keyboard = append(m.Keyboard, out)
	}
}

// chatLocked returns what the server knows about a chat; from names a new private chat.
func (s *Server) chatLocked(id int64, from models.User) models.Chat {
	if c, ok := s.chats[id]; ok {
		return c
	}
	c := models.Chat{ID: id}
	switch {
	case id > 0:
		c.Type, c.FirstName, c.LastName, c.Username = models.ChatTypePrivate, from.FirstName, from.LastName, from.Username
		if from.ID == 0 {
			return c // names unknown yet: do not remember
		}
	case id < -1_000_000_000_000:
		c.Type, c.Title = models.ChatTypeSupergroup, "Test Supergroup"
	default:
		c.Type, c.Title = models.ChatTypeGroup, "Test Group"
	}
	s.chats[id] = c
	return c
}

func (s *Server) newMsgLocked(chatID int64, method string) *botMsg {
	s.lastMsgID++
	m := &botMsg{Message: Message{ID: s.lastMsgID, ChatID: chatID, Method: method}, date: int(time.Now().Unix())}
	if s.msgs[chatID] == nil {
		s.msgs[chatID] = map[int]*botMsg{}
	}
	s.msgs[chatID][m.ID] = m
	return m
}

// modelLocked renders m as the Bot API returns it.
func (s *Server) modelLocked(m *botMsg) models.Message {
	from := s.bot
	out := models.Message{
		ID:          m.ID,
		From:        &from,
		Date:        m.date,
		EditDate:    m.editDate,
		Chat:        s.chatLocked(m.ChatID, models.User{}),
		Text:        visibleText(m.Text, m.ParseMode),
		Caption:     visibleText(m.Caption, m.ParseMode),
		Document:    m.doc,
		Photo:       m.photo,
		ReplyMarkup: m.markup,
	}
	s.placeLocked(&out, m.ThreadID)
	return out
}

// findLocked looks up the message named by chat_id and message_id.
func (s *Server) findLocked(r *request, notFound string) (*botMsg, *reply) {
	chatID, bad := r.chatID()
	if bad != nil {
		return nil, bad
	}
	id, ok := r.int64("message_id")
	if !ok {
		rep := badRequest("message identifier is not specified")
		return nil, &rep
	}
	m := s.msgs[chatID][int(id)]
	if m == nil {
		rep := badRequest(notFound)
		return nil, &rep
	}
	return m, nil
}
