package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
)

// reminderAt is a reminder of chat for the April 2027 window.
func reminderAt(chat int64, days int, due time.Time) Reminder {
	return Reminder{ChatID: chat, WindowOpens: "2027-04-01", DaysBefore: days, DueAt: due,
		Message: dialogs.Message{Text: fmt.Sprintf("chat %d, %d days", chat, days)}}
}

func reminderStates(t *testing.T, db *DB, chat int64) []string {
	t.Helper()
	rows, err := db.Reminders(context.Background(), chat)
	require.NoError(t, err)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%d:%s", r.DaysBefore, r.State)
	}
	return out
}

func TestEnqueueReminders(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	due := clk.Now()
	for _, id := range []int64{1, 2, 3} {
		mustSavePartner(t, db, Partner{ChatID: id, Lang: "en", Reminders: "on"})
	}
	n, err := db.EnqueueReminders(ctx, []Reminder{reminderAt(1, 30, due), reminderAt(2, 30, due), reminderAt(3, 30, due)})
	require.NoError(t, err)
	require.Equal(t, 3, n)
	// Move the rows of chats 2 and 3 along: sent, and claimed.
	claimed, err := db.ClaimReminders(ctx, due, 2)
	require.NoError(t, err)
	require.Len(t, claimed, 2)
	require.NoError(t, db.FinishReminder(ctx, claimed[1], ReminderSent, ""))

	tests := []struct {
		name string
		rs   []Reminder
		want int
	}{
		{"the same pending reminder again", []Reminder{reminderAt(3, 30, due)}, 0},
		{"the same claimed reminder again", []Reminder{reminderAt(1, 30, due)}, 0},
		{"the same sent reminder again", []Reminder{reminderAt(2, 30, due)}, 0},
		{"same key, another due time and payload", []Reminder{reminderAt(2, 30, due.Add(time.Hour))}, 0},
		{"another lead time is another reminder", []Reminder{reminderAt(1, 7, due)}, 1},
		{"another window is another reminder", []Reminder{{ChatID: 1, WindowOpens: "2027-10-01", DaysBefore: 30, DueAt: due, Message: dialogs.Message{}}}, 1},
		{"twice in one batch counts once", []Reminder{reminderAt(2, 7, due), reminderAt(2, 7, due)}, 1},
		{"an unknown partner is skipped", []Reminder{reminderAt(99, 30, due)}, 0},
		{"nothing", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := db.EnqueueReminders(ctx, tt.rs)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
		})
	}
	assert.Equal(t, []string{"30:sending", "7:pending", "30:pending"}, reminderStates(t, db, 1))
	assert.Equal(t, []string{"30:sent", "7:pending"}, reminderStates(t, db, 2))
	rows, err := db.Reminders(ctx, 2)
	require.NoError(t, err)
	assert.True(t, rows[0].DueAt.Equal(due), "a second enqueue does not move the due time")
	assert.Equal(t, dialogs.Message{Text: "chat 2, 30 days"}, rows[0].Message)
	none, err := db.Reminders(ctx, 99)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestClaimReminders(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	now := clk.Now()
	for _, id := range []int64{1, 2, 3, 4, 5} {
		mustSavePartner(t, db, Partner{ChatID: id, Lang: "ru", Reminders: "on"})
	}
	_, err := db.EnqueueReminders(ctx, []Reminder{
		reminderAt(5, 30, now.Add(-time.Hour)),
		reminderAt(4, 30, now.Add(-time.Hour)),
		reminderAt(3, 30, now.Add(-2*time.Hour)),
		reminderAt(2, 30, now),
		reminderAt(1, 30, now.Add(time.Minute)), // not due yet
	})
	require.NoError(t, err)

	steps := []struct {
		name  string
		at    time.Time
		limit int
		want  []int64
	}{
		{"oldest first, then by chat, up to the limit", now, 2, []int64{3, 4}},
		{"the rest that is due", now, 10, []int64{5, 2}},
		{"claimed ones are not claimed again", now, 10, nil},
		{"a reminder due later becomes due", now.Add(time.Minute), 10, []int64{1}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := db.ClaimReminders(ctx, s.at, s.limit)
			require.NoError(t, err)
			var ids []int64
			for _, r := range got {
				ids = append(ids, r.ChatID)
				assert.Equal(t, ReminderSending, r.State)
				assert.Equal(t, fmt.Sprintf("chat %d, 30 days", r.ChatID), r.Message.Text)
				assert.Equal(t, "2027-04-01", r.WindowOpens)
				assert.Equal(t, 30, r.DaysBefore)
			}
			// Which ones is decided by due time and chat; RETURNING gives
			// them back in no particular order.
			assert.ElementsMatch(t, s.want, ids)
		})
	}
	counts, err := db.ReminderCounts(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[ReminderState]int{ReminderSending: 5}, counts)
}

// TestClaimReminders_Concurrent: claimers in two processes (two handles on
// one file) never take the same reminder.
func TestClaimReminders_Concurrent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "specbot.db")
	a := mustOpenPath(t, path)
	b := mustOpenPath(t, path)
	now := time.Now()
	const n = 300
	var rs []Reminder
	for i := range int64(n) {
		mustSavePartner(t, a, Partner{ChatID: i + 1, Lang: "en", Reminders: "on"})
		rs = append(rs, reminderAt(i+1, 7, now.Add(-time.Minute)))
	}
	added, err := a.EnqueueReminders(ctx, rs)
	require.NoError(t, err)
	require.Equal(t, n, added)

	var (
		mu   sync.Mutex
		seen = map[int64]int{}
		wg   sync.WaitGroup
	)
	for i := range 6 {
		db := []*DB{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := db.ClaimReminders(ctx, now, 7)
				if !assert.NoError(t, err) || len(got) == 0 {
					return
				}
				mu.Lock()
				for _, r := range got {
					seen[r.ChatID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Len(t, seen, n, "every reminder claimed")
	for id, c := range seen {
		assert.Equal(t, 1, c, "chat %d claimed %d times", id, c)
	}
}

func TestFinishReminder(t *testing.T) {
	tests := []struct {
		name        string
		state       ReminderState
		errText     string
		sentAt      bool
		unreachable bool
	}{
		{"sent", ReminderSent, "", true, false},
		{"failed", ReminderFailed, "500 Internal Server Error", false, false},
		{"blocked marks the partner unreachable", ReminderBlocked, "Forbidden: bot was blocked by the user", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := MustOpenDB(t)
			clk := useClock(db)
			mustSavePartner(t, db, Partner{ChatID: 8, Lang: "en", Reminders: "on"})
			_, err := db.EnqueueReminders(ctx, []Reminder{reminderAt(8, 30, clk.Now())})
			require.NoError(t, err)
			claimed, err := db.ClaimReminders(ctx, clk.Now(), 1)
			require.NoError(t, err)
			require.Len(t, claimed, 1)
			clk.Add(time.Second)

			require.NoError(t, db.FinishReminder(ctx, claimed[0], tt.state, tt.errText))

			rows, err := db.Reminders(ctx, 8)
			require.NoError(t, err)
			require.Len(t, rows, 1)
			r := rows[0]
			assert.Equal(t, tt.state, r.State)
			assert.Equal(t, tt.errText, r.LastError)
			assert.Equal(t, 1, r.Attempts)
			if tt.sentAt {
				assert.True(t, r.SentAt.Equal(clk.Now()), "sent at %v", r.SentAt)
			} else {
				assert.True(t, r.SentAt.IsZero())
			}
			p, err := db.Partner(ctx, 8)
			require.NoError(t, err)
			assert.Equal(t, tt.unreachable, p.Unreachable)
			again, err := db.ClaimReminders(ctx, clk.Now().Add(time.Hour), 10)
			require.NoError(t, err)
			assert.Empty(t, again, "a finished reminder is never claimed again")
		})
	}
}

func TestRetryReminder(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	now := clk.Now()
	mustSavePartner(t, db, Partner{ChatID: 8, Lang: "en", Reminders: "on"})
	_, err := db.EnqueueReminders(ctx, []Reminder{reminderAt(8, 7, now)})
	require.NoError(t, err)

	for attempt := 1; attempt <= 2; attempt++ {
		claimed, err := db.ClaimReminders(ctx, now, 1)
		require.NoError(t, err)
		require.Len(t, claimed, 1, "attempt %d", attempt)
		assert.Equal(t, attempt-1, claimed[0].Attempts)
		next := now.Add(time.Duration(attempt) * time.Second)
		require.NoError(t, db.RetryReminder(ctx, claimed[0], next, "500 Internal Server Error"))

		notYet, err := db.ClaimReminders(ctx, next.Add(-time.Millisecond), 1)
		require.NoError(t, err)
		assert.Empty(t, notYet, "not claimed before its new due time")
		rows, err := db.Reminders(ctx, 8)
		require.NoError(t, err)
		assert.Equal(t, ReminderPending, rows[0].State)
		assert.Equal(t, attempt, rows[0].Attempts)
		assert.Equal(t, "500 Internal Server Error", rows[0].LastError)
		assert.True(t, rows[0].DueAt.Equal(next))
		now = next
	}
}

func TestAbandonInterrupted(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	start := clk.Now()
	for _, id := range []int64{1, 2, 3} {
		mustSavePartner(t, db, Partner{ChatID: id, Lang: "en", Reminders: "on"})
	}
	_, err := db.EnqueueReminders(ctx, []Reminder{reminderAt(1, 30, start), reminderAt(2, 30, start), reminderAt(3, 30, start)})
	require.NoError(t, err)
	_, err = db.ClaimReminders(ctx, start, 1) // chat 1, claimed at start
	require.NoError(t, err)
	clk.Add(5 * time.Minute)
	_, err = db.ClaimReminders(ctx, start, 1) // chat 2, claimed 5 minutes later
	require.NoError(t, err)

	steps := []struct {
		name   string
		before time.Time
		want   int
	}{
		{"nothing claimed before the start", start, 0},
		{"the older claim", start.Add(time.Minute), 1},
		{"the same again: already failed", start.Add(time.Minute), 0},
		{"the newer claim", start.Add(10 * time.Minute), 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			n, err := db.AbandonInterrupted(ctx, s.before)
			require.NoError(t, err)
			assert.Equal(t, s.want, n)
		})
	}
	assert.Equal(t, []string{"30:failed"}, reminderStates(t, db, 1))
	assert.Equal(t, []string{"30:failed"}, reminderStates(t, db, 2))
	assert.Equal(t, []string{"30:pending"}, reminderStates(t, db, 3), "pending reminders are left alone")
	rows, err := db.Reminders(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "interrupted while sending", rows[0].LastError)
}

func TestReminderCandidates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	mustSavePartner(t, db, Partner{ChatID: 5, Lang: "ru", Reminders: "on"})
	mustSavePartner(t, db, Partner{ChatID: 4, Lang: "en", Reminders: "off"})
	mustSavePartner(t, db, Partner{ChatID: 3, Lang: "en", Reminders: ""})
	mustSavePartner(t, db, Partner{ChatID: 2, Lang: "en", Reminders: "on", Unreachable: true})
	p1 := mustSavePartner(t, db, Partner{ChatID: 1, Lang: "en", Reminders: "on", Company: "Acme"})
	reports := mustSaveReports(t, db, clk, p1, "not_eligible", "eligible")
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: p1, Session: session("en", 3)}))

	cands, err := db.ReminderCandidates(ctx)
	require.NoError(t, err)
	require.Len(t, cands, 2, "consenting and reachable only")
	assert.Equal(t, int64(1), cands[0].Partner.ChatID, "by chat id")
	assert.Equal(t, "Acme", cands[0].Partner.Company)
	require.NotNil(t, cands[0].Session)
	assert.Equal(t, 3, cands[0].Session.Seq)
	require.NotNil(t, cands[0].Report)
	assert.Equal(t, reports[1].ID, cands[0].Report.ID, "the latest report")
	assert.Equal(t, map[string]eligibility.Status{"devops": "eligible"}, cands[0].Report.Statuses)
	assert.Equal(t, int64(5), cands[1].Partner.ChatID)
	assert.Nil(t, cands[1].Session)
	assert.Nil(t, cands[1].Report)

	// Writing again makes a partner reachable or not.
	require.NoError(t, db.SetUnreachable(ctx, 2, false))
	require.NoError(t, db.SetUnreachable(ctx, 5, true))
	cands, err = db.ReminderCandidates(ctx)
	require.NoError(t, err)
	var ids []int64
	for _, c := range cands {
		ids = append(ids, c.Partner.ChatID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	assert.Equal(t, []int64{1, 2}, ids)
}

func TestReminders_OrderAndForget(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	mustSavePartner(t, db, Partner{ChatID: 1, Lang: "en", Reminders: "on"})
	mustSavePartner(t, db, Partner{ChatID: 2, Lang: "en", Reminders: "on"})
	now := clk.Now()
	_, err := db.EnqueueReminders(ctx, []Reminder{
		{ChatID: 1, WindowOpens: "2027-10-01", DaysBefore: 7, DueAt: now, Message: dialogs.Message{}},
		{ChatID: 1, WindowOpens: "2027-04-01", DaysBefore: 0, DueAt: now, Message: dialogs.Message{}},
		{ChatID: 1, WindowOpens: "2027-04-01", DaysBefore: 30, DueAt: now, Message: dialogs.Message{}},
		{ChatID: 1, WindowOpens: "2027-04-01", DaysBefore: 7, DueAt: now, Message: dialogs.Message{}},
		{ChatID: 2, WindowOpens: "2027-04-01", DaysBefore: 7, DueAt: now, Message: dialogs.Message{}},
	})
	require.NoError(t, err)
	rows, err := db.Reminders(ctx, 1)
	require.NoError(t, err)
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s/%d", r.WindowOpens, r.DaysBefore))
	}
	assert.Equal(t, []string{"2027-04-01/30", "2027-04-01/7", "2027-04-01/0", "2027-10-01/7"}, got)

	require.NoError(t, db.Forget(ctx, 1))
	rows, err = db.Reminders(ctx, 1)
	require.NoError(t, err)
	assert.Empty(t, rows, "Forget deletes the partner's reminders")
	counts, err := db.ReminderCounts(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[ReminderState]int{ReminderPending: 1}, counts)
}
