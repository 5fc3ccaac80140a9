package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// gate is the HTTP client of the polling bot. The library asks for the next
// batch of updates (confirming the previous batch to Telegram through its
// offset) as soon as it has queued the previous one; the gate holds that
// request until every update already delivered has reached our handler and
// the whole batch is stored in the inbox in one transaction, so a crash
// never loses an update Telegram considers confirmed.
type gate struct {
	client *http.Client // long polls
	calls  *http.Client // every other request, with its own timeout; client when nil
	// flush stores a batch durably; it retries until it succeeds or ctx
	// ends. raw holds the batch's updates as Telegram sent them, by id.
	flush func(ctx context.Context, batch []*models.Update, raw map[int64][]byte) error

	// tell, when set, is called while a batch cannot be stored for the
	// updates Telegram holds behind it, which are neither stored nor
	// confirmed: their senders are told that their messages are not lost.
	tell func(ctx context.Context, u *models.Update)
	// limited, when set, hears the retry_after of a poll refused with 429.
	limited func(time.Duration)

	mu        sync.Mutex
	cond      *sync.Cond
	notBefore time.Time // no poll before: Telegram's retry_after of a 429
	delivered int64     // highest update id handed to the library
	received  int64     // highest update id our handler has seen
	buffer    []*models.Update
	// raw holds the updates of the polls since the last flush as Telegram
	// sent them, by id: the inbox stores them so, without encoding what
	// the library decoded again.
	raw map[int64][]byte
}

func newGate(client *http.Client, flush func(context.Context, []*models.Update, map[int64][]byte) error) *gate {
	g := &gate{client: client, flush: flush}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Do implements the library's HttpClient.
func (g *gate) Do(req *http.Request) (*http.Response, error) {
	req, err := sized(req)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		if g.calls != nil {
			return g.calls.Do(req)
		}
		return g.client.Do(req)
	}
	if err := g.settle(req.Context(), req.URL.String()); err != nil {
		return nil, err
	}
	if err := g.waitRetryAfter(req.Context()); err != nil {
		return nil, err
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var batch struct {
		Result     []polledUpdate `json:"result"`
		Parameters struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	decoded := json.Unmarshal(body, &batch) == nil
	if decoded && batch.Parameters.RetryAfter > 0 {
		// The library retries a failed poll after 100 ms, doubling up to
		// 5 s, whatever Telegram asked: the next poll waits here instead.
		g.mu.Lock()
		g.notBefore = time.Now().Add(time.Duration(batch.Parameters.RetryAfter) * time.Second)
		g.mu.Unlock()
		if g.limited != nil {
			g.limited(time.Duration(batch.Parameters.RetryAfter) * time.Second)
		}
	}
	if decoded {
		g.mu.Lock()
		for _, u := range batch.Result {
			g.delivered = max(g.delivered, u.UpdateID)
			if g.raw == nil {
				g.raw = make(map[int64][]byte, len(batch.Result))
			}
			g.raw[u.UpdateID] = u.raw
		}
		g.mu.Unlock()
	}
	return resp, nil
}

// polledUpdate is an update of a getUpdates answer: its id and its JSON.
type polledUpdate struct {
	UpdateID int64
	raw      []byte
}

func (p *polledUpdate) UnmarshalJSON(data []byte) error {
	var head struct {
		UpdateID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return err
	}
	p.UpdateID, p.raw = head.UpdateID, bytes.Clone(data)
	return nil
}

// waitRetryAfter holds a poll until the retry_after of the last 429 passed.
func (g *gate) waitRetryAfter(ctx context.Context) error {
	g.mu.Lock()
	d := time.Until(g.notBefore)
	g.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// receive takes one update from the library's handler.
func (g *gate) receive(u *models.Update) {
	g.mu.Lock()
	g.buffer = append(g.buffer, u)
	g.received = max(g.received, u.ID)
	g.cond.Broadcast()
	g.mu.Unlock()
}

// settle waits until every delivered update has been received, then stores
// them; only then may the next getUpdates confirm them.
func (g *gate) settle(ctx context.Context, pollURL string) error {
	stop := context.AfterFunc(ctx, func() {
		g.mu.Lock()
		g.cond.Broadcast()
		g.mu.Unlock()
	})
	defer stop()
	g.mu.Lock()
	for g.received < g.delivered {
		if err := ctx.Err(); err != nil {
			g.mu.Unlock()
			return err
		}
		g.cond.Wait()
	}
	batch, raw := g.takeLocked()
	g.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := g.flushTelling(ctx, pollURL, batch, raw); err != nil {
		// Not stored: put them back; the offset is not advanced, so
		// Telegram keeps them too.
		g.mu.Lock()
		g.buffer = append(batch, g.buffer...)
		for id, r := range raw {
			if g.raw == nil {
				g.raw = map[int64][]byte{}
			}
			g.raw[id] = r
		}
		g.mu.Unlock()
		return err
	}
	return nil
}

// takeLocked takes the received updates and their JSON.
func (g *gate) takeLocked() ([]*models.Update, map[int64][]byte) {
	batch, raw := g.buffer, g.raw
	g.buffer, g.raw = nil, nil
	return batch, raw
}

// drain stores what was received but not yet stored (on shutdown).
func (g *gate) drain(ctx context.Context) error {
	g.mu.Lock()
	batch, raw := g.takeLocked()
	g.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	return g.flush(ctx, batch, raw)
}

// peekEvery is how often, while a batch cannot be stored, the gate looks at
// what Telegram holds behind it.
const peekEvery = time.Second

// flushTelling stores a batch; while that keeps failing, the partners whose
// messages wait at Telegram behind it are told their messages are not lost.
func (g *gate) flushTelling(ctx context.Context, pollURL string, batch []*models.Update, raw map[int64][]byte) error {
	if g.tell == nil {
		return g.flush(ctx, batch, raw)
	}
	done := make(chan error, 1)
	go func() { done <- g.flush(ctx, batch, raw) }()
	t := time.NewTicker(peekEvery)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-t.C:
			g.peek(ctx, pollURL, batch)
		}
	}
}

// peek asks Telegram, without waiting, for the updates it holds from the
// batch on; that offset confirms nothing that was not confirmed before.
func (g *gate) peek(ctx context.Context, pollURL string, batch []*models.Update) {
	first, last := batch[0].ID, batch[0].ID
	for _, u := range batch {
		first, last = min(first, u.ID), max(last, u.ID)
	}
	form := url.Values{"offset": {strconv.FormatInt(first, 10)}, "timeout": {"0"}, "limit": {"100"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, pollURL, strings.NewReader(form.Encode()))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := g.client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var answer struct {
		Result []*models.Update `json:"result"`
	}
	if json.NewDecoder(resp.Body).Decode(&answer) != nil {
		return
	}
	for _, u := range answer.Result {
		if u.ID > last {
			g.tell(ctx, u)
		}
	}
}
