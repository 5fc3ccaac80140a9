package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Group commit. Every write of a partner's turn, and the delivery marks of
// its replies, is an op handed to the DB's committer: one goroutine that
// takes every op queued at the moment it is free and applies them in one
// write transaction, with one sync for all. Under load the ops queue while
// the previous commit syncs, so a commit carries many chats' turns; a lone
// op finds the committer idle and is committed at once, without waiting
// for partners it might share with.
//
// The ops of one caller are applied in the order it submitted them, since
// each waits for its own; callers that keep a chat's updates in order (the
// bot's chat workers) keep that order. An op whose statements fail fails
// alone: the group is rolled back and applied again with a savepoint
// around each op, and the failed op's is rolled back. When the transaction
// itself cannot be begun or committed, or a failure took the whole
// transaction with it, each op still undecided is applied again in a
// transaction of its own, so one bad turn never fails the others.

// An op nobody waits for (writeLater: the "sent" mark of a reply batch) is
// lazy: alone, it waits up to lazyWait for another op to share a commit
// with, instead of costing a sync of its own. At a human pace that halves
// the commits of a turn; under load the committer is never idle anyway.

// lazyWait is how long lazy ops wait for company.
const lazyWait = 200 * time.Millisecond

// ErrClosed is returned by a write submitted after Close.
var ErrClosed = errors.New("database closed")

// maxGroup bounds the ops of one commit, so that one transaction stays short.
const maxGroup = 256

// op is one unit of a group commit.
type op struct {
	ctx context.Context
	// apply runs the op's statements in tx.
	apply func(ctx context.Context, tx *sql.Tx) error
	done  chan error  // receives the outcome; or
	then  func(error) // is called with it, for an op nobody waits for
	lazy  bool        // may wait for company (see lazyWait)
}

func (o *op) finish(err error) {
	if o.then != nil {
		o.then(err)
		return
	}
	o.done <- err
}

// committer owns the group commit goroutine.
type committer struct {
	ops  chan *op
	stop chan struct{}
	wg   sync.WaitGroup

	// gate lets Close wait for submissions under way, so that no op is
	// queued after the committer stopped.
	gate   sync.RWMutex
	closed bool

	// commits counts the write transactions the committer ran, and ops the
	// ops they carried (for tests and benchmarks).
	mu      sync.Mutex
	commits int
	applied int
}

func (db *DB) startCommitter() {
	c := &committer{ops: make(chan *op, maxGroup), stop: make(chan struct{})}
	db.commit = c
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		db.runCommitter(c)
	}()
}

// stopCommitter lets the committer finish what is queued, then stops it.
func (db *DB) stopCommitter() {
	c := db.commit
	if c == nil {
		return
	}
	c.gate.Lock()
	if !c.closed {
		c.closed = true
		close(c.stop)
	}
	c.gate.Unlock()
	c.wg.Wait()
}

// write submits an op and waits for its outcome. It waits even when ctx
// ends meanwhile: an op in a running transaction may yet commit, and its
// caller must not take it for failed.
func (db *DB) write(ctx context.Context, apply func(ctx context.Context, tx *sql.Tx) error) error {
	c := db.commit
	if c == nil {
		return db.writeAlone(ctx, apply)
	}
	o := &op{ctx: ctx, apply: apply, done: make(chan error, 1)}
	c.gate.RLock()
	if c.closed {
		c.gate.RUnlock()
		return ErrClosed
	}
	select {
	case c.ops <- o:
	case <-ctx.Done():
		c.gate.RUnlock()
		return ctx.Err()
	}
	c.gate.RUnlock()
	return <-o.done
}

// writeLater submits an op and returns at once; then, when set, is called
// with its outcome from the committer's goroutine, so it must not block.
// An op submitted after Close is not applied (then gets ErrClosed).
func (db *DB) writeLater(apply func(ctx context.Context, tx *sql.Tx) error, then func(error)) {
	if then == nil {
		then = func(error) {}
	}
	c := db.commit
	if c == nil {
		then(db.writeAlone(context.Background(), apply))
		return
	}
	c.gate.RLock()
	defer c.gate.RUnlock()
	if c.closed {
		then(ErrClosed)
		return
	}
	c.ops <- &op{ctx: context.Background(), apply: apply, then: then, lazy: true}
}

// allLazy tells whether no op of group is waited for.
func allLazy(group []*op) bool {
	for _, o := range group {
		if !o.lazy {
			return false
		}
	}
	return true
}

func (db *DB) runCommitter(c *committer) {
	group := make([]*op, 0, maxGroup)
	for {
		select {
		case o := <-c.ops:
			group = append(group[:0], o)
		case <-c.stop:
			// Whatever was queued before Close still gets its answer.
			for {
				select {
				case o := <-c.ops:
					db.commitGroup(c, []*op{o})
				default:
					return
				}
			}
		}
		// Take what else is queued now, without waiting for more.
	more:
		for len(group) < maxGroup {
			select {
			case o := <-c.ops:
				group = append(group, o)
			default:
				break more
			}
		}
		if allLazy(group) {
			db.waitForCompany(c, &group)
		}
		db.commitGroup(c, group)
	}
}

// waitForCompany holds a group of lazy ops until an op that is waited for
// joins them, lazyWait passes, the group is full or the DB closes.
func (db *DB) waitForCompany(c *committer, group *[]*op) {
	t := time.NewTimer(lazyWait)
	defer t.Stop()
	for len(*group) < maxGroup {
		select {
		case o := <-c.ops:
			*group = append(*group, o)
			if !o.lazy {
				return
			}
		case <-t.C:
			return
		case <-c.stop:
			return
		}
	}
}

// commitGroup applies a group of ops in one transaction and answers each.
func (db *DB) commitGroup(c *committer, group []*op) {
	live := group[:0:0]
	for _, o := range group {
		if err := o.ctx.Err(); err != nil {
			o.finish(err)
			continue
		}
		live = append(live, o)
	}
	if len(live) == 0 {
		return
	}
	// Each commit is counted before its ops are answered, so that a caller
	// that got its answer finds its op in CommitStats.
	if len(live) == 1 {
		o := live[0]
		err := db.writeAlone(o.ctx, o.apply)
		c.count(1, 1)
		o.finish(err)
		return
	}
	errs, ok := db.tryGroup(live)
	if ok {
		c.count(1, len(live))
		for i, o := range live {
			o.finish(errs[i])
		}
		return
	}
	// The group as a whole failed: each op on its own, so that the ones
	// that can be saved are.
	for _, o := range live {
		err := db.writeAlone(o.ctx, o.apply)
		c.count(1, 1)
		o.finish(err)
	}
}

// tryGroup runs the ops in one transaction. It returns each op's own error
// and whether the transaction committed; when it did not, nothing of the
// group is saved. The ops run one after the other without savepoints, which
// cost two statements an op; when one fails, the transaction is rolled back
// and the group runs again with a savepoint around each op (inSavepoints),
// the failed one too, so that its failure is its own and the others are
// saved.
func (db *DB) tryGroup(group []*op) ([]error, bool) {
	// The transaction belongs to no single caller: one caller giving up
	// must not roll back the others' turns.
	ctx := context.WithoutCancel(group[0].ctx)
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, false
	}
	defer tx.Rollback()
	for _, o := range group {
		if err := o.apply(ctx, tx); err != nil {
			_ = tx.Rollback()
			return db.inSavepoints(ctx, group)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, false
	}
	return make([]error, len(group)), true
}

// inSavepoints runs the ops in one transaction, each in a savepoint, as
// tryGroup does once one of them failed.
func (db *DB) inSavepoints(ctx context.Context, group []*op) ([]error, bool) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, false
	}
	defer tx.Rollback()
	errs := make([]error, len(group))
	for i, o := range group {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT turn`); err != nil {
			return nil, false
		}
		if errs[i] = o.apply(ctx, tx); errs[i] != nil {
			// An error SQLite answers by rolling back the whole
			// transaction (a full disk) leaves no savepoint to return to.
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO turn`); err != nil {
				return nil, false
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE turn`); err != nil {
			return nil, false
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, false
	}
	return errs, true
}

// writeAlone runs one op in a transaction of its own.
func (db *DB) writeAlone(ctx context.Context, apply func(ctx context.Context, tx *sql.Tx) error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := apply(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (c *committer) count(commits, ops int) {
	c.mu.Lock()
	c.commits += commits
	c.applied += ops
	c.mu.Unlock()
}

// CommitStats reports how many write transactions the group committer ran
// and how many ops they carried since Open.
func (db *DB) CommitStats() (commits, ops int) {
	c := db.commit
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.commits, c.applied
}
