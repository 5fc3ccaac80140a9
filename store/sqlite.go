package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"specbot/eligibility"
)

// ErrNotFound is returned when the partner, report or update asked for does
// not exist.
var ErrNotFound = errors.New("not found")

// ErrAlreadyDone is returned by SaveTurn when its update was applied
// before: the turn is a redelivery and nothing of it is saved.
var ErrAlreadyDone = errors.New("update already applied")

// ErrInvalid is returned, wrapped with the offending field, when a caller
// passes a value the store refuses to save (an unknown language, a
// non-positive update id).
var ErrInvalid = errors.New("invalid")

// busyTimeout is how long, in milliseconds, a connection waits for another
// process's write lock before giving up.
const busyTimeout = 10000

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open specbot database.
type DB struct {
	rw *sql.DB // writes: one connection, BEGIN IMMEDIATE
	ro *sql.DB // reads: read-only connections, deferred BEGIN

	// Catalog is the catalogue stored sessions and facts are read against;
	// set it right after Open, before the first read of a session or report.
	Catalog *eligibility.Catalog

	// Now returns the current time; Open sets it to time.Now. Tests replace
	// it to move the clock. The store always records it in UTC.
	Now func() time.Time

	writeFault atomic.Value // faultError; a non-nil err fails every write

	commit *committer // the group commit of turns and delivery marks
}

// Open opens (creating if needed) the SQLite database at path and brings its
// schema up to date. The path ":memory:" opens a private in-memory database,
// served by a single connection.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: empty path: %w", ErrInvalid)
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open database %s: path contains '?': %w", path, ErrInvalid)
	}
	db := &DB{Now: time.Now}
	if err := db.open(ctx, path); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.startCommitter()
	return db, nil
}

func (db *DB) open(ctx context.Context, path string) error {
	// synchronous=FULL: the inbox promises that an update confirmed to
	// Telegram survives a power cut, which NORMAL (the driver's default in
	// WAL mode) does not.
	common := fmt.Sprintf("_busy_timeout=%d&_foreign_keys=on&_synchronous=FULL&_stmt_cache_size=64", busyTimeout)

	if path == ":memory:" {
		var err error
		if db.rw, err = sql.Open("sqlite3", path+"?"+common+"&_txlock=immediate"); err != nil {
			return err
		}
		// Every connection to :memory: is a database of its own.
		db.rw.SetMaxOpenConns(1)
		db.rw.SetConnMaxLifetime(0)
		db.rw.SetConnMaxIdleTime(0)
		db.ro = db.rw
		return db.migrate(ctx)
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	var err error
	if db.rw, err = sql.Open("sqlite3", path+"?"+common+"&_journal_mode=WAL&_txlock=immediate"); err != nil {
		return err
	}
	// One writer connection: SQLite allows one writer at a time anyway, and
	// queueing in database/sql is cheaper and fairer than the busy handler.
	db.rw.SetMaxOpenConns(1)
	db.rw.SetConnMaxIdleTime(0)
	if err := db.rw.PingContext(ctx); err != nil {
		return err
	}
	if err := db.migrate(ctx); err != nil {
		return err
	}
	if err := db.Writable(ctx); err != nil {
		return err
	}

	// The reader pool opens after the migrations, when the file is already in
	// WAL mode, which persists in the file.
	if db.ro, err = sql.Open("sqlite3", path+"?"+common+"&_txlock=deferred&_query_only=on&_cache_size=-1024"); err != nil {
		return err
	}
	n := max(4, runtime.GOMAXPROCS(0))
	db.ro.SetMaxOpenConns(n)
	db.ro.SetMaxIdleConns(n)
	return db.ro.PingContext(ctx)
}

// Close closes the database.
func (db *DB) Close() error {
	db.stopCommitter()
	var errs []error
	if db.ro != nil && db.ro != db.rw {
		errs = append(errs, db.ro.Close())
	}
	// The writer closes last: the last connection to close checkpoints the
	// WAL into the database file.
	if db.rw != nil {
		errs = append(errs, db.rw.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// migrate applies, in name order, every embedded migration not yet recorded
// in the migrations table.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.rw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name       TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	if err := db.checkSchema(ctx); err != nil {
		return err
	}
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// migrateFile applies one migration and records it in one transaction, so a
// migration is either applied and recorded or neither. Two processes opening
// the same file at once are serialised by BEGIN IMMEDIATE.
//
// A migration whose first line is fkOffHeader rebuilds a table: it runs with
// foreign keys off on a pinned connection (SQLite ignores the pragma inside
// a transaction), and commits only if foreign_key_check finds nothing.
func (db *DB) migrateFile(ctx context.Context, name string) error {
	buf, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	conn, err := db.rw.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	fkOff := strings.HasPrefix(string(buf), fkOffHeader)
	if fkOff {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	base := filepath.Base(name)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, base).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
	}
	if fkOff {
		rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return fmt.Errorf("foreign key check failed")
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`,
		base, formatTime(db.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// fkOffHeader opens a migration that must run with foreign keys off.
const fkOffHeader = "-- foreign_keys: off"

// beginWrite starts a write transaction; it holds SQLite's write lock from
// the start.
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if f, ok := db.writeFault.Load().(faultError); ok && f.err != nil {
		return nil, f
	}
	return db.rw.BeginTx(ctx, nil)
}

// faultError wraps an injected write failure.
type faultError struct{ err error }

func (f faultError) Error() string { return f.err.Error() }
func (f faultError) Unwrap() error { return f.err }

// SetWriteFault makes every write fail with err until it is called with
// nil, as a full or read-only disk would: the fault tests' way to take the
// disk away from a running bot.
func (db *DB) SetWriteFault(err error) {
	if err == nil {
		db.writeFault.Store(faultError{})
		return
	}
	db.writeFault.Store(faultError{err: err})
}

// beginRead starts a read transaction: a consistent snapshot that takes no
// write lock.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	return db.ro.BeginTx(ctx, nil)
}

// now returns the current time in UTC.
func (db *DB) now() time.Time {
	return db.Now().UTC()
}

// timeLayout is fixed-width, so stored times compare correctly as strings.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// timeColumn scans a time written by formatTime.
type timeColumn struct{ t *time.Time }

func (c timeColumn) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.t = t.UTC()
	return nil
}

// optTime scans a time written by formatTime, or ” as the zero time.
type optTime struct{ t *time.Time }

func (c optTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if v == "" {
			return nil
		}
	case []byte:
		if len(v) == 0 {
			return nil
		}
	}
	return timeColumn(c).Scan(v)
}

// limitArg turns a caller's limit into SQLite's: zero or less means no limit.
// deleteRows runs one DELETE in a write transaction of its own and returns
// how many rows it deleted; what names it in errors.
func (db *DB) deleteRows(ctx context.Context, what, query string, args ...any) (int64, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

func limitArg(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}
