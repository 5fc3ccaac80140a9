package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// TestUpgradeFromSchema5 opens a database written by the schema of
// migration 0005 (testdata/schema5.db: a partner with a session, a report,
// a handoff, a reminder, one update done and one pending) and checks that
// it upgrades in place with nothing lost.
func TestUpgradeFromSchema5(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t, "schema5.db")

	chat, err := db.Chat(ctx, 7)
	require.NoError(t, err)
	require.True(t, chat.Found)
	assert.Equal(t, "Acme", chat.Partner.Company)
	assert.Equal(t, ConsentOn, chat.Partner.Reminders)
	require.NotNil(t, chat.Session)
	assert.Equal(t, 1, chat.Session.Version)
	anchor, err := db.Anchor(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, 12, anchor)

	r, err := db.LatestReport(ctx, 7)
	require.NoError(t, err)
	assert.True(t, r.Facts.Bools[eligibility.Ref{Fact: "partner_agreement"}])
	assert.Equal(t, map[string]eligibility.Status{"devops": "not_eligible"}, r.Statuses)
	assert.Equal(t, map[string]int{"devops": 1}, r.Gaps)

	desk, err := db.Desk(ctx, 7, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NotNil(t, desk.Handoff)
	assert.Equal(t, "call me", desk.Handoff.Comment)
	assert.Equal(t, HandoffOpen, desk.Handoff.State)

	rs, err := db.Reminders(ctx, 7)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, "2027-04-01", rs[0].WindowOpens)

	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1, "the pending update is still pending")
	assert.Equal(t, int64(101), pending[0].UpdateID)
	assert.Zero(t, pending[0].Attempts, "an old update starts with no failed attempts")
	maxID, err := db.MaxUpdateID(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(101), maxID)

	// The new columns work on the old rows.
	n, parked, err := db.RecordFailure(ctx, 101, 2)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.False(t, parked)
}

// TestRecordFailureParks: failures are counted across a reopen of the
// database, and the update is parked at the limit: never pending again,
// not countable again.
func TestRecordFailureParks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "specbot.db")
	db := mustOpenPath(t, path)
	_, err := db.EnqueueUpdates(ctx, []InboxUpdate{{UpdateID: 5, ChatID: 1}, {UpdateID: 6, ChatID: 1}})
	require.NoError(t, err)
	for want := 1; want <= 2; want++ {
		n, parked, err := db.RecordFailure(ctx, 5, 3)
		require.NoError(t, err)
		assert.Equal(t, want, n)
		assert.False(t, parked)
	}
	require.NoError(t, db.Close())

	db = mustOpenPath(t, path)
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 2)
	assert.Equal(t, 2, pending[0].Attempts, "the count survives a restart")
	n, parked, err := db.RecordFailure(ctx, 5, 3)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.True(t, parked)

	pending, err = db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, int64(6), pending[0].UpdateID, "a parked update is not handed out again")
	_, _, err = db.RecordFailure(ctx, 5, 3)
	assert.ErrorIs(t, err, ErrNotFound)
	_, _, err = db.RecordFailure(ctx, 99, 3)
	assert.ErrorIs(t, err, ErrNotFound)
}

// openFixture opens a copy of a database kept under testdata (made by an
// earlier schema), so that the upgrade never touches the fixture itself.
func openFixture(t *testing.T, name string) *DB {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "specbot.db")
	require.NoError(t, os.WriteFile(path, src, 0o600))
	return mustOpenPath(t, path)
}

// TestUpgradeFromSchema7ToCompanies opens a database written by the schema
// of migration 0007 (testdata/schema7.db: Anna, chat 7, with a session, two
// reports, a handoff whose card was posted, two reminders and outbox
// batches; Boris, chat 9, with one report and a taken handoff; the report
// sequence past the last report) and checks that each partner is now a
// one-member company it owns, with its facts, history, handoffs and
// reminders intact.
func TestUpgradeFromSchema7ToCompanies(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t, "schema7.db")

	for _, tc := range []struct {
		chat    int64
		name    string
		reports int
	}{{7, "Acme", 2}, {9, "Beta LLC", 1}} {
		c, err := db.CompanyOf(ctx, tc.chat)
		require.NoError(t, err)
		assert.Equal(t, tc.name, c.Name)
		require.Len(t, c.Members, 1)
		assert.Equal(t, RoleOwner, c.Members[0].Role)
		assert.Equal(t, tc.chat, c.Owner().Partner.ChatID)
		rs, err := db.Reports(ctx, tc.chat, 0)
		require.NoError(t, err)
		assert.Len(t, rs, tc.reports, "chat %d keeps its history", tc.chat)
		for _, r := range rs {
			assert.Equal(t, tc.chat, r.ChatID)
		}
	}
	a, err := db.CompanyOf(ctx, 7)
	require.NoError(t, err)
	b, err := db.CompanyOf(ctx, 9)
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, b.ID, "one company per partner")

	chat, err := db.Chat(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, ConsentOn, chat.Partner.Reminders)
	assert.Equal(t, "ru", chat.Partner.Lang)
	require.NotNil(t, chat.Session)
	require.NotNil(t, chat.LatestReport())
	f := chat.LatestReport().Facts
	assert.True(t, f.Bools[eligibility.Ref{Fact: "business_plan"}], "the latest facts are the company's")
	assert.Equal(t, map[string]eligibility.Status{"devops": "eligible"}, chat.LatestReport().Statuses)

	desk, err := db.Desk(ctx, 7, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NotNil(t, desk.Handoff)
	assert.Equal(t, "call me", desk.Handoff.Comment)
	desk, err = db.Desk(ctx, 9, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NotNil(t, desk.Handoff)
	assert.Equal(t, "second call", desk.Handoff.Comment)
	assert.Equal(t, HandoffTaken, desk.Handoff.State)
	rs, err := db.Reminders(ctx, 7)
	require.NoError(t, err)
	assert.Len(t, rs, 2)
	boris, err := db.Chat(ctx, 9)
	require.NoError(t, err)
	assert.Equal(t, ConsentOff, boris.Partner.Reminders)

	// A new report goes on from the old sequence: id 4 was used once.
	turn := &Turn{Partner: chat.Partner, Session: chat.Session, Report: &Report{Facts: eligibility.NewFacts()}}
	require.NoError(t, db.SaveTurn(ctx, turn))
	assert.Equal(t, int64(5), turn.Report.ID)

	// The last member's /forget takes the company and its history with it.
	require.NoError(t, db.Forget(ctx, 9))
	_, err = db.CompanyOf(ctx, 9)
	assert.ErrorIs(t, err, ErrNoCompany)
	all, err := db.Reports(ctx, 7, 0)
	require.NoError(t, err)
	assert.Len(t, all, 3, "another company is untouched")
}

// TestUpgradeFromSchema9ToDesk opens a database written by the schema of
// migration 0009 (testdata/schema9.db: Anna, chat 7, owns Acme, with a
// handoff whose card was posted and a topic; Vera, chat 11, joined Acme and
// asked too, with a card and a topic of her own; Boris, chat 9, owns Beta
// LLC with a taken handoff, a topic, a note and a relay) and checks that
// the topics, handoffs and posts are now the companies', nothing lost.
func TestUpgradeFromSchema9ToDesk(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t, "schema9.db")
	acme, err := db.CompanyOf(ctx, 7)
	require.NoError(t, err)
	require.Len(t, acme.Members, 2)
	beta, err := db.CompanyOf(ctx, 9)
	require.NoError(t, err)

	// Every thread still finds its company; the bot posts in the newest.
	for thread, company := range map[int]int64{70: acme.ID, 110: acme.ID, 90: beta.ID} {
		topic, err := db.TopicByThread(ctx, -100500, thread)
		require.NoError(t, err, "thread %d", thread)
		assert.Equal(t, company, topic.CompanyID, "thread %d", thread)
	}
	for _, chat := range []int64{7, 11} {
		topic, err := db.Topic(ctx, chat)
		require.NoError(t, err)
		assert.Equal(t, 110, topic.ThreadID, "chat %d: one topic for Acme", chat)
	}

	// Every post keeps its member and now names its company.
	for msg, want := range map[int]GroupPost{
		42: {ChatID: 7, Kind: PostCard, CompanyID: acme.ID}, 43: {ChatID: 7, Kind: PostCopy, CompanyID: acme.ID},
		55: {ChatID: 11, Kind: PostCard, CompanyID: acme.ID}, 56: {ChatID: 11, Kind: PostCopy, CompanyID: acme.ID},
		60: {ChatID: 9, Kind: PostNote, CompanyID: beta.ID}, 61: {ChatID: 9, Kind: PostRelay, CompanyID: beta.ID},
	} {
		p, err := db.GroupPostAt(ctx, -100500, msg)
		require.NoError(t, err, "post %d", msg)
		want.ManagersChatID, want.MessageID = -100500, msg
		assert.Equal(t, want, p)
	}

	// Acme's open request is its newest, Vera's; each handoff keeps the
	// request it was, with who asked.
	desk, err := db.Desk(ctx, 7, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NotNil(t, desk.Handoff)
	assert.Equal(t, int64(3), desk.Handoff.ID)
	assert.Equal(t, acme.ID, desk.Handoff.CompanyID)
	require.Len(t, desk.Asks, 1)
	assert.Equal(t, Ask{ChatID: 11, Name: "Vera", Username: "vera", Comment: "need a quote",
		CreatedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}, desk.Asks[0])
	asks, err := db.HandoffAsks(ctx, 1)
	require.NoError(t, err)
	require.Len(t, asks, 1)
	assert.Equal(t, int64(7), asks[0].ChatID)
	assert.Equal(t, "call me", asks[0].Comment)
	h, err := db.LatestHandoff(ctx, 9)
	require.NoError(t, err)
	assert.Equal(t, HandoffTaken, h.State)
	assert.Equal(t, beta.ID, h.CompanyID)
	n, err := db.CountOpenHandoffs(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "Acme and Beta LLC")

	// A reply in Acme's topic reaches Vera, who asked last; one to Anna's
	// copy reaches Anna.
	to, err := db.RelayTarget(ctx, acme.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(11), to)
	to, err = db.RelayTarget(ctx, acme.ID, 7)
	require.NoError(t, err)
	assert.Equal(t, int64(7), to)

	// One desk row per company.
	var rows []DeskRow
	require.NoError(t, db.EachDeskRow(ctx, true, func(r DeskRow) error { rows = append(rows, r); return nil }))
	require.Len(t, rows, 2)
	assert.Equal(t, "Acme", rows[0].Partner.Company)
	assert.Equal(t, int64(11), rows[0].Partner.ChatID, "the member who asked last")
	assert.Len(t, rows[0].Members, 2)
	assert.Equal(t, 110, rows[0].Thread)
	assert.Equal(t, "Beta LLC", rows[1].Partner.Company)

	// Vera forgets herself: Acme's request stays, now Anna's to answer,
	// without Vera's comment; her copy alone is redacted.
	require.NoError(t, db.Forget(ctx, 11))
	h, err = db.HandoffToPost(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, int64(7), h.ChatID)
	assert.Empty(t, h.Comment)
	f, err := db.TakeFootprint(ctx, 11)
	require.NoError(t, err)
	assert.Empty(t, f.Topics)
	require.Len(t, f.Posts, 1)
	assert.Equal(t, 56, f.Posts[0].MessageID)
}
