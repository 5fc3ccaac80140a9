// Package bot is specbot's Telegram adapter on github.com/go-telegram/bot
// (imported as tgbot): updates become dialog input, dialog messages become
// Telegram messages with inline keyboards, and managers get handoff cards.
//
// Nothing a partner sends is lost or applied twice. The library confirms an
// update to Telegram as soon as it is queued (polling) or answers 200 before
// any handler ran (webhook), so updates are first written to the store's
// inbox: in polling mode a gate in front of the HTTP client holds the next
// getUpdates (which confirms the previous batch) until every update of the
// batch is stored; in webhook mode our handler stores the update before it
// answers 200. A dispatcher then applies inbox updates in order per chat,
// chats in parallel, and marks each done in the same transaction as the
// session it changed.
package bot
