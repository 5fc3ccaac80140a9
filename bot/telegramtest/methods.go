package telegramtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

func (s *Server) sendMessage(r *request) reply {
	chatID, bad := r.chatID()
	if bad != nil {
		return *bad
	}
	text, pm := r.p["text"], r.p["parse_mode"]
	if bad := checkText(text, pm, 4096, "message text is empty", "message is too long"); bad != nil {
		return *bad
	}
	kb, key, bad := parseMarkup(r.p["reply_markup"])
	if bad != nil {
		return *bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	thread, bad := s.threadLocked(chatID, r)
	if bad != nil {
		return *bad
	}
	m := s.newMsgLocked(chatID, "sendMessage")
	m.ThreadID = thread
	m.Text, m.ParseMode = text, pm
	m.setMarkup(kb, key, r.p["reply_markup"])
	return ok(s.modelLocked(m))
}

// sendMedia handles sendDocument (field "document") and sendPhoto ("photo").
func sendMedia(field string) func(*Server, *request) reply {
	return func(s *Server, r *request) reply {
		chatID, bad := r.chatID()
		if bad != nil {
			return *bad
		}
		file := r.p[field]
		if file == "" {
			return badRequest("there is no " + field + " in the request")
		}
		caption, pm := r.p["caption"], r.p["parse_mode"]
		if bad := checkText(caption, pm, 1024, "", "message caption is too long"); bad != nil {
			return *bad
		}
		kb, key, bad := parseMarkup(r.p["reply_markup"])
		if bad != nil {
			return *bad
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		thread, bad := s.threadLocked(chatID, r)
		if bad != nil {
			return *bad
		}
		method := "send" + strings.ToUpper(field[:1]) + field[1:]
		m := s.newMsgLocked(chatID, method)
		m.ThreadID = thread
		m.File, m.Caption, m.ParseMode = file, caption, pm
		m.setMarkup(kb, key, r.p["reply_markup"])
		s.lastFile++
		fileID, name := file, ""
		data, uploaded := r.files[field]
		if uploaded {
			fileID, name = fmt.Sprintf("%s-%d", field, s.lastFile), file
		}
		uniq := fmt.Sprintf("u%s-%d", field, s.lastFile)
		if field == "photo" {
			m.photo = []models.PhotoSize{{FileID: fileID, FileUniqueID: uniq, Width: 90, Height: 90, FileSize: len(data)}}
		} else {
			m.doc = &models.Document{FileID: fileID, FileUniqueID: uniq, FileName: name, FileSize: int64(len(data))}
		}
		return ok(s.modelLocked(m))
	}
}

func (s *Server) editMessageText(r *request) reply {
	text, pm := r.p["text"], r.p["parse_mode"]
	if bad := checkText(text, pm, 4096, "message text is empty", "message is too long"); bad != nil {
		return *bad
	}
	kb, key, bad := parseMarkup(r.p["reply_markup"])
	if bad != nil {
		return *bad
	}
	if r.p["inline_message_id"] != "" {
		return ok(true)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, bad := s.findLocked(r, "message to edit not found")
	if bad != nil {
		return *bad
	}
	if !m.isText() {
		return badRequest("there is no text in the message to edit")
	}
	if m.Text == text && m.ParseMode == pm && m.markupKey == key {
		return badRequest(notModified)
	}
	m.Text, m.ParseMode = text, pm
	m.setMarkup(kb, key, r.p["reply_markup"])
	return s.editedLocked(m)
}

func (s *Server) editMessageCaption(r *request) reply {
	caption, pm := r.p["caption"], r.p["parse_mode"]
	if bad := checkText(caption, pm, 1024, "", "message caption is too long"); bad != nil {
		return *bad
	}
	kb, key, bad := parseMarkup(r.p["reply_markup"])
	if bad != nil {
		return *bad
	}
	if r.p["inline_message_id"] != "" {
		return ok(true)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, bad := s.findLocked(r, "message to edit not found")
	if bad != nil {
		return *bad
	}
	if m.isText() {
		return badRequest("there is no caption in the message to edit")
	}
	if m.Caption == caption && m.ParseMode == pm && m.markupKey == key {
		return badRequest(notModified)
	}
	m.Caption, m.ParseMode = caption, pm
	m.setMarkup(kb, key, r.p["reply_markup"])
	return s.editedLocked(m)
}

func (s *Server) editMessageReplyMarkup(r *request) reply {
	kb, key, bad := parseMarkup(r.p["reply_markup"])
	if bad != nil {
		return *bad
	}
	if r.p["inline_message_id"] != "" {
		return ok(true)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, bad := s.findLocked(r, "message to edit not found")
	if bad != nil {
		return *bad
	}
	if m.markupKey == key {
		return badRequest(notModified)
	}
	m.setMarkup(kb, key, r.p["reply_markup"])
	return s.editedLocked(m)
}

func (s *Server) editedLocked(m *botMsg) reply {
	m.Edits++
	m.editDate = int(time.Now().Unix())
	return ok(s.modelLocked(m))
}

func (s *Server) deleteMessage(r *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, bad := s.findLocked(r, "message to delete not found")
	if bad != nil {
		return *bad
	}
	delete(s.msgs[m.ChatID], m.ID)
	return ok(true)
}

func (s *Server) deleteMessages(r *request) reply {
	chatID, bad := r.chatID()
	if bad != nil {
		return *bad
	}
	var ids []int
	if json.Unmarshal([]byte(r.p["message_ids"]), &ids) != nil || len(ids) == 0 {
		return badRequest("message identifiers are not specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		delete(s.msgs[chatID], id)
	}
	return ok(true)
}

func (s *Server) sendChatAction(r *request) reply {
	if _, bad := r.chatID(); bad != nil {
		return *bad
	}
	if r.p["action"] == "" {
		return badRequest("action is empty")
	}
	return ok(true)
}

func (s *Server) answerCallbackQuery(r *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.callbacks[r.p["callback_query_id"]] {
		return badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	return ok(true)
}

// commandsKey identifies a command list by scope and language.
func commandsKey(r *request) string {
	scope := map[string]any{"type": "default"}
	_ = json.Unmarshal([]byte(r.p["scope"]), &scope)
	b, _ := json.Marshal(scope)
	return string(b) + "|" + r.p["language_code"]
}

func (s *Server) setMyCommands(r *request) reply {
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(r.p["commands"]), &cmds); err != nil {
		return badRequest("can't parse commands JSON array")
	}
	raw, _ := json.Marshal(cmds)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[commandsKey(r)] = string(raw)
	return ok(true)
}

func (s *Server) getMyCommands(r *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if raw, found := s.commands[commandsKey(r)]; found {
		return ok(json.RawMessage(raw))
	}
	return ok([]models.BotCommand{})
}

func (s *Server) deleteMyCommands(r *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, commandsKey(r))
	return ok(true)
}
