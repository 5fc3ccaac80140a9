// Package bot is specbot's Telegram adapter on github.com/go-telegram/bot
// (imported as tgbot): updates become input to app (a partner's turn, a
// handoff, the managers' commands), and what app returns becomes Telegram
// messages with inline keyboards; managers get handoff cards.
//
// Nothing a partner sends is lost or applied twice. The library confirms an
// update to Telegram as soon as it is queued (polling) or answers 200 before
// any handler ran (webhook), so updates are first written to the store's
// inbox: in polling mode a gate in front of the HTTP client holds the next
// getUpdates (which confirms the previous batch) until every update of the
// batch is stored; in webhook mode our handler stores the update before it
// answers 200. A dispatcher then applies inbox updates in order per chat,
// chats in parallel, and marks each done in the same transaction as the
// session it changed. An update whose handling panics is recovered,
// counted in the inbox across restarts and, after a few attempts, parked
// there: it never crashes the bot nor replays forever.
//
// Nothing the bot says is lost either, nor said twice. A turn's replies are
// stored in the outbox in the turn's own transaction, and the answer to an
// update that changes no session (a manager's figures or export, the
// refusal of a text too long) with the update's done mark, so that an
// update delivered again is not answered again; notes of our own (the
// taken note, apologies, the Mini App's verdict) are stored before they
// are sent. The sender claims a batch, sends it and marks it sent. A batch
// Telegram refused stays in the outbox from its first unsent message on;
// the unsent ones go out, in order per chat, on a timer with backoff (never
// before a 429's retry_after), at the next start, or before the chat's next
// input, and a typed answer that arrives while the partner's screen is
// behind shows the current question again instead of answering one the
// partner never saw. A batch is claimed ("sending") right before its first
// send (claim.go), so one that a crash left in flight (it may have
// arrived) is not sent again, and a send whose answer did not come back
// within Config.RequestTimeout is not repeated; a batch of edits only is
// never claimed, since sending it again changes nothing.
// Handoff cards are stored in the outbox with their handoff and drained by
// one group sender at the group's pace: no partner's turn waits for the
// group's slot.
//
// Every message waits for its chat's pace (about one a second, in short
// bursts) and the bot's budget in all, a Budget that `serve` and a cron
// `remind` share through a file beside the database (budget.go); the
// poller waits out a 429's retry_after, which the library ignores.
//
// No dead buttons stay on screen (reply.go): a new question removes the
// previous question's keyboard, any new keyboard removes the last menu's
// (the welcome, the language chooser), and a question answered by a button
// is edited into the next one. A button answer thus costs two Bot API calls
// (the callback answer and one edit), a typed answer two (the next question
// and the removal of the old keyboard). The verdict keeps its buttons.
package bot
