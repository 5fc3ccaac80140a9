package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
)

// gate is the HTTP client of the polling bot. The library asks for the next
// batch of updates (confirming the previous one to Telegram through its
// offset) as soon as it has queued the previous batch; the gate holds that
// request until every update already delivered is stored in the inbox, so a
// crash never loses an update Telegram considers confirmed.
type gate struct {
	client *http.Client

	mu        sync.Mutex
	cond      *sync.Cond
	delivered int64 // highest update id handed to the library
	stored    int64 // highest update id stored (or knowingly skipped)
	closed    bool
}

func newGate(client *http.Client) *gate {
	g := &gate{client: client}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Do implements the library's HttpClient.
func (g *gate) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return g.client.Do(req)
	}
	if err := g.wait(req.Context()); err != nil {
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

// wait blocks until every delivered update is stored, or ctx ends.
func (g *gate) wait(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		g.mu.Lock()
		g.cond.Broadcast()
		g.mu.Unlock()
	})
	defer stop()
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.stored < g.delivered && !g.closed {
		if err := ctx.Err(); err != nil {
			return err
		}
		g.cond.Wait()
	}
	return ctx.Err()
}

// markStored records that an update is durably stored.
func (g *gate) markStored(id int64) {
	g.mu.Lock()
	g.stored = max(g.stored, id)
	g.cond.Broadcast()
	g.mu.Unlock()
}
