// Package reminders tells partners, before each qualification window, what
// they still need, and on a window's first day who can apply.
//
// A Schedule says which reminders are due at a moment (each window's
// opening day minus each configured lead time, at a sensible local hour).
// A Planner asks app to render each consenting partner's personal message
// for the due rounds and write it to the store's outbox once per (partner,
// window, lead time). When the catalogue gives certificates a validity,
// the Planner also warns each consenting member 60 days before a
// certificate of its company's register lapses, when the lapse would open
// a gap in a specialization the company meets: once per member, company,
// certificate, employee and lapse month, through the same outbox. A
// Broadcaster drains the outbox through a Sender at a paced rate under
// Telegram's broadcast limit: a 429 pauses all sending for its retry_after,
// a 403 marks the partner unreachable, other failures are retried with
// backoff a few times. Claims are atomic, so `specbot serve` and a cron
// `specbot remind` running at once still send each reminder once; the bot
// that sends them keeps both within one sending budget (bot.Budget), in
// which a broadcast never runs ahead of the rate.
package reminders
