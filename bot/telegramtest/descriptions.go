package telegramtest

import (
	"unicode/utf8"
)

// setDescription handles setMyDescription ("description", up to 512 characters)
// and setMyShortDescription ("short_description", up to 120): an empty text
// removes the one of that language, as in Telegram.
func setDescription(field string, limit int) func(*Server, *request) reply {
	return func(s *Server, r *request) reply {
		text := r.p[field]
		if utf8.RuneCountInString(text) > limit {
			return badRequest(field + " is too long")
		}
		key := field + "|" + r.p["language_code"]
		s.mu.Lock()
		defer s.mu.Unlock()
		if text == "" {
			delete(s.descs, key)
		} else {
			s.descs[key] = text
		}
		return ok(true)
	}
}

func getDescription(field string) func(*Server, *request) reply {
	return func(s *Server, r *request) reply {
		s.mu.Lock()
		defer s.mu.Unlock()
		return ok(map[string]string{field: s.descs[field+"|"+r.p["language_code"]]})
	}
}

// Description returns the description set for a language code ("" is the
// default), and ShortDescription the short one.
func (s *Server) Description(lang string) string { return s.get("description|" + lang) }

// ShortDescription returns the short description set for a language code.
func (s *Server) ShortDescription(lang string) string { return s.get("short_description|" + lang) }

func (s *Server) get(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.descs[key]
}
