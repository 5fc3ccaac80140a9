package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
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
	// CPU used during the round by the load tool's process (the fake Bot
	// API server, the partners and, for the echo bots, the bot itself)
	// and by the bot's process.
	loadCPU, botCPU time.Duration
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
	if r.loadCPU > 0 && r.updates > 0 {
		perUpdate := func(d time.Duration) time.Duration { return (d / time.Duration(r.updates)).Round(time.Microsecond) }
		if r.botCPU > 0 {
			fmt.Printf("  CPU per update: bot %v, load tool (fake Bot API and partners) %v\n", perUpdate(r.botCPU), perUpdate(r.loadCPU))
		} else {
			fmt.Printf("  CPU per update: %v (bot, fake Bot API and partners in one process)\n", perUpdate(r.loadCPU))
		}
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

// clockTick is the unit of /proc's CPU times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// procCPU is the CPU time (user and system) a process has used so far.
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted from 1 start after it, utime and stime being 14 and 15.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}

// cpuMeter measures the CPU that the load tool itself (the fake Bot API
// server and the simulated partners, plus the echo bots that run in it) and
// the bot's process use during a round.
type cpuMeter struct {
	bot             int // the bot's pid; 0 when the bot runs in this process
	self, botBefore time.Duration
}

func startCPU(botPid int) cpuMeter {
	m := cpuMeter{bot: botPid, self: procCPU(os.Getpid())}
	if botPid != 0 {
		m.botBefore = procCPU(botPid)
	}
	return m
}

// stop records the round's CPU in r.
func (m cpuMeter) stop(r *result) {
	r.loadCPU = procCPU(os.Getpid()) - m.self
	if m.bot != 0 {
		r.botCPU = procCPU(m.bot) - m.botBefore
	}
}
