package main

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"specbot/bot/telegramtest"
)

// result is one run's figures.
type result struct {
	updates   int
	elapsed   time.Duration
	latencies []time.Duration
	errors    int
	lost      int
	peakRSS   int64
	calls     int           // Bot API calls but the polls
	stats     time.Duration // /stats, from the command to its answer
	export    time.Duration // /export, likewise
}

// callsPerUpdate is the Bot API calls the run made per update.
func (r *result) callsPerUpdate() float64 {
	if r.updates == 0 {
		return 0
	}
	return float64(r.calls) / float64(r.updates)
}

func (r *result) rate() float64 { return float64(r.updates) / r.elapsed.Seconds() }

func (r *result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func (r *result) print(title string) {
	fmt.Printf("%s\n  updates: %d in %v = %.0f updates/s\n  update-to-reply latency: p50 %v, p95 %v, p99 %v\n  errors: %d\n",
		title, r.updates, r.elapsed.Round(time.Millisecond), r.rate(),
		r.percentile(50).Round(10*time.Microsecond), r.percentile(95).Round(10*time.Microsecond), r.percentile(99).Round(10*time.Microsecond), r.errors)
	if r.calls > 0 {
		fmt.Printf("  Bot API calls per update: %.2f\n", r.callsPerUpdate())
	}
	if r.stats > 0 {
		fmt.Printf("  /stats answered in %v, /export in %v\n", r.stats.Round(time.Millisecond), r.export.Round(time.Millisecond))
	}
	if r.peakRSS > 0 {
		fmt.Printf("  peak RSS of the bot process: %.1f MB\n", float64(r.peakRSS)/(1<<20))
	}
	fmt.Println()
}

// watcher turns the fake server's calls into per-chat wake-ups and measures
// the time from an update to the first reply to its chat.
type watcher struct {
	mu      sync.Mutex
	sentAt  map[int64]time.Time
	wake    map[int64]chan struct{}
	lat     []time.Duration
	replies map[int64]int
	calls   int // Bot API calls but the polls
}

func newWatcher(srv *telegramtest.Server, chats []int64) *watcher {
	w := &watcher{sentAt: map[int64]time.Time{}, wake: map[int64]chan struct{}{}, replies: map[int64]int{}}
	for _, c := range chats {
		w.wake[c] = make(chan struct{}, 1)
	}
	srv.OnCall(func(c telegramtest.Call) {
		if c.Method != "getUpdates" {
			w.mu.Lock()
			w.calls++
			w.mu.Unlock()
		}
		switch c.Method {
		case "sendMessage", "editMessageText", "editMessageReplyMarkup":
		default:
			return
		}
		chat := c.ChatID()
		w.mu.Lock()
		if t, ok := w.sentAt[chat]; ok {
			w.lat = append(w.lat, time.Since(t))
			delete(w.sentAt, chat)
		}
		w.replies[chat]++
		ch := w.wake[chat]
		w.mu.Unlock()
		if ch != nil {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	})
	return w
}

// sent records that an update for chat was just queued.
func (w *watcher) sent(chat int64) {
	w.mu.Lock()
	w.sentAt[chat] = time.Now()
	w.mu.Unlock()
}

// waitFor blocks until cond holds, re-checking at each reply to the chat.
func (w *watcher) waitFor(chat int64, timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-w.wake[chat]:
		case <-deadline.C:
			return cond()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}

// apiCalls is how many Bot API calls but the polls the server answered.
func (w *watcher) apiCalls() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls
}

func (w *watcher) latencies() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.lat)
}
