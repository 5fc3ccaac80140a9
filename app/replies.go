package app

import (
	"context"
	"encoding/json"
	"fmt"

	"specbot/dialogs"
	"specbot/store"
)

// The reply outbox: a turn's replies are stored with the turn, so a crash
// between the commit and the send loses none; the adapter sends them and
// marks them sent, and sends the unsent ones again after a restart.

// Outbound is a batch of replies waiting to be sent, decoded.
type Outbound struct {
	ID     int64
	ChatID int64
	// Pressed is the message whose button caused the replies (0 for typed
	// input or a resend), Anchor the chat's question as the turn saw it.
	Pressed  int
	Anchor   int
	Messages []dialogs.Message
	// HandoffID is set for a card to post or edit in the managers' chat
	// (the group sender's); Messages is then empty.
	HandoffID int64
	Attempts  int
	// Err is set when the stored batch cannot be read.
	Err error
}

type outboundPayload struct {
	Pressed  int               `json:"pressed,omitempty"`
	Anchor   int               `json:"anchor,omitempty"`
	Messages []dialogs.Message `json:"messages"`
}

func encodeOutbound(pressed, anchor int, msgs []dialogs.Message) (*store.Outbound, error) {
	data, err := json.Marshal(outboundPayload{Pressed: pressed, Anchor: anchor, Messages: msgs})
	if err != nil {
		return nil, fmt.Errorf("encode replies: %w", err)
	}
	return &store.Outbound{Payload: data}, nil
}

func decodeOutbound(o store.Outbound) Outbound {
	out := Outbound{ID: o.ID, ChatID: o.ChatID, Attempts: o.Attempts, HandoffID: o.HandoffID}
	if o.HandoffID != 0 {
		return out
	}
	var p outboundPayload
	if err := json.Unmarshal(o.Payload, &p); err != nil {
		out.Err = fmt.Errorf("decode replies %d: %w", o.ID, err)
		return out
	}
	out.Pressed, out.Anchor, out.Messages = p.Pressed, p.Anchor, p.Messages
	return out
}

// Unsent lists the reply batches not yet sent, oldest first; chatID 0
// lists every chat's.
func (a *App) Unsent(ctx context.Context, chatID int64, limit int) ([]Outbound, error) {
	os, err := a.DB.PendingOutbound(ctx, chatID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Outbound, len(os))
	for i, o := range os {
		out[i] = decodeOutbound(o)
	}
	return out, nil
}

// Sending records that a reply batch's first request is going out.
func (a *App) Sending(ctx context.Context, id int64) error { return a.DB.MarkSending(ctx, id) }

// Sent records that a reply batch reached Telegram.
func (a *App) Sent(ctx context.Context, id int64) error { return a.DB.MarkSent(ctx, id) }

// SentLater records, without waiting for the disk, that a reply batch
// marked sending reached Telegram; then, when set, gets the outcome and
// must not block.
func (a *App) SentLater(id int64, then func(error)) { a.DB.MarkSentLater(id, then) }

// SendFailed counts a failed attempt at a reply batch, which stays unsent
// with only its messages from delivered on (those before reached Telegram).
func (a *App) SendFailed(ctx context.Context, o Outbound, delivered int) error {
	var data []byte
	if delivered > 0 && delivered <= len(o.Messages) {
		rest, err := encodeOutbound(0, o.Anchor, o.Messages[delivered:])
		if err != nil {
			return err
		}
		data = rest.Payload
	}
	return a.DB.CountAttempt(ctx, o.ID, data)
}
