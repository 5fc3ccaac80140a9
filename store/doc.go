// Package store keeps specbot's state in SQLite: companies and their
// members (partners), dialog sessions, the history of reports, the
// companies' current answers and invitations, handoffs to account managers, the
// reminder outbox, and the inbox of Telegram updates.
//
// Open applies the embedded migrations (migrations/NNNN_name.sql), each in its
// own transaction, and records them in the migrations table, so reopening a
// database is cheap and safe.
//
// Every exported method is one transaction. Writes go through a pool of a
// single connection whose transactions begin with BEGIN IMMEDIATE: writers in
// this process queue in Go, and a writer in another process (a cron run of
// "specbot remind") is waited for at BEGIN, up to the busy timeout, instead
// of failing with "database is locked" halfway through a transaction. Reads
// use a separate pool of read-only connections; in WAL mode they see a
// consistent snapshot and never wait for a writer.
//
// Turns (SaveTurn) and the outbox's delivery marks are the exception to one
// transaction per call: they go through a group committer (commit.go) that
// applies every such write queued at the moment it is free in one
// transaction, each in a savepoint of its own, so that under load many
// chats' turns share one sync of the WAL. Each is still saved whole or not
// at all, and fails or succeeds on its own; a lone write is committed at
// once, without waiting for others.
//
// The inbox makes Telegram updates durable. The bot stores an update with
// EnqueueUpdate before Telegram is told it was received, processes pending
// updates in update id order, and marks each done in the same transaction
// that saves what it changed (SaveTurn with Turn.UpdateID), or with
// MarkUpdateDone when it changed nothing. An update id is therefore applied
// at most once, and none is lost in a crash. A done row keeps its id but not
// its payload, which holds what a person wrote and is never read again.
//
// A company (company.go) owns the history of reports, its current answers
// (facts.go: one row per answer, with who changed it and when, merged answer
// by answer so that members checking at once keep each other's changes) and
// its invitations (invite.go: kept only as the SHA-256 of their tokens). A
// partner is a member of at most one company, with its own session,
// language, reminder consent, handoffs and reminders. The first report of a
// partner creates its company, which it owns.
//
// Forget deletes a partner and, through ON DELETE CASCADE, its session,
// handoffs and reminders. The last member of a company takes the company
// with it (reports, answers, invitations); another member leaves them,
// its name taken off.
//
// Sessions, facts, verdicts and reminder messages cross this package's
// boundary as domain values (dialogs.Session, eligibility.Facts and
// eligibility.Report, dialogs.Message); codec.go is the one place that turns
// them into their stored JSON and back, against DB.Catalog. A session stored
// under another catalogue edition comes back with dialogs.ErrSessionOutdated;
// a report whose facts no longer read under the current catalogue is left
// out, as if absent. The inbox and outbox payloads stay bytes: they are
// transport payloads (a Telegram update, a batch of encoded replies) that the
// store never reads.
package store
