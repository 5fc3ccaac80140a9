package bot

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// Budget is a sending budget shared by every process that opens the same
// file: `specbot serve` and a cron `specbot remind` on one database take
// their messages from it, so that together they keep to the configured
// rate. It is a token bucket kept as one number (the generic cell rate
// algorithm's theoretical arrival time, in Unix nanoseconds) in a small
// file beside the database, read and advanced under an exclusive flock.
// The kernel drops the lock of a process that dies, even by SIGKILL, and
// the number left behind is only a time: nothing needs recovering. A file
// rather than a table keeps these ~25 small writes a second out of
// SQLite's single writer lock, which every partner's turn takes.
//
// Two kinds of message spend it. A broadcast (a reminder) waits until the
// budget is back to the rate: broadcasts alone never exceed it. A reply to
// a partner may run ahead of the rate by burst messages (one second's
// worth), so that a rush of replies is not queued behind a broadcast, and
// the broadcasts then wait until the replies' excess is paid back: over
// any stretch of time, replies and broadcasts together stay within the
// rate, plus at most one burst.
//
// The processes must share one machine (they share the SQLite file
// already) and its clock.
type Budget struct {
	mu       sync.Mutex // the flock is per open file; goroutines queue here
	f        *os.File   // nil: this process's budget only, kept in tat
	tat      int64
	interval int64 // nanoseconds between two messages on average
	burst    int64
}

// OpenBudget opens (creating it if needed) the budget file at path: at most
// perSecond messages a second on average; replies may run ahead of it by
// burst messages.
func OpenBudget(path string, perSecond float64, burst int) (*Budget, error) {
	if perSecond <= 0 {
		return nil, fmt.Errorf("sending budget %s: rate %v: want more than 0", path, perSecond)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sending budget: %w", err)
	}
	b := newBudget(perSecond, burst)
	b.f = f
	return b, nil
}

// newBudget is a budget of this process alone.
func newBudget(perSecond float64, burst int) *Budget {
	return &Budget{interval: int64(float64(time.Second) / perSecond), burst: int64(max(burst, 1))}
}

// Close releases the file.
func (b *Budget) Close() error {
	if b.f == nil {
		return nil
	}
	return b.f.Close()
}

// Wait blocks until one message may be sent, or ctx ends; bulk is set for
// a broadcast, which never runs ahead of the rate.
func (b *Budget) Wait(ctx context.Context, bulk bool) error {
	for {
		d, err := b.take(time.Now().UnixNano(), bulk)
		if err != nil {
			return err
		}
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// take spends one message of the budget at now and returns 0, or returns
// how long to wait before asking again without spending anything.
func (b *Budget) take(now int64, bulk bool) (time.Duration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	tat, err := b.load()
	if err != nil {
		return 0, err
	}
	if b.f != nil {
		defer b.unlock()
	}
	// A time far ahead means the clock was set back: start afresh rather
	// than stall every sender.
	if tat < now || tat > now+(b.burst+1)*b.interval+int64(time.Minute) {
		tat = now
	}
	allowed := now
	if !bulk {
		allowed += (b.burst - 1) * b.interval
	}
	if tat > allowed {
		return time.Duration(tat - allowed), nil
	}
	return 0, b.save(tat + b.interval)
}

// load reads the budget's state, locking the file first.
func (b *Budget) load() (int64, error) {
	if b.f == nil {
		return b.tat, nil
	}
	if err := syscall.Flock(int(b.f.Fd()), syscall.LOCK_EX); err != nil {
		return 0, fmt.Errorf("sending budget: lock: %w", err)
	}
	var buf [8]byte
	n, err := b.f.ReadAt(buf[:], 0)
	if n == len(buf) {
		return int64(binary.LittleEndian.Uint64(buf[:])), nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		b.unlock()
		return 0, fmt.Errorf("sending budget: read: %w", err)
	}
	return 0, nil
}

func (b *Budget) save(tat int64) error {
	if b.f == nil {
		b.tat = tat
		return nil
	}
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(tat))
	if _, err := b.f.WriteAt(buf[:], 0); err != nil {
		return fmt.Errorf("sending budget: write: %w", err)
	}
	return nil
}

func (b *Budget) unlock() { _ = syscall.Flock(int(b.f.Fd()), syscall.LOCK_UN) }
