package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Topic is a company's forum topic in the managers' chat.
type Topic struct {
	// ChatID is the member it was looked up by (or is saved for); the
	// topic itself is the company's.
	ChatID         int64
	CompanyID      int64
	ManagersChatID int64
	ThreadID       int // message_thread_id
	Name           string
	Closed         bool
	CreatedAt      time.Time
}

// PostKind says what a message the bot posted in the managers' chat shows.
type PostKind string

// Post kinds.
const (
	PostCard  PostKind = "card"  // a handoff's card
	PostCopy  PostKind = "copy"  // a copy of the partner's message
	PostNote  PostKind = "note"  // the bot's note about the partner (a state change, a nudge)
	PostRelay PostKind = "relay" // a manager's answer as relayed
)

// GroupPost is a message the bot posted in the managers' chat about a
// member of a company.
type GroupPost struct {
	ManagersChatID int64
	MessageID      int
	ChatID         int64 // the member it is about; 0 once forgotten
	Kind           PostKind
	CompanyID      int64 // set when read
}

// Topic returns the topic of chat chatID's company (its newest, when
// members had a topic each before companies), or ErrNotFound.
func (db *DB) Topic(ctx context.Context, chatID int64) (Topic, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Topic{}, fmt.Errorf("topic of %d: %w", chatID, err)
	}
	defer tx.Rollback()
	id, err := companyID(ctx, tx, chatID)
	if errors.Is(err, ErrNoCompany) {
		return Topic{}, ErrNotFound
	} else if err != nil {
		return Topic{}, fmt.Errorf("topic of %d: %w", chatID, err)
	}
	t, err := findTopic(ctx, tx, `WHERE company_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`, id)
	t.ChatID = chatID
	return t, err
}

// TopicByThread returns the topic threadID of the managers' chat, or ErrNotFound.
func (db *DB) TopicByThread(ctx context.Context, managersChatID int64, threadID int) (Topic, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Topic{}, fmt.Errorf("topic %d: %w", threadID, err)
	}
	defer tx.Rollback()
	return findTopic(ctx, tx, `WHERE managers_chat_id = ? AND thread_id = ?`, managersChatID, threadID)
}

func findTopic(ctx context.Context, tx *sql.Tx, where string, args ...any) (Topic, error) {
	var t Topic
	err := tx.QueryRowContext(ctx, `SELECT company_id, managers_chat_id, thread_id, name, closed, created_at FROM topics `+where, args...).
		Scan(&t.CompanyID, &t.ManagersChatID, &t.ThreadID, &t.Name, &t.Closed, timeColumn{&t.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Topic{}, ErrNotFound
	}
	if err != nil {
		return Topic{}, fmt.Errorf("read topic: %w", err)
	}
	return t, nil
}

// SaveTopic records a company's topic: t.CompanyID's, or when 0 that of
// the company of member t.ChatID (made a one-member company if it has
// none). It becomes the company's topic the bot posts in.
func (db *DB) SaveTopic(ctx context.Context, t *Topic) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("save topic of %d: %w", t.ChatID, err)
	}
	defer tx.Rollback()
	if t.CreatedAt.IsZero() {
		t.CreatedAt = db.now()
	}
	if t.CompanyID == 0 {
		if t.CompanyID, err = ensureCompany(ctx, tx, t.ChatID, "", db.now()); err != nil {
			return fmt.Errorf("save topic of %d: %w", t.ChatID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO topics (company_id, managers_chat_id, thread_id, name, closed, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (managers_chat_id, thread_id) DO UPDATE SET company_id = excluded.company_id,
		name = excluded.name, closed = excluded.closed`,
		t.CompanyID, t.ManagersChatID, t.ThreadID, t.Name, t.Closed, formatTime(t.CreatedAt)); err != nil {
		return fmt.Errorf("save topic of %d: %w", t.ChatID, err)
	}
	return tx.Commit()
}

// AddGroupPost records a message posted in the managers' chat about a
// member, with the member's company.
func (db *DB) AddGroupPost(ctx context.Context, p GroupPost) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("record group post: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO group_posts (managers_chat_id, message_id, chat_id, kind, created_at, company_id)
		VALUES (?, ?, ?, ?, ?, COALESCE((SELECT company_id FROM members WHERE chat_id = ?), 0))`,
		p.ManagersChatID, p.MessageID, p.ChatID, p.Kind, formatTime(db.now()), p.ChatID); err != nil {
		return fmt.Errorf("record group post: %w", err)
	}
	return tx.Commit()
}

// GroupPostAt returns what the bot's message messageID of the managers'
// chat is about, or ErrNotFound.
func (db *DB) GroupPostAt(ctx context.Context, managersChatID int64, messageID int) (GroupPost, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return GroupPost{}, fmt.Errorf("group post %d: %w", messageID, err)
	}
	defer tx.Rollback()
	p := GroupPost{ManagersChatID: managersChatID, MessageID: messageID}
	err = tx.QueryRowContext(ctx, `SELECT chat_id, kind, company_id FROM group_posts WHERE managers_chat_id = ? AND message_id = ?`,
		managersChatID, messageID).Scan(&p.ChatID, &p.Kind, &p.CompanyID)
	if errors.Is(err, sql.ErrNoRows) {
		return GroupPost{}, ErrNotFound
	}
	if err != nil {
		return GroupPost{}, fmt.Errorf("group post %d: %w", messageID, err)
	}
	return p, nil
}

// RelayTarget is the member a manager's answer about company companyID
// reaches: member, when it is still one of the company's (the answer
// replies to a copy of its message), else the member who asked last, else
// the owner. It returns ErrNotFound when the company has no member.
func (db *DB) RelayTarget(ctx context.Context, companyID, member int64) (int64, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fmt.Errorf("relay target: %w", err)
	}
	defer tx.Rollback()
	var chatID int64
	err = tx.QueryRowContext(ctx, `SELECT chat_id FROM (
		SELECT chat_id, 0 AS rank FROM members WHERE company_id = ?1 AND chat_id = ?2 AND ?2 <> 0
		UNION ALL
		SELECT h.chat_id, 1 FROM handoffs h JOIN members m ON m.chat_id = h.chat_id AND m.company_id = ?1
			WHERE h.id = (SELECT MAX(id) FROM handoffs WHERE company_id = ?1)
		UNION ALL
		SELECT chat_id, 2 FROM members WHERE company_id = ?1 AND role = ?3
	) ORDER BY rank LIMIT 1`, companyID, member, RoleOwner).Scan(&chatID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("relay target: %w", err)
	}
	return chatID, nil
}

// Footprint is what the managers' chat holds that /forget redacts: topics
// to close and the bot's messages there.
type Footprint struct {
	Topics []Topic
	Posts  []GroupPost
}

// TakeFootprint returns what the managers' chat shows about chat chatID,
// just forgotten, and deletes its records, in one write. When its company
// goes on (other members stay) that is only the copies of its own
// messages; the company's other posts stay, no longer naming it. When the
// company went with it, that is everything about the company: its topics
// and every post. Nothing then leads back to the forgotten.
func (db *DB) TakeFootprint(ctx context.Context, chatID int64) (Footprint, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	defer tx.Rollback()
	var f Footprint
	// A company is gone when its row is: its last member was forgotten.
	const gone = `company_id <> 0 AND company_id NOT IN (SELECT id FROM companies)`
	rows, err := tx.QueryContext(ctx, `SELECT company_id, managers_chat_id, thread_id, name, closed, created_at FROM topics
		WHERE `+gone+` ORDER BY created_at, rowid`)
	if err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	for rows.Next() {
		var t Topic
		if err := rows.Scan(&t.CompanyID, &t.ManagersChatID, &t.ThreadID, &t.Name, &t.Closed, timeColumn{&t.CreatedAt}); err != nil {
			rows.Close()
			return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
		}
		f.Topics = append(f.Topics, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	// Its own copies wherever; everything of a company gone; and, from
	// before companies, whatever names it with no company.
	posts := `(chat_id = ?1 AND (kind = 'copy' OR company_id = 0)) OR ` + gone
	rows, err = tx.QueryContext(ctx, `SELECT managers_chat_id, message_id, chat_id, kind, company_id FROM group_posts
		WHERE `+posts+` ORDER BY message_id`, chatID)
	if err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	for rows.Next() {
		var p GroupPost
		if err := rows.Scan(&p.ManagersChatID, &p.MessageID, &p.ChatID, &p.Kind, &p.CompanyID); err != nil {
			rows.Close()
			return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
		}
		f.Posts = append(f.Posts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM topics WHERE ` + gone, nil},
		{`DELETE FROM group_posts WHERE ` + posts, []any{chatID}},
		{`UPDATE group_posts SET chat_id = 0 WHERE chat_id = ?`, []any{chatID}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
		}
	}
	return f, tx.Commit()
}

// settingMovedChat prefixes the setting that records a managers' chat's new id.
const settingMovedChat = "managers_chat_moved:"

// MovedChat returns the id the managers' chat from moved to (Telegram
// upgraded the group to a supergroup while the bot ran), 0 when it did not.
func (db *DB) MovedChat(ctx context.Context, from int64) (int64, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fmt.Errorf("managers chat: %w", err)
	}
	defer tx.Rollback()
	var v string
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, settingMovedChat+strconv.FormatInt(from, 10)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("managers chat: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// MoveManagersChat records that the managers' chat from is now to, and
// moves what waits to be posted there. Posted cards stay where they are
// (Telegram keeps an upgraded group's messages): an edit Telegram refuses
// posts the card again in the new chat.
func (db *DB) MoveManagersChat(ctx context.Context, from, to int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("move managers chat: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
			[]any{settingMovedChat + strconv.FormatInt(from, 10), strconv.FormatInt(to, 10)}},
		// A batch claimed for sending moves too: the old chat refused it,
		// and it goes back to pending to be sent to the new one.
		{`UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state IN (?, ?)`, []any{to, from, OutboxPending, OutboxSending}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("move managers chat: %w", err)
		}
	}
	return tx.Commit()
}

// RecentReports returns up to n of a partner's newest reports, newest first.
func (db *DB) RecentReports(ctx context.Context, chatID int64, n int) ([]Report, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("recent reports %d: %w", chatID, err)
	}
	defer tx.Rollback()
	rs, err := db.findReports(ctx, tx, chatID, n)
	if err != nil {
		return nil, fmt.Errorf("recent reports %d: %w", chatID, err)
	}
	return rs, nil
}
