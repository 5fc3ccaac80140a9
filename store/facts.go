package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"specbot/eligibility"
)

// CompanyFacts are a company's current answers: one record every member's
// check reads and updates, each answer with who changed it last and when.
type CompanyFacts struct {
	Facts   eligibility.Facts
	Changed map[string]FactChange // keyed as eligibility.Facts.Values
	// SetAside are the answers the current catalogue no longer reads (a
	// fact or key gone, a value that no longer validates): kept in the
	// database, left out of Facts. Untold are those of them the members
	// have not been told about yet (see MarkTold).
	SetAside, Untold []string
	Members          int
}

// FactChange is who changed an answer last (ChatID 0 and Name "": a
// member since forgotten) and when.
type FactChange struct {
	ChatID int64
	Name   string
	At     time.Time
}

// putFactChanges writes the answers a check of chat chatID changed into
// its company's record, answer by answer (nil: now unknown), so that
// another member's answers changed meanwhile stay. A company with no
// record yet (one from before companies) takes all of the check's facts.
func putFactChanges(ctx context.Context, tx *sql.Tx, companyID, chatID int64, r *Report, now time.Time) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM company_facts WHERE company_id = ?`, companyID).Scan(&n); err != nil {
		return fmt.Errorf("company facts: %w", err)
	}
	changes := r.Changes
	if n == 0 {
		changes = r.Facts.Values()
	}
	keys := make([]string, 0, len(changes))
	for k := range changes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := changes[k]
		var err error
		if v == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM company_facts WHERE company_id = ? AND fact = ?`, companyID, k)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO company_facts (company_id, fact, value, changed_by, changed_at)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (company_id, fact) DO UPDATE SET value = excluded.value,
					changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
				companyID, k, string(v), chatID, formatTime(now))
		}
		if err != nil {
			return fmt.Errorf("company fact %s: %w", k, err)
		}
	}
	return nil
}

// findCompanyFacts reads the record of chat chatID's company; nil when the
// chat has no company or the company no record yet.
func (db *DB) findCompanyFacts(ctx context.Context, tx *sql.Tx, chatID int64) (*CompanyFacts, error) {
	rows, err := tx.QueryContext(ctx, `SELECT f.fact, f.value, f.changed_by, COALESCE(p.name, ''), f.changed_at, f.told_at IS NOT NULL,
			(SELECT COUNT(*) FROM members WHERE company_id = f.company_id)
		FROM company_facts f LEFT JOIN partners p ON p.chat_id = f.changed_by AND f.changed_by <> 0
		WHERE f.company_id = (SELECT company_id FROM members WHERE chat_id = ?)`, chatID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	values := map[string]json.RawMessage{}
	cf := &CompanyFacts{Changed: map[string]FactChange{}}
	told := map[string]bool{}
	for rows.Next() {
		var k, v string
		var ch FactChange
		var wasTold bool
		if err := rows.Scan(&k, &v, &ch.ChatID, &ch.Name, timeColumn{&ch.At}, &wasTold, &cf.Members); err != nil {
			return nil, err
		}
		told[k] = wasTold
		values[k] = json.RawMessage(v)
		cf.Changed[k] = ch
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return nil, nil
	}
	cf.Facts, cf.SetAside = eligibility.FactsFromValues(db.Catalog, values)
	for _, k := range cf.SetAside {
		delete(cf.Changed, k)
		if !told[k] {
			cf.Untold = append(cf.Untold, k)
		}
	}
	return cf, nil
}

// MarkTold records that the members of chat chatID's company were told
// that these answers were set aside, so that they are told once.
func (db *DB) MarkTold(ctx context.Context, chatID int64, facts []string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("mark told: %w", err)
	}
	defer tx.Rollback()
	id, err := companyID(ctx, tx, chatID)
	if err != nil {
		return fmt.Errorf("mark told: %w", err)
	}
	for _, k := range facts {
		if _, err := tx.ExecContext(ctx, `UPDATE company_facts SET told_at = ? WHERE company_id = ? AND fact = ? AND told_at IS NULL`,
			formatTime(db.now()), id, k); err != nil {
			return fmt.Errorf("mark told: %w", err)
		}
	}
	return tx.Commit()
}

// CompanyValues is a company's stored answers as they are kept, one JSON
// value per answer, before any catalogue reads them.
type CompanyValues struct {
	ID     int64
	Name   string
	Values map[string]json.RawMessage
}

// EachCompanyValues calls fn with every company that keeps answers, in id
// order. It only reads.
func (db *DB) EachCompanyValues(ctx context.Context, fn func(CompanyValues) error) error {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return fmt.Errorf("company values: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, f.fact, f.value
		FROM company_facts f JOIN companies c ON c.id = f.company_id ORDER BY c.id, f.fact`)
	if err != nil {
		return fmt.Errorf("company values: %w", err)
	}
	defer rows.Close()
	var cur *CompanyValues
	for rows.Next() {
		var id int64
		var name, k, v string
		if err := rows.Scan(&id, &name, &k, &v); err != nil {
			return fmt.Errorf("company values: %w", err)
		}
		if cur != nil && cur.ID != id {
			if err := fn(*cur); err != nil {
				return err
			}
			cur = nil
		}
		if cur == nil {
			cur = &CompanyValues{ID: id, Name: name, Values: map[string]json.RawMessage{}}
		}
		cur.Values[k] = json.RawMessage(v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("company values: %w", err)
	}
	if cur != nil {
		return fn(*cur)
	}
	return nil
}
