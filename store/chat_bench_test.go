package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkChatAfterWrite reads a chat as each turn does, right after
// another chat's turn was committed, as under load: every read
// transaction then starts with SQLite's page cache emptied.
func BenchmarkChatAfterWrite(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	for i := 1; i <= 2000; i++ {
		turn := &Turn{Partner: Partner{ChatID: int64(i), Lang: "en"}, Session: session("en", 1), Outbox: &Outbound{Payload: []byte("x")}}
		require.NoError(b, db.SaveTurn(ctx, turn))
		require.NoError(b, db.MarkSent(ctx, turn.Outbox.ID))
	}
	i := 0
	for b.Loop() {
		i++
		b.StopTimer()
		turn := &Turn{Partner: Partner{ChatID: int64(i%2000 + 1), Lang: "en", Name: "x"}, Session: session("en", i%5+1), Outbox: &Outbound{Payload: []byte("y")}}
		require.NoError(b, db.SaveTurn(ctx, turn))
		require.NoError(b, db.MarkSent(ctx, turn.Outbox.ID))
		b.StartTimer()
		if _, err := db.Chat(ctx, int64((i*7)%2000+1)); err != nil {
			b.Fatal(err)
		}
	}
}
