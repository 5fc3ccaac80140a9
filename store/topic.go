package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Topic is a partner's forum topic in the managers' chat.
type Topic struct {
	ChatID         int64 // the partner
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

// GroupPost is a message the bot posted in the managers' chat about a partner.
type GroupPost struct {
	ManagersChatID int64
	MessageID      int
	ChatID         int64 // the partner
	Kind           PostKind
}

// Topic returns a partner's topic, or ErrNotFound.
func (db *DB) Topic(ctx context.Context, chatID int64) (Topic, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Topic{}, fmt.Errorf("topic of %d: %w", chatID, err)
	}
	defer tx.Rollback()
	return findTopic(ctx, tx, `WHERE chat_id = ?`, chatID)
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
	err := tx.QueryRowContext(ctx, `SELECT chat_id, managers_chat_id, thread_id, name, closed, created_at FROM topics `+where, args...).
		Scan(&t.ChatID, &t.ManagersChatID, &t.ThreadID, &t.Name, &t.Closed, timeColumn{&t.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Topic{}, ErrNotFound
	}
	if err != nil {
		return Topic{}, fmt.Errorf("read topic: %w", err)
	}
	return t, nil
}

// SaveTopic records a partner's topic, replacing the one it had.
func (db *DB) SaveTopic(ctx context.Context, t *Topic) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("save topic of %d: %w", t.ChatID, err)
	}
	defer tx.Rollback()
	if t.CreatedAt.IsZero() {
		t.CreatedAt = db.now()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO topics (chat_id, managers_chat_id, thread_id, name, closed, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET managers_chat_id = excluded.managers_chat_id,
		thread_id = excluded.thread_id, name = excluded.name, closed = excluded.closed`,
		t.ChatID, t.ManagersChatID, t.ThreadID, t.Name, t.Closed, formatTime(t.CreatedAt)); err != nil {
		return fmt.Errorf("save topic of %d: %w", t.ChatID, err)
	}
	return tx.Commit()
}

// AddGroupPost records a message posted in the managers' chat about a partner.
func (db *DB) AddGroupPost(ctx context.Context, p GroupPost) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("record group post: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO group_posts (managers_chat_id, message_id, chat_id, kind, created_at)
		VALUES (?, ?, ?, ?, ?)`, p.ManagersChatID, p.MessageID, p.ChatID, p.Kind, formatTime(db.now())); err != nil {
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
	err = tx.QueryRowContext(ctx, `SELECT chat_id, kind FROM group_posts WHERE managers_chat_id = ? AND message_id = ?`,
		managersChatID, messageID).Scan(&p.ChatID, &p.Kind)
	if errors.Is(err, sql.ErrNoRows) {
		return GroupPost{}, ErrNotFound
	}
	if err != nil {
		return GroupPost{}, fmt.Errorf("group post %d: %w", messageID, err)
	}
	return p, nil
}

// Footprint is what the managers' chat holds about a partner: its topic
// (nil when none) and the bot's messages there.
type Footprint struct {
	Topic *Topic
	Posts []GroupPost
}

// TakeFootprint returns a partner's footprint in the managers' chat and
// deletes it, in one write: /forget redacts those messages and closes the
// topic, and nothing then leads back to the partner.
func (db *DB) TakeFootprint(ctx context.Context, chatID int64) (Footprint, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	defer tx.Rollback()
	var f Footprint
	t, err := findTopic(ctx, tx, `WHERE chat_id = ?`, chatID)
	switch {
	case err == nil:
		f.Topic = &t
	case !errors.Is(err, ErrNotFound):
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT managers_chat_id, message_id, kind FROM group_posts WHERE chat_id = ? ORDER BY message_id`, chatID)
	if err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	for rows.Next() {
		p := GroupPost{ChatID: chatID}
		if err := rows.Scan(&p.ManagersChatID, &p.MessageID, &p.Kind); err != nil {
			rows.Close()
			return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
		}
		f.Posts = append(f.Posts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Footprint{}, fmt.Errorf("footprint of %d: %w", chatID, err)
	}
	for _, q := range []string{`DELETE FROM topics WHERE chat_id = ?`, `DELETE FROM group_posts WHERE chat_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, chatID); err != nil {
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
		{`UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state = ?`, []any{to, from, OutboxPending}},
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
