package bot

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestGateHandsOverUpdatesAsTelegramSentThem: the inbox gets each polled
// update as the poll's answer had it, fields the library does not model
// included, and only once its handler has received it.
func TestGateHandsOverUpdatesAsTelegramSentThem(t *testing.T) {
	first := `{"update_id":7,"message":{"message_id":1,"chat":{"id":42,"type":"private"},"date":1,"text":"/start","future_field":{"kept":true}}}`
	second := `{"update_id":8,"callback_query":{"id":"c1","from":{"id":42,"is_bot":false,"first_name":"Анна"},"data":"x"}}`
	answers := []string{`{"ok":true,"result":[` + first + `, ` + second + `]}`, `{"ok":true,"result":[]}`, `{"ok":true,"result":[]}`}
	var mu sync.Mutex
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		body := answers[0]
		answers = answers[1:]
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}, Request: r}, nil
	})}
	var stored []*models.Update
	var raw map[int64][]byte
	g := newGate(client, func(_ context.Context, batch []*models.Update, r map[int64][]byte) error {
		stored, raw = batch, r
		return nil
	})
	poll := func() {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1:1/botTOKEN/getUpdates", strings.NewReader("offset=0"))
		require.NoError(t, err)
		resp, err := g.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	poll()
	require.Nil(t, stored, "nothing is stored before the handler received it")
	g.receive(&models.Update{ID: 8})
	g.receive(&models.Update{ID: 7})
	poll()
	require.Len(t, stored, 2)
	assert.Equal(t, first, string(raw[7]))
	assert.Equal(t, second, string(raw[8]))

	// The next poll stores nothing again, and no update's JSON is kept.
	stored, raw = nil, nil
	poll()
	assert.Nil(t, stored)
	assert.Nil(t, g.raw)
}
