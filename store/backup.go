package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrExists is returned by Backup when the target file already exists: a
// backup never overwrites anything.
var ErrExists = errors.New("already exists")

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO (a read transaction: writers go on meanwhile, and the copy is
// the snapshot the transaction saw), then runs PRAGMA integrity_check on the
// copy. A copy that fails the check is removed.
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" || path == ":memory:" || strings.ContainsRune(path, '?') {
		return fmt.Errorf("backup to %q: %w", path, ErrInvalid)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup to %s: %w", path, ErrExists)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// The reader pool is query-only, which VACUUM INTO is not allowed on;
	// a pool of its own keeps the single writer free for the bot.
	src := db.rw
	if db.ro != db.rw {
		var err error
		if src, err = db.backupSource(ctx); err != nil {
			return fmt.Errorf("backup to %s: %w", path, err)
		}
		defer src.Close()
	}
	conn, err := src.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := checkIntegrity(ctx, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// backupSource opens a one-connection pool on the database file.
func (db *DB) backupSource(ctx context.Context) (*sql.DB, error) {
	var file string
	if err := db.ro.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return nil, err
	}
	src, err := sql.Open("sqlite3", file+fmt.Sprintf("?_busy_timeout=%d", busyTimeout))
	if err != nil {
		return nil, err
	}
	src.SetMaxOpenConns(1)
	return src, nil
}

// checkIntegrity runs PRAGMA integrity_check on the file at path.
func checkIntegrity(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite3", path+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check of the copy failed: %s", strings.Join(problems, "; "))
	}
	return nil
}
