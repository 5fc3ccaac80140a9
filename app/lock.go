package app

import (
	"hash/maphash"
	"sync"
)

// chatLocks serialises the turns of one chat inside the process, whichever
// adapter they come by: the Telegram dispatcher applies a chat's updates
// one at a time, but a Mini App submit arrives over HTTP at any moment, and
// without the lock one of two turns of a chat saved at the same instant
// would overwrite the other's session. Chats hash onto a fixed set of
// mutexes, so the zero value is ready and memory does not grow with chats.
type chatLocks struct {
	mu [64]sync.Mutex
}

var chatSeed = maphash.MakeSeed()

// lock takes the chat's mutex and returns its unlock.
func (l *chatLocks) lock(chatID int64) func() {
	m := &l.mu[maphash.Comparable(chatSeed, chatID)%uint64(len(l.mu))]
	m.Lock()
	return m.Unlock
}
