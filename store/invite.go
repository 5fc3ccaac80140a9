package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Invite is a single-use invitation to join a company. The store never
// sees its token, only the token's SHA-256 (Hash, hex).
type Invite struct {
	ID        int64
	CompanyID int64
	Company   string // the company's name
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	State     InviteState
}

// InviteState is where an invitation stands.
type InviteState string

// Invitation states: open until used once or revoked by the owner.
const (
	InviteOpen    InviteState = "open"
	InviteUsed    InviteState = "used"
	InviteRevoked InviteState = "revoked"
)

// Why an invitation is refused; a caller tells them apart with errors.Is.
var (
	ErrInviteUnknown = errors.New("invite unknown") // forged, or its company is gone
	ErrInviteUsed    = errors.New("invite used")
	ErrInviteExpired = errors.New("invite expired")
	ErrInviteRevoked = errors.New("invite revoked")
	ErrAlreadyMember = errors.New("already a member")
)

// CreateInvite records an invitation to the company of chat byID, which
// must be its owner, valid for ttl.
func (db *DB) CreateInvite(ctx context.Context, byID int64, hash string, ttl time.Duration) (Invite, error) {
	if hash == "" || ttl <= 0 {
		return Invite{}, fmt.Errorf("create invite: %w", ErrInvalid)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return Invite{}, fmt.Errorf("create invite: %w", err)
	}
	defer tx.Rollback()
	id, err := companyID(ctx, tx, byID)
	if err != nil {
		return Invite{}, fmt.Errorf("create invite: %w", err)
	}
	c, err := findCompany(ctx, tx, id)
	if err != nil {
		return Invite{}, fmt.Errorf("create invite: %w", err)
	}
	if c.Owner().Partner.ChatID != byID {
		return Invite{}, fmt.Errorf("create invite: %w", ErrNotOwner)
	}
	now := db.now()
	inv := Invite{CompanyID: id, Company: c.Name, CreatedBy: byID, CreatedAt: now, ExpiresAt: now.Add(ttl), State: InviteOpen}
	if err := tx.QueryRowContext(ctx, `INSERT INTO invites (company_id, token_hash, created_by, created_at, expires_at, state)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		id, hash, byID, formatTime(now), formatTime(inv.ExpiresAt), InviteOpen).Scan(&inv.ID); err != nil {
		return Invite{}, fmt.Errorf("create invite: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Invite{}, fmt.Errorf("create invite: %w", err)
	}
	return inv, nil
}

// OpenInvite looks up the invitation whose token hashes to hash, for chat
// chatID, which is then the one chat that may accept it. A used, expired,
// revoked or unknown invitation is refused with its error and changes
// nothing; so is one to the chat's own company (ErrAlreadyMember).
func (db *DB) OpenInvite(ctx context.Context, hash string, chatID int64) (Invite, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return Invite{}, fmt.Errorf("open invite: %w", err)
	}
	defer tx.Rollback()
	inv, err := db.usableInvite(ctx, tx, `i.token_hash = ?`, hash)
	if err != nil {
		return Invite{}, fmt.Errorf("open invite: %w", err)
	}
	if own, err := companyID(ctx, tx, chatID); err == nil && own == inv.CompanyID {
		return inv, fmt.Errorf("open invite: %w", ErrAlreadyMember)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE invites SET opened_by = ? WHERE id = ?`, chatID, inv.ID); err != nil {
		return Invite{}, fmt.Errorf("open invite: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Invite{}, fmt.Errorf("open invite: %w", err)
	}
	return inv, nil
}

// AcceptInvite makes p a member of the company of invitation inviteID,
// which p's chat opened; the invitation is used up. A chat that was in
// another company leaves it; when it was that company's last member, the
// company goes, as with Forget. p is saved as with SaveTurn.
func (db *DB) AcceptInvite(ctx context.Context, inviteID int64, p Partner) (Company, error) {
	if err := p.validate(); err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	defer tx.Rollback()
	inv, err := db.usableInvite(ctx, tx, `i.id = ? AND i.opened_by = ?`, inviteID, p.ChatID)
	if err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	now := db.now()
	p.Company = inv.Company
	if _, err := upsertPartner(ctx, tx, &p, now); err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	own, err := companyID(ctx, tx, p.ChatID)
	if err == nil {
		if own == inv.CompanyID {
			return Company{}, fmt.Errorf("accept invite: %w", ErrAlreadyMember)
		}
		if err := forgetMember(ctx, tx, p.ChatID, false, db.now()); err != nil {
			return Company{}, fmt.Errorf("accept invite: leave: %w", err)
		}
	} else if !errors.Is(err, ErrNoCompany) {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	if err := addMember(ctx, tx, inv.CompanyID, p.ChatID, RoleMember, now); err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	if own != 0 {
		// A company the member left as its last one is gone: what the
		// managers' chat holds of it (its requests, topic and posts) is
		// now the new company's, and not taken for a forgotten company's.
		for _, q := range []string{`UPDATE handoffs SET company_id = ?1 WHERE company_id = ?2`,
			`UPDATE topics SET company_id = ?1 WHERE company_id = ?2`,
			`UPDATE group_posts SET company_id = ?1 WHERE company_id = ?2`} {
			if _, err := tx.ExecContext(ctx, q+` AND NOT EXISTS (SELECT 1 FROM companies WHERE id = ?2)`, inv.CompanyID, own); err != nil {
				return Company{}, fmt.Errorf("accept invite: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE invites SET state = ?, used_by = ?, used_at = ? WHERE id = ?`,
		InviteUsed, p.ChatID, formatTime(now), inv.ID); err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	c, err := findCompany(ctx, tx, inv.CompanyID)
	if err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Company{}, fmt.Errorf("accept invite: %w", err)
	}
	return c, nil
}

// RevokeInvite withdraws an open invitation of the company that chat byID
// owns.
func (db *DB) RevokeInvite(ctx context.Context, byID, inviteID int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	defer tx.Rollback()
	id, err := companyID(ctx, tx, byID)
	if err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	c, err := findCompany(ctx, tx, id)
	if err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	if c.Owner().Partner.ChatID != byID {
		return fmt.Errorf("revoke invite: %w", ErrNotOwner)
	}
	res, err := tx.ExecContext(ctx, `UPDATE invites SET state = ? WHERE id = ? AND company_id = ? AND state = ?`,
		InviteRevoked, inviteID, id, InviteOpen)
	if err := checkAffected(res, err); err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	return tx.Commit()
}

// usableInvite finds an invitation and refuses it unless it is open and
// unexpired.
func (db *DB) usableInvite(ctx context.Context, tx *sql.Tx, where string, args ...any) (Invite, error) {
	var inv Invite
	err := tx.QueryRowContext(ctx, `SELECT i.id, i.company_id, c.name, i.created_by, i.created_at, i.expires_at, i.state
		FROM invites i JOIN companies c ON c.id = i.company_id WHERE `+where, args...).
		Scan(&inv.ID, &inv.CompanyID, &inv.Company, &inv.CreatedBy, timeColumn{&inv.CreatedAt}, timeColumn{&inv.ExpiresAt}, &inv.State)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Invite{}, ErrInviteUnknown
	case err != nil:
		return Invite{}, err
	case inv.State == InviteUsed:
		return inv, ErrInviteUsed
	case inv.State == InviteRevoked:
		return inv, ErrInviteRevoked
	case !db.now().Before(inv.ExpiresAt):
		return inv, ErrInviteExpired
	}
	return inv, nil
}
