package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
)

// MustOpenDB opens a database in a file of a fresh temporary directory and
// closes it when the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "specbot.db"))
}

// mustOpenPath opens the database at path and closes it when the test ends,
// unless the test closed it first.
func mustOpenPath(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path)
	require.NoError(tb, err)
	db.Catalog = eligibility.DefaultCatalog()
	var once sync.Once
	tb.Cleanup(func() { once.Do(func() { db.Close() }) })
	return db
}

// column reads the one column a query of the database returns, in order.
func column[T any](tb testing.TB, db *DB, query string) []T {
	tb.Helper()
	rows, err := db.rw.Query(query)
	require.NoError(tb, err)
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		require.NoError(tb, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(tb, rows.Err())
	return out
}

// session is a stored session of a chat at question seq.
func session(lang string, seq int) *dialogs.Session {
	s := dialogs.NewSession(lang)
	s.Seq = seq
	return &s
}

// facts reads facts JSON under the default catalogue.
func facts(tb testing.TB, data string) eligibility.Facts {
	tb.Helper()
	f, err := eligibility.ParseFacts(eligibility.DefaultCatalog(), []byte(data))
	require.NoError(tb, err)
	return f
}

// clock is a settable time source for DB.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// useClock makes db's clock start at 2026-03-01 09:00 UTC and move only
// when told.
func useClock(db *DB) *clock {
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	db.Now = c.Now
	return c
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func appliedMigrations(t *testing.T, db *DB) []string {
	t.Helper()
	return column[string](t, db, `SELECT name FROM migrations ORDER BY name`)
}

func TestOpen_Migrations(t *testing.T) {
	files, err := fs.Glob(migrationFS, "migrations/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var want []string
	for _, f := range files {
		want = append(want, filepath.Base(f))
	}

	path := filepath.Join(t.TempDir(), "specbot.db")
	db := mustOpenPath(t, path)
	assert.Equal(t, want, appliedMigrations(t, db))
	for _, table := range []string{"partners", "sessions", "reports", "handoffs", "reminders", "inbox"} {
		var n int
		require.NoError(t, db.rw.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&n))
		assert.Equal(t, 1, n, "table %s", table)
	}
	var mode string
	require.NoError(t, db.rw.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
	var fk int
	require.NoError(t, db.rw.QueryRow(`PRAGMA foreign_keys`).Scan(&fk))
	assert.Equal(t, 1, fk)
	require.NoError(t, db.Close())

	// Reopening applies nothing twice.
	for range 2 {
		db := mustOpenPath(t, path)
		assert.Equal(t, want, appliedMigrations(t, db))
		require.NoError(t, db.Close())
	}
}

func TestOpen_Invalid(t *testing.T) {
	tests := []struct {
		name string
		path string
	}{
		{"empty", ""},
		{"question mark", filepath.Join(t.TempDir(), "a?b.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(context.Background(), tt.path)
			assert.ErrorIs(t, err, ErrInvalid)
		})
	}
}

func TestOpen_Memory(t *testing.T) {
	ctx := context.Background()
	db := mustOpenPath(t, ":memory:")
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 1, Lang: "en"}, Session: session("en", 4)}))
	got, err := db.Session(ctx, 1)
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, 4, got.Seq)
}

func TestReaderIsReadOnly(t *testing.T) {
	db := MustOpenDB(t)
	_, err := db.ro.Exec(`DELETE FROM partners`)
	assert.Error(t, err)
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "specbot.db")

	db := mustOpenPath(t, path)
	useClock(db)
	turn := &Turn{
		Partner:  Partner{ChatID: 7, UserID: 70, Username: "anna", Name: "Anna K", Lang: "ru", Company: "Acme", Reminders: "on"},
		Session:  session("ru", 2),
		Report:   &Report{Facts: facts(t, `{"partner_agreement":true}`), Statuses: map[string]eligibility.Status{"devops": "eligible"}, Gaps: map[string]int{"devops": 0}},
		UpdateID: 0,
	}
	require.NoError(t, db.SaveTurn(ctx, turn))
	ok, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: 100, ChatID: 7, Payload: []byte(`{}`)})
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, db.Close())

	db = mustOpenPath(t, path)
	p, err := db.Partner(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, turn.Partner, p)
	s, err := db.Session(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, turn.Session, s)
	r, err := db.LatestReport(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, *turn.Report, r)
	maxID, err := db.MaxUpdateID(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(100), maxID)
	ok, err = db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: 100, ChatID: 7})
	require.NoError(t, err)
	assert.False(t, ok, "an update seen before the restart is still a duplicate")
}
