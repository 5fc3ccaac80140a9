package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBackupUnderWrites: a backup taken while another goroutine keeps
// writing is a consistent database that passes integrity_check and opens
// as a working store holding what was written before it began.
func TestBackupUnderWrites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i := int64(1); i <= 50; i++ {
		_, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: i, ChatID: i, Payload: []byte(`{}`)})
		require.NoError(t, err)
	}
	var next atomic.Int64
	next.Store(51)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			id := next.Add(1)
			if _, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: id, ChatID: id, Payload: []byte(`{}`)}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	dir := t.TempDir()
	for i := range 3 {
		path := filepath.Join(dir, fmt.Sprintf("copy-%d.db", i))
		require.NoError(t, db.Backup(ctx, path))
		require.NoError(t, checkIntegrity(ctx, path))
		copyDB, err := Open(ctx, path)
		require.NoError(t, err, "the copy opens as a store")
		max, err := copyDB.MaxUpdateID(ctx)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, max, int64(50), "the copy holds what was written before the backup")
		_, err = copyDB.EnqueueUpdate(ctx, InboxUpdate{UpdateID: max + 1, Payload: []byte(`{}`)})
		require.NoError(t, err, "the copy takes writes")
		require.NoError(t, copyDB.Close())
	}
	close(stop)
	wg.Wait()
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	path := filepath.Join(t.TempDir(), "there.db")
	require.NoError(t, os.WriteFile(path, []byte("precious"), 0o600))
	err := db.Backup(ctx, path)
	require.ErrorIs(t, err, ErrExists)
	got, _ := os.ReadFile(path)
	assert.Equal(t, "precious", string(got), "nothing is overwritten")
	require.ErrorIs(t, db.Backup(ctx, ""), ErrInvalid)
}

// TestOpenRefusesNewerSchema: a database that records a migration this
// binary does not know is refused, and left as it was.
func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "specbot.db")
	db, err := Open(ctx, path)
	require.NoError(t, err)
	_, err = db.rw.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES ('9999_from_the_future.sql', 'x')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = Open(ctx, path)
	require.ErrorIs(t, err, ErrSchemaNewer)
	assert.Contains(t, err.Error(), "9999_from_the_future.sql")
}

// TestOpenRefusesReadOnlyFile: a database file that cannot be written is
// refused at Open rather than failing at the first update.
func TestOpenRefusesReadOnlyFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "specbot.db")
	db, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	MakeReadOnly(t, path)

	_, err = Open(ctx, path)
	require.ErrorIs(t, err, ErrReadOnly)
}

// MakeReadOnly makes the file at path unwritable, even for root (with
// chattr +i), until the test ends; it skips the test where neither works.
func MakeReadOnly(tb testing.TB, path string) {
	tb.Helper()
	if os.Geteuid() != 0 {
		require.NoError(tb, os.Chmod(path, 0o444))
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		tb.Skipf("running as root and chattr +i is not available: %v %s", err, out)
	}
	tb.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	// Make sure the kernel refuses writes now.
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		f.Close()
		tb.Skip("the file stays writable")
	} else if !errors.Is(err, os.ErrPermission) {
		tb.Logf("open for writing: %v", err)
	}
}
