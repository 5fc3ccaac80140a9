package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"specbot/eligibility"
)

// Report is one evaluation of a partner's facts. Reports are history: a new
// one never overwrites an earlier one.
type Report struct {
	ID        int64
	ChatID    int64
	CreatedAt time.Time
	Facts     eligibility.Facts             // the facts checked
	Verdict   eligibility.Report            // their evaluation when checked
	Statuses  map[string]eligibility.Status // specialization id -> its status
	Gaps      map[string]int                // specialization id -> number of unmet conditions
	// Changes, when saving, are the answers this check changed (keyed as
	// eligibility.Facts.Values; nil: now unknown), merged into the
	// company's current answers. Not read back.
	Changes map[string]json.RawMessage
}

// PartnerReport is a partner with one of its reports.
type PartnerReport struct {
	Partner Partner
	Report  Report
}

func (r *Report) validate() error {
	for spec, status := range r.Statuses {
		switch status {
		case eligibility.Eligible, eligibility.NotEligible, eligibility.Incomplete:
		default:
			return fmt.Errorf("report status %q of %s: %w", status, spec, ErrInvalid)
		}
	}
	for spec, n := range r.Gaps {
		if n < 0 {
			return fmt.Errorf("report gaps %d of %s: %w", n, spec, ErrInvalid)
		}
	}
	return nil
}

// LatestReport returns the newest report of chat chatID, or ErrNotFound.
func (db *DB) LatestReport(ctx context.Context, chatID int64) (Report, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("latest report %d: %w", chatID, err)
	}
	defer tx.Rollback()

	rs, err := db.findReports(ctx, tx, chatID, 1)
	if err != nil {
		return Report{}, fmt.Errorf("latest report %d: %w", chatID, err)
	}
	if len(rs) == 0 {
		return Report{}, fmt.Errorf("latest report %d: %w", chatID, ErrNotFound)
	}
	return rs[0], nil
}

// encodedReport is a report's JSON columns, made before its turn queues for
// the committer.
type encodedReport struct {
	facts, verdict, statuses, gaps []byte
}

// encodeReportColumns encodes r's columns, nil for no report.
func encodeReportColumns(r *Report) (encodedReport, error) {
	if r == nil {
		return encodedReport{}, nil
	}
	facts, verdict, err := encodeReport(r)
	if err != nil {
		return encodedReport{}, fmt.Errorf("insert report: %w", err)
	}
	statuses, err := json.Marshal(orEmpty(r.Statuses))
	if err != nil {
		return encodedReport{}, fmt.Errorf("insert report: statuses: %w", err)
	}
	gaps, err := json.Marshal(orEmpty(r.Gaps))
	if err != nil {
		return encodedReport{}, fmt.Errorf("insert report: gaps: %w", err)
	}
	return encodedReport{facts, verdict, statuses, gaps}, nil
}

// insertReport adds r, checked by chat chatID and encoded as enc, to the
// history of its company and returns its id. The chat's first check creates the company,
// named after the partner's answer.
func insertReport(ctx context.Context, tx *sql.Tx, chatID int64, r *Report, enc encodedReport, now time.Time) (int64, error) {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT company FROM partners WHERE chat_id = ?`, chatID).Scan(&name); err != nil {
		return 0, fmt.Errorf("insert report: %w", err)
	}
	companyID, err := ensureCompany(ctx, tx, chatID, name, now)
	if err != nil {
		return 0, fmt.Errorf("insert report: %w", err)
	}
	if err := putFactChanges(ctx, tx, companyID, chatID, r, now); err != nil {
		return 0, fmt.Errorf("insert report: %w", err)
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO reports (company_id, chat_id, created_at, facts, verdict, statuses, gaps)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		companyID, chatID, formatTime(now), jsonText(enc.facts), jsonText(enc.verdict), string(enc.statuses), string(enc.gaps))
	if err != nil {
		return 0, fmt.Errorf("insert report: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert report: %w", err)
	}
	return id, nil
}

// reportColumns lists a report's columns in reportDest's order, qualified by
// the alias r.
const reportColumns = `r.id, r.chat_id, r.created_at, r.facts, r.verdict, r.statuses, r.gaps`

// findReports returns up to limit reports of chat chatID's company (any
// member's checks), newest first, leaving out those that no longer read
// under the current catalogue. A chat in no company has none.
func (db *DB) findReports(ctx context.Context, tx *sql.Tx, chatID int64, limit int) ([]Report, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports r
		WHERE r.company_id = (SELECT company_id FROM members WHERE chat_id = ?)
		ORDER BY r.id DESC LIMIT ?`, chatID, limitArg(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []Report
	for rows.Next() {
		var r Report
		var raw rawReport
		if err := rows.Scan(reportDest(&r, &raw)...); err != nil {
			return nil, err
		}
		if db.decodeReport(&r, raw) {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// reportDest returns the scan destinations of reportColumns.
func reportDest(r *Report, raw *rawReport) []any {
	return []any{&r.ID, &r.ChatID, timeColumn{&r.CreatedAt}, &raw.facts, &raw.verdict,
		jsonColumn{&r.Statuses}, jsonColumn{&r.Gaps}}
}

// jsonColumn scans a JSON text column into v.
type jsonColumn struct{ v any }

func (c jsonColumn) Scan(src any) error {
	switch src := src.(type) {
	case string:
		return json.Unmarshal([]byte(src), c.v)
	case []byte:
		return json.Unmarshal(src, c.v)
	case nil:
		return nil
	}
	return fmt.Errorf("scan json: unexpected %T", src)
}

// jsonText binds encoded JSON as TEXT, so SQLite's json_valid checks it, and
// nil or empty as NULL.
func jsonText(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// orEmpty makes a nil map marshal as {} rather than null.
func orEmpty[M ~map[string]V, V any](m M) M {
	if m == nil {
		return M{}
	}
	return m
}

// EachLatestSummary calls fn with every company's latest report, without
// its facts and verdict, with the company's owner as its partner, in chat
// id order, streaming rows so that memory stays flat however many partners
// there are. fn's error stops the walk.
func (db *DB) EachLatestSummary(ctx context.Context, fn func(PartnerReport) error) error {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return fmt.Errorf("latest summaries: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
		SELECT `+partnerColumns+`, r.id, r.chat_id, r.created_at, r.statuses, r.gaps
		FROM reports r
		JOIN members m ON m.company_id = r.company_id AND m.role = ?
		JOIN partners p ON p.chat_id = m.chat_id
		WHERE r.id IN (SELECT MAX(id) FROM reports GROUP BY company_id)
		ORDER BY p.chat_id`, RoleOwner)
	if err != nil {
		return fmt.Errorf("latest summaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pr PartnerReport
		r := &pr.Report
		dest := append(partnerDest(&pr.Partner), &r.ID, &r.ChatID, timeColumn{&r.CreatedAt}, jsonColumn{&r.Statuses}, jsonColumn{&r.Gaps})
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("latest summaries: %w", err)
		}
		if err := fn(pr); err != nil {
			return err
		}
	}
	return rows.Err()
}
