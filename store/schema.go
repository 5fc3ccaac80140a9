package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// ErrSchemaNewer is returned by Open when the database records a migration
// this binary does not have: a newer specbot wrote it, and this one would
// misread it.
var ErrSchemaNewer = errors.New("the database schema is newer than this specbot")

// ErrReadOnly is returned by Open and Writable when the database file cannot
// be written.
var ErrReadOnly = errors.New("the database is not writable")

// checkSchema refuses a database that records migrations unknown to this
// binary.
func (db *DB) checkSchema(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	known := make(map[string]bool, len(names))
	for _, n := range names {
		known[filepath.Base(n)] = true
	}
	rows, err := db.rw.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("read migrations: %w", err)
		}
		if !known[name] {
			return fmt.Errorf("%w (it has migration %s; upgrade specbot or restore a backup)", ErrSchemaNewer, name)
		}
	}
	return rows.Err()
}

// Writable checks that a write reaches the database file: it rewrites the
// file's user_version with its own value in a write transaction. Open calls
// it, so that a read-only file or directory stops the bot at start, and the
// readiness probe calls it to report a disk that went away.
func (db *DB) Writable(ctx context.Context) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v)); err != nil {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return nil
}
