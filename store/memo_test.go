package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
)

// TestChatSessionMemo: the session a turn saved is read back by the chat's
// next turn without decoding, as a copy of its own; a session stored by
// anything else is read from the database.
func TestChatSessionMemo(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	saved := session("en", 3)
	saved.Company = "Acme"
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 1, Lang: "en"}, Session: saved}))
	saved.Company = "changed after the save"

	c, err := db.Chat(ctx, 1)
	require.NoError(t, err)
	require.NotNil(t, c.Session)
	assert.Equal(t, "Acme", c.Session.Company)
	assert.Equal(t, 3, c.Session.Seq)
	var raw []byte
	require.NoError(t, db.rw.QueryRow(`SELECT data FROM sessions WHERE chat_id = 1`).Scan(&raw))
	_, hit := db.sessions.get(1, db.Catalog, raw)
	assert.True(t, hit, "the saved bytes are remembered")

	c.Session.Company, c.Session.Answered["x"] = "changed by the turn", true
	again, err := db.Chat(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "Acme", again.Session.Company, "each read gets its own copy")
	assert.NotContains(t, again.Session.Answered, "x")

	// Another process (or a restart, or a failed commit) stored other
	// bytes: they are decoded.
	other := session("ru", 9)
	data, err := other.Encode()
	require.NoError(t, err)
	_, err = db.rw.Exec(`UPDATE sessions SET data = ? WHERE chat_id = 1`, data)
	require.NoError(t, err)
	c, err = db.Chat(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "ru", c.Session.Lang)
	assert.Equal(t, 9, c.Session.Seq)

	// A session saved under another edition is not remembered: its read
	// says it is outdated.
	old := dialogs.Session{Version: 99, Lang: "en", State: dialogs.Checking, Key: "f:business_plan"}
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 2, Lang: "en"}, Session: &old}))
	_, err = db.Chat(ctx, 2)
	assert.ErrorIs(t, err, dialogs.ErrSessionOutdated)
}

// TestSessionMemoIsBounded: the memo forgets chats beyond its bound.
func TestSessionMemoIsBounded(t *testing.T) {
	var m sessionMemo
	s := session("en", 1)
	for id := int64(1); id <= memoChats+50; id++ {
		m.put(id, nil, []byte{byte(id)}, s)
	}
	assert.Len(t, m.m, memoChats)
	m.put(memoChats+51, nil, make([]byte, memoMaxSize+1), s)
	_, ok := m.m[memoChats+51]
	assert.False(t, ok, "a large session is left to be decoded")
}
