package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Partner is a person at a partner company who talks to the bot in a
// private chat.
type Partner struct {
	ChatID      int64
	UserID      int64
	Username    string // Telegram @username without @, may be ""
	Name        string // display name (first + last)
	Lang        string // "en" or "ru"
	Company     string
	Reminders   Consent
	Unreachable bool // the user blocked the bot (403)
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (p *Partner) validate() error {
	if p.ChatID == 0 {
		return fmt.Errorf("partner chat id 0: %w", ErrInvalid)
	}
	if p.Lang != "en" && p.Lang != "ru" {
		return fmt.Errorf("partner lang %q: %w", p.Lang, ErrInvalid)
	}
	return validateReminders(p.Reminders)
}

// Consent is a partner's answer about reminders.
type Consent string

// Reminder consents.
const (
	ConsentUnasked Consent = "" // never asked, or asked to be asked again
	ConsentOn      Consent = "on"
	ConsentOff     Consent = "off"
)

func validateReminders(state Consent) error {
	switch state {
	case ConsentUnasked, ConsentOn, ConsentOff:
		return nil
	}
	return fmt.Errorf("reminders %q: %w", state, ErrInvalid)
}

// Partner returns the partner in chat chatID, or ErrNotFound.
func (db *DB) Partner(ctx context.Context, chatID int64) (Partner, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Partner{}, fmt.Errorf("partner %d: %w", chatID, err)
	}
	defer tx.Rollback()

	p, err := findPartner(ctx, tx, `WHERE chat_id = ?`, chatID)
	if err != nil {
		return Partner{}, fmt.Errorf("partner %d: %w", chatID, err)
	}
	return p, nil
}

// PartnerByUsername returns the partner with the Telegram username, matched
// case-insensitively and with or without a leading "@", or ErrNotFound. If
// the username has moved between accounts, the most recently updated
// partner wins.
func (db *DB) PartnerByUsername(ctx context.Context, username string) (Partner, error) {
	username = strings.TrimPrefix(username, "@")
	if username == "" {
		return Partner{}, fmt.Errorf("partner by empty username: %w", ErrNotFound)
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Partner{}, fmt.Errorf("partner @%s: %w", username, err)
	}
	defer tx.Rollback()

	p, err := findPartner(ctx, tx,
		`WHERE username = ? COLLATE NOCASE AND username <> '' ORDER BY updated_at DESC, chat_id LIMIT 1`,
		username)
	if err != nil {
		return Partner{}, fmt.Errorf("partner @%s: %w", username, err)
	}
	return p, nil
}

// SetUnreachable records whether the partner has blocked the bot, so that
// broadcasts skip it until it writes again.
func (db *DB) SetUnreachable(ctx context.Context, chatID int64, unreachable bool) error {
	return db.updatePartner(ctx, "set unreachable", chatID, `unreachable = ?`, unreachable)
}

// Forget deletes the partner and everything kept about it: its session,
// handoffs and reminders, and its membership. The last member of a company
// takes the company with it (facts, reports, invitations); another member
// leaves the company's history, its name taken off it. It returns
// ErrNotFound when there is no such partner.
func (db *DB) Forget(ctx context.Context, chatID int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("forget %d: %w", chatID, err)
	}
	defer tx.Rollback()

	if err := forgetMember(ctx, tx, chatID, true, db.now()); err != nil {
		return fmt.Errorf("forget %d: %w", chatID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE name = ?`, waitingName(chatID)); err != nil {
		return fmt.Errorf("forget %d: %w", chatID, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM partners WHERE chat_id = ?`, chatID)
	if err := checkAffected(res, err); err != nil {
		return fmt.Errorf("forget %d: %w", chatID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("forget %d: %w", chatID, err)
	}
	return nil
}

// updatePartner sets one column of an existing partner and its updated_at.
func (db *DB) updatePartner(ctx context.Context, op string, chatID int64, set string, value any) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("%s %d: %w", op, chatID, err)
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, `UPDATE partners SET `+set+`, updated_at = ? WHERE chat_id = ?`,
		value, formatTime(db.now()), chatID)
	if err := checkAffected(res, err); err != nil {
		return fmt.Errorf("%s %d: %w", op, chatID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s %d: %w", op, chatID, err)
	}
	return nil
}

// upsertPartner inserts p or updates every field of an existing partner but
// its creation time, and returns that creation time.
func upsertPartner(ctx context.Context, tx *sql.Tx, p *Partner, now time.Time) (time.Time, error) {
	var created time.Time
	err := tx.QueryRowContext(ctx, `
		INSERT INTO partners (chat_id, user_id, username, name, lang, company, reminders, unreachable, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (chat_id) DO UPDATE SET
			user_id = excluded.user_id,
			username = excluded.username,
			name = excluded.name,
			lang = excluded.lang,
			company = excluded.company,
			reminders = excluded.reminders,
			unreachable = excluded.unreachable,
			updated_at = excluded.updated_at
		RETURNING created_at`,
		p.ChatID, p.UserID, p.Username, p.Name, p.Lang, p.Company, p.Reminders, p.Unreachable,
		formatTime(now), formatTime(now),
	).Scan(timeColumn{&created})
	if err != nil {
		return time.Time{}, fmt.Errorf("upsert partner: %w", err)
	}
	return created, nil
}

// PartnerTouch is how stale a partner's updated_at may grow while its turns
// change nothing about it: it stays the time of the partner's last activity
// to within this.
const PartnerTouch = time.Hour

// unchanged reports whether p, as stored, has every field of next and was
// written less than PartnerTouch before now. A nil p (a new partner) is
// never unchanged.
func (p *Partner) unchanged(next *Partner, now time.Time) bool {
	if p == nil || p.CreatedAt.IsZero() || now.Sub(p.UpdatedAt) >= PartnerTouch || now.Before(p.UpdatedAt) {
		return false
	}
	a, b := *p, *next
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return a == b
}

// partnerColumns lists a partner's columns in partnerDest's order, qualified
// by the alias p.
const partnerColumns = `p.chat_id, p.user_id, p.username, p.name, p.lang, p.company,
	p.reminders, p.unreachable, p.created_at, p.updated_at`

func findPartner(ctx context.Context, tx *sql.Tx, where string, args ...any) (Partner, error) {
	var p Partner
	row := tx.QueryRowContext(ctx, `SELECT `+partnerColumns+` FROM partners p `+where, args...)
	if err := row.Scan(partnerDest(&p)...); errors.Is(err, sql.ErrNoRows) {
		return Partner{}, ErrNotFound
	} else if err != nil {
		return Partner{}, err
	}
	return p, nil
}

// partnerDest returns the scan destinations of partnerColumns.
func partnerDest(p *Partner) []any {
	return []any{&p.ChatID, &p.UserID, &p.Username, &p.Name, &p.Lang, &p.Company,
		&p.Reminders, &p.Unreachable, timeColumn{&p.CreatedAt}, timeColumn{&p.UpdatedAt}}
}

// checkAffected turns an exec that changed no row into ErrNotFound.
func checkAffected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
