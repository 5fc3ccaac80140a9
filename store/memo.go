package store

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"specbot/dialogs"
	"specbot/eligibility"
)

// sessionMemo keeps, for the chats that saved a session lately, the bytes
// stored and the session they encode, so that the chat's next turn need
// not decode them again: under load the decoding was a twentieth of a
// turn's work. It is keyed by the bytes themselves, so it needs no
// invalidation: a session stored by anything else (another process, a
// restart, a failed commit) reads differently and is decoded.
type sessionMemo struct {
	mu sync.Mutex
	m  map[int64]memoEntry
}

type memoEntry struct {
	raw []byte
	cat *eligibility.Catalog
	s   dialogs.Session
}

const (
	// memoChats bounds the chats remembered: those of the turns under
	// way. At a few KiB each, the memo stays under 2 MiB.
	memoChats = 512
	// memoMaxSize leaves unusually large sessions to be decoded.
	memoMaxSize = 4 << 10
)

// verifyMemo, in tests, decodes every session the memo answers for and
// fails loudly when the two differ: the memo must be invisible.
var verifyMemo = testing.Testing()

// put remembers that raw is the encoding of s under cat.
func (m *sessionMemo) put(chatID int64, cat *eligibility.Catalog, raw []byte, s *dialogs.Session) {
	if s == nil || len(raw) > memoMaxSize || !s.Current(cat) {
		m.forget(chatID)
		return
	}
	e := memoEntry{raw: raw, cat: cat, s: s.Clone()}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = make(map[int64]memoEntry)
	}
	if _, ok := m.m[chatID]; !ok && len(m.m) >= memoChats {
		for id := range m.m { // any one: Go's map order is random
			delete(m.m, id)
			break
		}
	}
	m.m[chatID] = e
}

// get returns a copy of the session raw encodes, if it is the one
// remembered for the chat.
func (m *sessionMemo) get(chatID int64, cat *eligibility.Catalog, raw []byte) (dialogs.Session, bool) {
	m.mu.Lock()
	e, ok := m.m[chatID]
	m.mu.Unlock()
	if !ok || e.cat != cat || !bytes.Equal(e.raw, raw) {
		return dialogs.Session{}, false
	}
	return e.s.Clone(), true
}

func (m *sessionMemo) forget(chatID int64) {
	m.mu.Lock()
	delete(m.m, chatID)
	m.mu.Unlock()
}

// chatSession decodes the session a chat's turn reads, from the memo when
// the chat's last save stored these very bytes.
func (db *DB) chatSession(chatID int64, data []byte) (*dialogs.Session, error) {
	if data == nil {
		return nil, nil
	}
	s, ok := db.sessions.get(chatID, db.Catalog, data)
	if !ok {
		return db.decodeSession(data)
	}
	if verifyMemo {
		d, err := db.decodeSession(data)
		if err != nil {
			panic(fmt.Sprintf("store: chat %d: the memo holds a session that does not decode: %v", chatID, err))
		}
		if a, b := mustEncode(&s), mustEncode(d); !bytes.Equal(a, b) {
			panic(fmt.Sprintf("store: chat %d: the memo's session differs from the stored one:\nmemo:   %s\nstored: %s", chatID, a, b))
		}
	}
	return &s, nil
}

func mustEncode(s *dialogs.Session) []byte {
	b, err := s.Encode()
	if err != nil {
		panic(err)
	}
	return b
}
