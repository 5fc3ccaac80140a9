package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

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
	// Group, with HandoffID, is a post into the managers' chat other than
	// the card (a copy of the partner's message, a note).
	Group *GroupItem
	// Document, when set, is a file sent after Messages (an export).
	Document *Document
	// Thread is the forum topic of the managers' chat the batch answers
	// in (a manager's command written in a partner's topic), 0 for none.
	Thread int
	// Relay, when set, marks a manager's answer relayed to the partner:
	// Messages holds its one signed text, sent as it is or as the caption
	// of the manager's file that Relay names.
	Relay    *RelayFrom
	Attempts int
	// CreatedAt is when the batch was stored.
	CreatedAt time.Time
	// Err is set when the stored batch cannot be read.
	Err error
}

// Document is a file to send, kept in the outbox with its content.
type Document struct {
	Name    string `json:"name"`
	Data    []byte `json:"data"`
	Caption string `json:"caption,omitempty"`
	// Gzip is set on the stored copy, whose Data is compressed: an export
	// of 10,000 partners is 4 MB of CSV, and a tenth of that compressed.
	Gzip bool `json:"gzip,omitempty"`
}

// packed is d as the outbox stores it, its data compressed; d itself when
// it is compressed already (an export is written compressed).
func (d *Document) packed() (*Document, error) {
	if d.Gzip {
		return d, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(d.Data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	p := *d
	p.Data, p.Gzip = buf.Bytes(), true
	return &p, nil
}

// Open reads the document's contents as they are sent, uncompressed as it
// goes: a stored export stays compressed in memory until its bytes are on
// the wire. Each call reads from the start, for another attempt.
func (d *Document) Open() (io.Reader, error) {
	if !d.Gzip {
		return bytes.NewReader(d.Data), nil
	}
	return gzip.NewReader(bytes.NewReader(d.Data))
}

// Contents is the whole document, uncompressed.
func (d *Document) Contents() ([]byte, error) {
	r, err := d.Open()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// RelayFrom is where a relayed answer comes from: the manager's photo or
// document to copy to the partner (FromChat and MessageID), or nothing to
// copy (MessageID 0: the signed text alone).
type RelayFrom struct {
	FromChat  int64 `json:"from_chat,omitempty"`
	MessageID int   `json:"message_id,omitempty"`
}

type outboundPayload struct {
	Pressed  int               `json:"pressed,omitempty"`
	Anchor   int               `json:"anchor,omitempty"`
	Messages []dialogs.Message `json:"messages"`
	Document *Document         `json:"document,omitempty"`
	Thread   int               `json:"thread,omitempty"`
	Relay    *RelayFrom        `json:"relay,omitempty"`
}

func encodeOutbound(pressed, anchor int, msgs []dialogs.Message) (*store.Outbound, error) {
	return encodePayload(outboundPayload{Pressed: pressed, Anchor: anchor, Messages: msgs})
}

func encodePayload(p outboundPayload) (*store.Outbound, error) {
	if p.Document != nil {
		d, err := p.Document.packed()
		if err != nil {
			return nil, fmt.Errorf("encode document: %w", err)
		}
		p.Document = d
	}
	data, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode replies: %w", err)
	}
	return &store.Outbound{Payload: data}, nil
}

func decodeOutbound(o store.Outbound) Outbound {
	out := Outbound{ID: o.ID, ChatID: o.ChatID, Attempts: o.Attempts, HandoffID: o.HandoffID, CreatedAt: o.CreatedAt}
	if o.HandoffID != 0 {
		if len(o.Payload) > 0 {
			var g groupPayload
			if err := json.Unmarshal(o.Payload, &g); err != nil {
				out.Err = fmt.Errorf("decode group item %d: %w", o.ID, err)
			}
			out.Group = g.Group
		}
		return out
	}
	var p outboundPayload
	if err := json.Unmarshal(o.Payload, &p); err != nil {
		out.Err = fmt.Errorf("decode replies %d: %w", o.ID, err)
		return out
	}
	out.Pressed, out.Anchor, out.Messages, out.Document, out.Thread = p.Pressed, p.Anchor, p.Messages, p.Document, p.Thread
	out.Relay = p.Relay
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

// Answer stores what to send chatID in answer to an update that changes no
// session (a manager's figures, an export, a refusal of what cannot be
// read) and marks the update done, in one write: the adapter then sends the
// batch and marks it sent, and a redelivered update gets
// store.ErrAlreadyDone and is never answered twice. updateID 0 stores the
// batch alone (an apology, a note to a partner); with nothing to send only
// the update is marked, and the Outbound's ID is 0.
func (a *App) Answer(ctx context.Context, updateID, chatID int64, msgs []dialogs.Message, doc *Document) (Outbound, error) {
	return a.AnswerIn(ctx, updateID, chatID, 0, msgs, doc)
}

// AnswerIn is Answer in a forum topic of the chat (thread 0: none).
func (a *App) AnswerIn(ctx context.Context, updateID, chatID int64, thread int, msgs []dialogs.Message, doc *Document) (Outbound, error) {
	out := Outbound{ChatID: chatID, Messages: msgs, Document: doc, Thread: thread}
	var o *store.Outbound
	if len(msgs) > 0 || doc != nil {
		var err error
		if o, err = encodePayload(outboundPayload{Messages: msgs, Document: doc, Thread: thread}); err != nil {
			return Outbound{}, err
		}
		o.ChatID = chatID
	}
	if err := a.DB.SaveAnswer(ctx, o, updateID); err != nil {
		return Outbound{}, err
	}
	if o != nil {
		out.ID, out.CreatedAt = o.ID, o.CreatedAt
	}
	return out, nil
}

// SaveRelay stores a manager's answer for its partner in the partner's
// outbox and marks the manager's update done, in one write: a crash
// before the send loses nothing, and a redelivered update gets
// store.ErrAlreadyDone and is never relayed twice. The adapter sends it
// (copying the manager's file when rel names one) and then calls Relayed.
func (a *App) SaveRelay(ctx context.Context, updateID int64, rel Relay) (Outbound, error) {
	from := &RelayFrom{FromChat: rel.CopyFrom, MessageID: rel.MessageID}
	msgs := []dialogs.Message{rel.Message}
	o, err := encodePayload(outboundPayload{Messages: msgs, Relay: from})
	if err != nil {
		return Outbound{}, err
	}
	o.ChatID = rel.Partner.ChatID
	if err := a.DB.SaveAnswer(ctx, o, updateID); err != nil {
		return Outbound{}, err
	}
	return Outbound{ID: o.ID, ChatID: o.ChatID, Messages: msgs, Relay: from, CreatedAt: o.CreatedAt}, nil
}

// ReplyBacklog is how many batches wait in the outbox to be sent.
func (a *App) ReplyBacklog(ctx context.Context) (int, error) { return a.DB.CountPendingOutbound(ctx) }

// Sending claims a reply batch for sending: its first request is going
// out. store.ErrNotFound means another sender took it, or it went out.
func (a *App) Sending(ctx context.Context, id int64) error { return a.DB.MarkSending(ctx, id) }

// Sent records that a reply batch reached Telegram.
func (a *App) Sent(ctx context.Context, id int64) error { return a.DB.MarkSent(ctx, id) }

// SentLater records, without waiting for the disk, that a reply batch
// marked sending reached Telegram; then, when set, gets the outcome and
// must not block.
func (a *App) SentLater(id int64, then func(error)) { a.DB.MarkSentLater(id, then) }

// SendFailed counts a failed attempt at a reply batch, which stays unsent
// with only what is left from delivered on (the messages before, and the
// document after them, reached Telegram). A relay is stored again as o
// has it: with nothing left to copy once its file went.
func (a *App) SendFailed(ctx context.Context, o Outbound, delivered int) error {
	var data []byte
	if delivered > 0 && delivered <= len(o.Messages) || o.Relay != nil {
		rest, err := encodePayload(outboundPayload{Anchor: o.Anchor, Messages: o.Messages[delivered:], Document: o.Document, Thread: o.Thread, Relay: o.Relay})
		if err != nil {
			return err
		}
		data = rest.Payload
	}
	return a.DB.CountAttempt(ctx, o.ID, data)
}
