package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/go-telegram/bot/models"
)

// gate is the HTTP client of the polling bot. The library asks for the next
// batch of updates (confirming the previous batch to Telegram through its
// offset) as soon as it has queued the previous one; the gate holds that
// request until every update already delivered has reached our handler and
// the whole batch is stored in the inbox in one transaction, so a crash
// never loses an update Telegram considers confirmed.
type gate struct {
	client *http.Client
	// flush stores a batch durably; it retries until it succeeds or ctx ends.
	flush func(ctx context.Context, batch []*models.Update) error

	mu        sync.Mutex
	cond      *sync.Cond
	delivered int64 // highest update id handed to the library
	received  int64 // highest update id our handler has seen
	buffer    []*models.Update
}

func newGate(client *http.Client, flush func(context.Context, []*models.Update) error) *gate {
	g := &gate{client: client, flush: flush}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Do implements the library's HttpClient.
func (g *gate) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return g.client.Do(req)
	}
	if err := g.settle(req.Context()); err != nil {
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
		Result []struct {
			UpdateID int64 `json:"update_id"`
		} `json:"result"`
	}
	if json.Unmarshal(body, &batch) == nil {
		g.mu.Lock()
		for _, u := range batch.Result {
			g.delivered = max(g.delivered, u.UpdateID)
		}
		g.mu.Unlock()
	}
	return resp, nil
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
func (g *gate) settle(ctx context.Context) error {
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
	batch := g.buffer
	g.buffer = nil
	g.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := g.flush(ctx, batch); err != nil {
		// Not stored: put them back; the offset is not advanced, so
		// Telegram keeps them too.
		g.mu.Lock()
		g.buffer = append(batch, g.buffer...)
		g.mu.Unlock()
		return err
	}
	return nil
}

// drain stores what was received but not yet stored (on shutdown).
func (g *gate) drain(ctx context.Context) error {
	g.mu.Lock()
	batch := g.buffer
	g.buffer = nil
	g.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	return g.flush(ctx, batch)
}
