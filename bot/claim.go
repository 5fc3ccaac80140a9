package bot

import (
	"context"
	"errors"
	"sync"

	"specbot/app"
)

// A batch is claimed for sending ("sending" in the outbox, durable) before
// its first request that would show the partner something twice if it
// were repeated: a send. A batch found "sending" after a crash may have
// arrived, and is not sent again. Edits need no claim: editing a message
// to what it already shows changes nothing (Telegram answers "message is
// not modified"), so a batch of edits whose sent mark a crash lost is
// simply sent again. That spares a button answer, which is one edit, a
// durable write before its reply.

// claim is the sending claim of one stored batch.
type claim struct {
	b      *Bot
	o      app.Outbound
	tried  bool // the claim was asked for: a send came
	marked bool // the batch is marked sending
	taken  bool // another sender claimed it first
}

type claimKey struct{}

type answerKey struct{}

// afterAnswer has the claims made under ctx wait for answered: the
// callback query's answer, which goes out beside the batch's edits.
func afterAnswer(ctx context.Context, answered *sync.WaitGroup) context.Context {
	return context.WithValue(ctx, answerKey{}, answered)
}

// withClaim has the sends made under ctx claim c first.
func withClaim(ctx context.Context, c *claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// claimFrom is the claim of the batch being sent under ctx, or nil.
func claimFrom(ctx context.Context) *claim {
	c, _ := ctx.Value(claimKey{}).(*claim)
	return c
}

// errClaimed stops a send of a batch another sender claimed first.
var errClaimed = errors.New("batch claimed by another sender")

// before claims the batch before its first send; errClaimed when another
// sender has it. A claim the database could not record lets the send go
// on: the reply matters more than the rare duplicate after a crash.
func (c *claim) before(ctx context.Context) error {
	if c == nil {
		return nil
	}
	if c.taken {
		return errClaimed
	}
	if c.tried {
		return nil
	}
	if wg, _ := ctx.Value(answerKey{}).(*sync.WaitGroup); wg != nil {
		wg.Wait()
	}
	c.tried = true
	err := c.b.app.Sending(ctx, c.o.ID)
	switch {
	case isNotFound(err):
		c.taken = true
		return errClaimed
	case err != nil:
		c.b.log.Warn("mark replies sending", "chat_id", c.o.ChatID, "outbox_id", c.o.ID, "err", err)
	default:
		c.marked = true
	}
	return nil
}
