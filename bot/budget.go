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
// their messages from it, so that together they never send more than the
// configured rate. It is a token bucket kept as one number (the generic
// cell rate algorithm's theoretical arrival time, in Unix nanoseconds) in
// a small file beside the database, read and advanced under an exclusive
// flock. The kernel drops the lock of a process that dies, even by SIGKILL,
// and the number left behind is only a time: nothing needs recovering. A
// file rather than a table keeps these ~25 small writes a second out of
// SQLite's single writer lock, which every partner's turn takes.
//
// The processes must share one machine (they share the SQLite file
// already) and its clock.
type Budget struct {
	mu       sync.Mutex // the flock is per open file; goroutines queue here
	f        *os.File
	interval int64 // nanoseconds between two messages on average
	burst    int64
}

// OpenBudget opens (creating it if needed) the budget file at path: at most
// perSecond messages a second on average, in bursts of up to burst.
func OpenBudget(path string, perSecond float64, burst int) (*Budget, error) {
	if perSecond <= 0 {
		return nil, fmt.Errorf("sending budget %s: rate %v: want more than 0", path, perSecond)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sending budget: %w", err)
	}
	return &Budget{f: f, interval: int64(float64(time.Second) / perSecond), burst: int64(max(burst, 1))}, nil
}

// Close releases the file.
func (b *Budget) Close() error { return b.f.Close() }

// Wait blocks until one message may be sent, or ctx ends.
func (b *Budget) Wait(ctx context.Context) error {
	for {
		d, err := b.take(time.Now().UnixNano())
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
func (b *Budget) take(now int64) (time.Duration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fd := int(b.f.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
		return 0, fmt.Errorf("sending budget: lock: %w", err)
	}
	defer syscall.Flock(fd, syscall.LOCK_UN)
	var buf [8]byte
	tat := int64(0)
	if n, err := b.f.ReadAt(buf[:], 0); n == len(buf) {
		tat = int64(binary.LittleEndian.Uint64(buf[:]))
	} else if err != nil && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("sending budget: read: %w", err)
	}
	// A time far ahead means the clock was set back: start afresh rather
	// than stall every sender.
	if tat < now || tat > now+(b.burst+1)*b.interval+int64(time.Minute) {
		tat = now
	}
	if allowed := now + (b.burst-1)*b.interval; tat > allowed {
		return time.Duration(tat - allowed), nil
	}
	binary.LittleEndian.PutUint64(buf[:], uint64(tat+b.interval))
	if _, err := b.f.WriteAt(buf[:], 0); err != nil {
		return 0, fmt.Errorf("sending budget: write: %w", err)
	}
	return 0, nil
}
