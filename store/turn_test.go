package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
)

func TestSaveTurn_RoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	created := clk.Now()

	first := &Turn{
		Partner: Partner{ChatID: 5, UserID: 50, Username: "anna", Name: "Anna K", Lang: "en"},
		Session: session("en", 1),
	}
	require.NoError(t, db.SaveTurn(ctx, first))
	assert.Equal(t, created, first.Partner.CreatedAt)
	assert.Equal(t, created, first.Partner.UpdatedAt)

	clk.Add(time.Hour)
	second := &Turn{
		Partner: Partner{ChatID: 5, UserID: 50, Username: "anna_new", Name: "Anna Karenina", Lang: "ru",
			Company: "Acme", Reminders: "off", Unreachable: true},
		Session: session("ru", 2),
		Report: &Report{
			Facts:    facts(t, `{"partner_agreement":true}`),
			Verdict:  eligibility.Report{Catalog: "test", Results: []eligibility.Result{}},
			Statuses: map[string]eligibility.Status{"infrastructure": "eligible", "devops": "incomplete"},
			Gaps:     map[string]int{"infrastructure": 0, "devops": 2},
		},
	}
	require.NoError(t, db.SaveTurn(ctx, second))

	want := second.Partner
	want.CreatedAt, want.UpdatedAt = created, clk.Now()
	assert.Equal(t, want, second.Partner, "SaveTurn fills in the times")
	got, err := db.Partner(ctx, 5)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	session, err := db.Session(ctx, 5)
	require.NoError(t, err)
	assert.Equal(t, second.Session, session)

	require.NotZero(t, second.Report.ID)
	assert.Equal(t, int64(5), second.Report.ChatID)
	assert.Equal(t, clk.Now(), second.Report.CreatedAt)
	report, err := db.LatestReport(ctx, 5)
	require.NoError(t, err)
	assert.Equal(t, *second.Report, report)

	// A nil session deletes it and leaves the reports alone.
	clk.Add(time.Hour)
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: want}))
	session, err = db.Session(ctx, 5)
	require.NoError(t, err)
	assert.Nil(t, session)
	reports, err := db.Reports(ctx, 5, 0)
	require.NoError(t, err)
	assert.Len(t, reports, 1)
}

func TestSaveTurn_KeepsHistory(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	p := Partner{ChatID: 9, Lang: "en"}

	var saved []Report
	for i := range 3 {
		turn := &Turn{Partner: p, Report: &Report{
			Facts:    facts(t, fmt.Sprintf(`{"verified_solutions":{"devops":%d}}`, i)),
			Statuses: map[string]eligibility.Status{"devops": "not_eligible"},
			Gaps:     map[string]int{"devops": 3 - i},
		}}
		require.NoError(t, db.SaveTurn(ctx, turn))
		saved = append(saved, *turn.Report)
		clk.Add(time.Minute)
	}

	reports, err := db.Reports(ctx, 9, 0)
	require.NoError(t, err)
	assert.Equal(t, []Report{saved[2], saved[1], saved[0]}, reports, "newest first, none overwritten")
}

func TestSaveTurn_Invalid(t *testing.T) {
	ctx := context.Background()
	ok := Partner{ChatID: 1, Lang: "en"}
	tests := []struct {
		name string
		turn *Turn
		err  error
	}{
		{"nil turn", nil, ErrInvalid},
		{"no chat id", &Turn{Partner: Partner{Lang: "en"}}, ErrInvalid},
		{"unknown lang", &Turn{Partner: Partner{ChatID: 1, Lang: "de"}}, ErrInvalid},
		{"empty lang", &Turn{Partner: Partner{ChatID: 1}}, ErrInvalid},
		{"unknown reminders", &Turn{Partner: Partner{ChatID: 1, Lang: "en", Reminders: "yes"}}, ErrInvalid},
		{"unknown status", &Turn{Partner: ok, Report: &Report{Statuses: map[string]eligibility.Status{"devops": "maybe"}}}, ErrInvalid},
		{"negative gaps", &Turn{Partner: ok, Report: &Report{Gaps: map[string]int{"devops": -1}}}, ErrInvalid},
		{"report of another chat", &Turn{Partner: ok, Report: &Report{ChatID: 2}}, ErrInvalid},
		{"unknown update", &Turn{Partner: ok, UpdateID: 77}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			assert.ErrorIs(t, db.SaveTurn(ctx, tt.turn), tt.err)
			n, err := db.CountPartners(ctx)
			require.NoError(t, err)
			assert.Zero(t, n, "nothing saved")
		})
	}
}

func TestSaveTurn_MarksUpdateDone(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, id := range []int64{1, 2} {
		ok, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: id, ChatID: 3, Payload: []byte(`{"text":"hi"}`)})
		require.NoError(t, err)
		require.True(t, ok)
	}

	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 3, Lang: "en"}, Session: session("en", 1), UpdateID: 1}))
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, int64(2), pending[0].UpdateID)

	var payload []byte
	require.NoError(t, db.rw.QueryRow(`SELECT payload FROM inbox WHERE update_id = 1`).Scan(&payload))
	assert.Nil(t, payload, "a done update keeps no payload")
}

func TestSaveTurn_RollsBackEverything(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	before := &Turn{Partner: Partner{ChatID: 3, Name: "Before", Lang: "en"}, Session: session("en", 0)}
	require.NoError(t, db.SaveTurn(ctx, before))
	ok, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: 1, ChatID: 3, Payload: []byte(`{}`)})
	require.NoError(t, err)
	require.True(t, ok)

	// The outbound batch is empty: the store refuses it after the inbox row
	// was marked and the partner, session and report written, in the same
	// transaction.
	clk.Add(time.Hour)
	bad := &Turn{
		Partner:  Partner{ChatID: 3, Name: "After", Lang: "ru"},
		Session:  session("ru", 1),
		Report:   &Report{},
		Outbox:   &Outbound{},
		UpdateID: 1,
	}
	require.Error(t, db.SaveTurn(ctx, bad))
	assert.Zero(t, bad.Report.ID, "a failed save fills in nothing")

	p, err := db.Partner(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, before.Partner, p)
	s, err := db.Session(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, before.Session, s)
	_, err = db.LatestReport(ctx, 3)
	assert.ErrorIs(t, err, ErrNotFound)
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1, "the update is still pending")
	assert.Equal(t, []byte(`{}`), pending[0].Payload)
}

// TestConcurrentWrites runs writers from two handles on one file, as serve
// and a cron "specbot remind" would, and expects no "database is locked".
func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "specbot.db")
	dbs := []*DB{mustOpenPath(t, path), mustOpenPath(t, path)}

	const workers = 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		db := dbs[i%len(dbs)]
		wg.Go(func() {
			chatID, updateID := int64(1000+i), int64(i+1)
			if _, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: updateID, ChatID: chatID, Payload: []byte(`{}`)}); err != nil {
				errs <- err
				return
			}
			if _, err := db.Session(ctx, chatID); err != nil {
				errs <- err
				return
			}
			errs <- db.SaveTurn(ctx, &Turn{
				Partner:  Partner{ChatID: chatID, Lang: "en"},
				Session:  session("en", 1),
				Report:   &Report{Statuses: map[string]eligibility.Status{"devops": "eligible"}},
				UpdateID: updateID,
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}

	n, err := dbs[0].CountPartners(ctx)
	require.NoError(t, err)
	assert.Equal(t, workers, n)
	pending, err := dbs[1].PendingUpdates(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, pending)
	latest, err := dbs[0].LatestReports(ctx)
	require.NoError(t, err)
	assert.Len(t, latest, workers)
}

// BenchmarkSaveTurn measures one update's writes: the enqueue, then the turn
// that marks it done, with a report every tenth turn.
func BenchmarkSaveTurn(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	sess := session("en", 1)
	raw := []byte(`{"partner_agreement":true,"consumption_rub_year":{"infrastructure":12000000}}`)
	f := facts(b, string(raw))
	for i := 0; b.Loop(); i++ {
		updateID := int64(i + 1)
		if _, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: updateID, ChatID: 1, Payload: raw}); err != nil {
			b.Fatal(err)
		}
		turn := &Turn{
			Partner:  Partner{ChatID: int64(i%100 + 1), Lang: "en", Name: "Bench"},
			Session:  sess,
			UpdateID: updateID,
		}
		if i%10 == 0 {
			turn.Report = &Report{Facts: f, Statuses: map[string]eligibility.Status{"infrastructure": "eligible"}}
		}
		if err := db.SaveTurn(ctx, turn); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStoredUnderAnotherEdition: a session saved under another catalogue
// edition comes back with dialogs.ErrSessionOutdated (and what dialogs keeps
// of it), and a report whose facts the current catalogue no longer reads is
// absent.
func TestStoredUnderAnotherEdition(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	// A check in progress: one with nothing under way starts afresh without
	// an error (dialogs' TestDecodeOutdatedSession).
	old := dialogs.Session{Version: 99, Lang: "ru", Company: "Acme", State: dialogs.Checking, Key: "f:business_plan"}
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 1, Lang: "ru"}, Session: &old, Report: &Report{}}))
	require.NoError(t, db.SetReminders(ctx, 1, ConsentOn))
	_, err := db.rw.Exec(`UPDATE reports SET facts = '{"retired_fact":true}' WHERE chat_id = 1`)
	require.NoError(t, err)

	chat, err := db.Chat(ctx, 1)
	require.ErrorIs(t, err, dialogs.ErrSessionOutdated)
	assert.True(t, chat.Found, "the chat comes with the error")
	require.NotNil(t, chat.Session)
	assert.Equal(t, "Acme", chat.Session.Company)
	assert.Equal(t, "ru", chat.Session.Lang)
	assert.Nil(t, chat.LatestReport(), "a report unreadable under this catalogue is absent")
	_, err = db.LatestReport(ctx, 1)
	assert.ErrorIs(t, err, ErrNotFound)
	desk, err := db.Desk(ctx, 1, time.Time{})
	require.NoError(t, err)
	assert.Nil(t, desk.Report)
	assert.NotZero(t, desk.ReportID, "a handoff still points at the unreadable report")

	cands, err := db.ReminderCandidates(ctx)
	require.NoError(t, err)
	require.Len(t, cands, 1)
	assert.Nil(t, cands[0].Session, "a reminder says nothing of a session it cannot resume")
	assert.Nil(t, cands[0].Report)
}

// TestSaveTurn_Handoff: a turn that asks for a manager saves the request
// (the company's handoff, pointing at the report it stores, and the ask),
// its card's post and the partner's reply in one transaction; a turn whose
// save fails keeps none of them, and a second member's turn that would
// open a second handoff for the company is refused whole.
func TestSaveTurn_Handoff(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const managers int64 = -100
	since := time.Now().Add(-24 * time.Hour)
	turn := &Turn{
		Partner: Partner{ChatID: 3, Lang: "en", Name: "Ann"}, Session: session("en", 1), Report: &Report{},
		Request: &Request{Handoff: Handoff{Comment: "call me"}, Comment: "call me", OpenSince: since,
			Posts: []*Outbound{{ChatID: managers}}},
		Outbox: &Outbound{Payload: []byte(`{"messages":[]}`)},
	}
	require.NoError(t, db.SaveTurn(ctx, turn))
	r := turn.Request
	require.NotZero(t, r.Handoff.ID)
	assert.Equal(t, int64(3), r.Handoff.ChatID)
	assert.NotZero(t, r.Handoff.CompanyID, "the request is the company's")
	assert.Equal(t, HandoffOpen, r.Handoff.State)
	assert.Equal(t, turn.Report.ID, r.Handoff.ReportID, "the request points at the check of its turn")
	assert.Equal(t, "Ann", r.Ask.Name)
	assert.Equal(t, r.Handoff.ID, r.Posts[0].HandoffID)
	assert.NotZero(t, r.Posts[0].ID)
	h, err := db.LatestHandoff(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, "call me", h.Comment)
	asks, err := db.HandoffAsks(ctx, h.ID)
	require.NoError(t, err)
	require.Len(t, asks, 1)
	assert.Equal(t, "call me", asks[0].Comment)
	posts, err := db.PendingOutbound(ctx, managers, 0)
	require.NoError(t, err)
	require.Len(t, posts, 1)
	assert.Equal(t, h.ID, posts[0].HandoffID)

	// The same turn again, for an update not in the inbox: nothing saved.
	again := &Turn{
		Partner: Partner{ChatID: 4, Lang: "en"}, Session: session("en", 1), UpdateID: 77,
		Request: &Request{OpenSince: since, Posts: []*Outbound{{ChatID: managers}}},
	}
	require.Error(t, db.SaveTurn(ctx, again))
	assert.Zero(t, again.Request.Handoff.ID, "a failed save fills in nothing")
	assert.Zero(t, again.Request.Posts[0].ID)
	_, err = db.LatestHandoff(ctx, 4)
	assert.ErrorIs(t, err, ErrNotFound)
	posts, err = db.PendingOutbound(ctx, managers, 0)
	require.NoError(t, err)
	assert.Len(t, posts, 1, "no post of a request not saved")

	// A colleague asks while the company's request is open, as if it had
	// read no open one: the turn is refused, none of it saved.
	joined(t, db, 3, 5, "hash5")
	raced := &Turn{
		Partner: Partner{ChatID: 5, Lang: "ru"}, Session: session("ru", 7),
		Request: &Request{Comment: "me too", OpenSince: since, Posts: []*Outbound{{ChatID: managers}}},
		Outbox:  &Outbound{Payload: []byte(`{"messages":[]}`)},
	}
	require.ErrorIs(t, db.SaveTurn(ctx, raced), ErrRequestRaced)
	assert.Zero(t, raced.Outbox.ID)
	chat, err := db.Chat(ctx, 5)
	require.NoError(t, err)
	assert.Nil(t, chat.Session, "the refused turn's session is not saved")
	posts, err = db.PendingOutbound(ctx, managers, 0)
	require.NoError(t, err)
	assert.Len(t, posts, 1)

	// Planned on the open one, it updates it: the colleague is the one
	// who asked last, with its own ask.
	raced.Request.Handoff = h
	raced.Request.Handoff.Comment = "call me\nme too"
	require.NoError(t, db.SaveTurn(ctx, raced))
	assert.Equal(t, h.ID, raced.Request.Handoff.ID)
	h, err = db.LatestHandoff(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, int64(5), h.ChatID, "the member who asked last")
	assert.Equal(t, "call me\nme too", h.Comment)
	asks, err = db.HandoffAsks(ctx, h.ID)
	require.NoError(t, err)
	assert.Len(t, asks, 2)
}

func TestSaveTurn_UnchangedPartnerIsNotWrittenAgain(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	created := clk.Now()
	first := &Turn{Partner: Partner{ChatID: 7, UserID: 70, Name: "Oleg", Lang: "ru"}, Session: session("ru", 1)}
	require.NoError(t, db.SaveTurn(ctx, first))

	stored := func() Partner {
		p, err := db.Partner(ctx, 7)
		require.NoError(t, err)
		return p
	}
	turn := func(p Partner) *Turn {
		was := stored()
		return &Turn{Partner: p, Stored: &was, Session: session(p.Lang, 2)}
	}

	// The same partner a minute later: its row keeps the first write's time.
	clk.Add(time.Minute)
	same := turn(first.Partner)
	require.NoError(t, db.SaveTurn(ctx, same))
	assert.Equal(t, created, stored().UpdatedAt)
	assert.Equal(t, created, same.Partner.UpdatedAt, "SaveTurn tells the time the row has")
	assert.Equal(t, created, same.Partner.CreatedAt)

	// A changed field is written at once.
	clk.Add(time.Minute)
	renamed := first.Partner
	renamed.Name = "Oleg P"
	require.NoError(t, db.SaveTurn(ctx, turn(renamed)))
	assert.Equal(t, "Oleg P", stored().Name)
	assert.Equal(t, clk.Now(), stored().UpdatedAt)

	// Unchanged for PartnerTouch, it is written again: updated_at stays the
	// partner's last activity to within it.
	clk.Add(PartnerTouch)
	require.NoError(t, db.SaveTurn(ctx, turn(renamed)))
	assert.Equal(t, clk.Now(), stored().UpdatedAt)
	assert.Equal(t, created, stored().CreatedAt)

	// Without what was stored (a new partner, or a caller that does not
	// know), every turn writes it.
	clk.Add(time.Minute)
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: renamed, Session: session("ru", 3)}))
	assert.Equal(t, clk.Now(), stored().UpdatedAt)
}
