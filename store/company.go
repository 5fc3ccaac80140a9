package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Company is a partner company: it owns the facts, the history of checks
// and the invitations; its members are the people who talk to the bot for
// it, each in a private chat of its own.
type Company struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	Members   []Member // owner first, then by the time they joined
}

// Member is one partner of a company.
type Member struct {
	Partner  Partner
	Role     Role
	JoinedAt time.Time
}

// Role is a member's place in its company.
type Role string

// Roles. The owner invites and removes members; the first check creates the
// company and makes its author the owner.
const (
	RoleOwner  Role = "owner"
	RoleMember Role = "member"
)

// Owner returns the company's owner; the zero Member when it has none.
func (c Company) Owner() Member {
	for _, m := range c.Members {
		if m.Role == RoleOwner {
			return m
		}
	}
	return Member{}
}

// Member returns the member in chat chatID.
func (c Company) Member(chatID int64) (Member, bool) {
	for _, m := range c.Members {
		if m.Partner.ChatID == chatID {
			return m, true
		}
	}
	return Member{}, false
}

// Errors a caller tells apart when a company operation is refused.
var (
	// ErrNotOwner: only the company's owner may do this.
	ErrNotOwner = errors.New("not the company's owner")
	// ErrNoCompany: the chat belongs to no company yet (no check done).
	ErrNoCompany = errors.New("no company")
	// ErrLastMember: the last member cannot leave; /forget deletes the company.
	ErrLastMember = errors.New("last member")
)

// CompanyOf returns the company of chat chatID with its members, or
// ErrNoCompany.
func (db *DB) CompanyOf(ctx context.Context, chatID int64) (Company, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Company{}, fmt.Errorf("company of %d: %w", chatID, err)
	}
	defer tx.Rollback()
	id, err := companyID(ctx, tx, chatID)
	if err != nil {
		return Company{}, fmt.Errorf("company of %d: %w", chatID, err)
	}
	c, err := findCompany(ctx, tx, id)
	if err != nil {
		return Company{}, fmt.Errorf("company of %d: %w", chatID, err)
	}
	return c, nil
}

// RemoveMember takes chat memberID out of the company of chat byID: the
// owner removing a member, or a member leaving (byID == memberID). The
// member keeps its own chat, language and consent; the company keeps its
// history. An owner who leaves hands the company to the member who joined
// first after it. notes, the messages that tell the others, are added to
// the outbox in the same transaction (each filled in as by AddOutbound):
// told only when the removal happened.
func (db *DB) RemoveMember(ctx context.Context, byID, memberID int64, notes ...*Outbound) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("remove member %d: %w", memberID, err)
	}
	defer tx.Rollback()
	id, err := companyID(ctx, tx, byID)
	if err != nil {
		return fmt.Errorf("remove member %d: %w", memberID, err)
	}
	c, err := findCompany(ctx, tx, id)
	if err != nil {
		return fmt.Errorf("remove member %d: %w", memberID, err)
	}
	m, ok := c.Member(memberID)
	switch {
	case !ok:
		return fmt.Errorf("remove member %d: %w", memberID, ErrNotFound)
	case byID != memberID && c.Owner().Partner.ChatID != byID:
		return fmt.Errorf("remove member %d: %w", memberID, ErrNotOwner)
	case len(c.Members) == 1:
		return fmt.Errorf("remove member %d: %w", memberID, ErrLastMember)
	}
	if err := dropMember(ctx, tx, c, m, db.now()); err != nil {
		return fmt.Errorf("remove member %d: %w", memberID, err)
	}
	now := db.now()
	ids := make([]int64, len(notes))
	for i, o := range notes {
		if ids[i], err = insertOutbound(ctx, tx, o, now); err != nil {
			return fmt.Errorf("remove member %d: %w", memberID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("remove member %d: %w", memberID, err)
	}
	for i, o := range notes {
		o.ID, o.CreatedAt = ids[i], now
	}
	return nil
}

// dropMember deletes m's membership of c, passing the ownership on.
func dropMember(ctx context.Context, tx *sql.Tx, c Company, m Member, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM members WHERE chat_id = ?`, m.Partner.ChatID); err != nil {
		return err
	}
	if m.Role == RoleOwner {
		for _, next := range c.Members {
			if next.Partner.ChatID != m.Partner.ChatID {
				if _, err := tx.ExecContext(ctx, `UPDATE members SET role = ? WHERE chat_id = ?`, RoleOwner, next.Partner.ChatID); err != nil {
					return err
				}
				break
			}
		}
	}
	// The company's requests stay the company's: an answer to one the
	// member asked last now reaches the member who asked before it, or the
	// owner.
	_, err := tx.ExecContext(ctx, `UPDATE handoffs SET chat_id = COALESCE(
			(SELECT a.chat_id FROM handoff_asks a JOIN members mm ON mm.chat_id = a.chat_id AND mm.company_id = ?1
				WHERE a.handoff_id = handoffs.id ORDER BY a.id DESC LIMIT 1),
			(SELECT chat_id FROM members WHERE company_id = ?1 ORDER BY role = ?3 DESC, joined_at, chat_id LIMIT 1))
		WHERE company_id = ?1 AND chat_id = ?2`, c.ID, m.Partner.ChatID, RoleOwner)
	if err != nil {
		return err
	}
	// The card of the company's latest request lists its members: its
	// edit is queued with the change, so that it no longer shows m.
	var id, cardChat int64
	err = tx.QueryRowContext(ctx, `SELECT id, card_chat_id FROM handoffs WHERE company_id = ? AND card_message_id <> 0
		ORDER BY id DESC LIMIT 1`, c.ID).Scan(&id, &cardChat)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && cardChat == 0) {
		return nil
	} else if err != nil {
		return err
	}
	_, err = insertOutbound(ctx, tx, &Outbound{ChatID: cardChat, HandoffID: id}, now)
	return err
}

// forgetMember is Forget within a company: the last member takes the
// company with it (its history, facts and invitations); any other member
// leaves and, when erase is set, its name is taken off what it changed.
func forgetMember(ctx context.Context, tx *sql.Tx, chatID int64, erase bool, now time.Time) error {
	id, err := companyID(ctx, tx, chatID)
	if errors.Is(err, ErrNoCompany) {
		return nil
	} else if err != nil {
		return err
	}
	c, err := findCompany(ctx, tx, id)
	if err != nil {
		return err
	}
	if len(c.Members) <= 1 {
		_, err := tx.ExecContext(ctx, `DELETE FROM companies WHERE id = ?`, id)
		return err
	}
	m, _ := c.Member(chatID)
	if err := dropMember(ctx, tx, c, m, now); err != nil || !erase {
		return err
	}
	for _, q := range []string{
		`UPDATE reports SET chat_id = 0 WHERE company_id = ? AND chat_id = ?`,
		`UPDATE company_facts SET changed_by = 0 WHERE company_id = ? AND changed_by = ?`,
		`UPDATE invites SET created_by = 0 WHERE company_id = ? AND created_by = ?`,
		// Its requests go, and their comments with them.
		`UPDATE handoffs SET comment = COALESCE((SELECT group_concat(comment, char(10)) FROM (SELECT comment FROM handoff_asks
				WHERE handoff_id = handoffs.id AND chat_id <> ?2 AND comment <> '' ORDER BY id)), '')
			WHERE company_id = ?1 AND id IN (SELECT handoff_id FROM handoff_asks WHERE chat_id = ?2)`,
		`DELETE FROM handoff_asks WHERE chat_id = ?2 AND handoff_id IN (SELECT id FROM handoffs WHERE company_id = ?1)`,
	} {
		if _, err := tx.ExecContext(ctx, q, id, chatID); err != nil {
			return err
		}
	}
	return nil
}

// ensureCompany returns the company of chat chatID, creating it, owned by
// the chat, when it has none: the first check creates the company. A name
// given renames it.
func ensureCompany(ctx context.Context, tx *sql.Tx, chatID int64, name string, now time.Time) (int64, error) {
	id, err := companyID(ctx, tx, chatID)
	switch {
	case err == nil:
		if name != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE companies SET name = ?, updated_at = ? WHERE id = ? AND name <> ?`,
				name, formatTime(now), id, name); err != nil {
				return 0, fmt.Errorf("rename company: %w", err)
			}
		}
		return id, nil
	case !errors.Is(err, ErrNoCompany):
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO companies (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id`,
		name, formatTime(now), formatTime(now)).Scan(&id); err != nil {
		return 0, fmt.Errorf("create company: %w", err)
	}
	if err := addMember(ctx, tx, id, chatID, RoleOwner, now); err != nil {
		return 0, err
	}
	return id, nil
}

func addMember(ctx context.Context, tx *sql.Tx, companyID, chatID int64, role Role, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO members (chat_id, company_id, role, joined_at) VALUES (?, ?, ?, ?)`,
		chatID, companyID, role, formatTime(now)); err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	return nil
}

// companyID returns the id of chat chatID's company, or ErrNoCompany.
func companyID(ctx context.Context, tx *sql.Tx, chatID int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT company_id FROM members WHERE chat_id = ?`, chatID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNoCompany
	}
	return id, err
}

// findCompany reads a company and its members, the owner first.
func findCompany(ctx context.Context, tx *sql.Tx, id int64) (Company, error) {
	c := Company{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT name, created_at FROM companies WHERE id = ?`, id).
		Scan(&c.Name, timeColumn{&c.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Company{}, ErrNoCompany
	} else if err != nil {
		return Company{}, err
	}
	c.Members, err = findMembers(ctx, tx, id)
	if err != nil {
		return Company{}, err
	}
	return c, nil
}

// findMembers lists a company's members, the owner first, then in the
// order they joined.
func findMembers(ctx context.Context, tx *sql.Tx, companyID int64) ([]Member, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+partnerColumns+`, m.role, m.joined_at
		FROM members m JOIN partners p ON p.chat_id = m.chat_id
		WHERE m.company_id = ? ORDER BY m.role = ? DESC, m.joined_at, m.chat_id`, companyID, RoleOwner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(append(partnerDest(&m.Partner), &m.Role, timeColumn{&m.JoinedAt})...); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
