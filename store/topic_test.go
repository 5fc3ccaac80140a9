package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// TestUpgradeFromSchema7 opens a database written by the schema of
// migration 0007 (testdata/schema7.db: the rows of schema6.db, the handoff's
// card posted, its edit waiting in the outbox) and checks that the handoff
// reads with its new columns empty, the card's edit is still waiting, and
// topics, posts and nudges work on the old rows.
func TestUpgradeFromSchema7(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t, "schema7.db")

	desk, err := db.Desk(ctx, 7, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NotNil(t, desk.Handoff)
	h := *desk.Handoff
	assert.Equal(t, "call me", h.Comment)
	assert.Equal(t, int64(-100500), h.CardChatID)
	assert.Equal(t, 42, h.CardMessageID)
	assert.True(t, h.DoneAt.IsZero())
	assert.True(t, h.NudgedAt.IsZero())

	waiting, err := db.PendingOutbound(ctx, -100500, 0)
	require.NoError(t, err)
	require.Len(t, waiting, 1, "the card's edit still waits")
	assert.Equal(t, h.ID, waiting[0].HandoffID)

	_, err = db.Topic(ctx, 7)
	assert.ErrorIs(t, err, ErrNotFound, "no partner has a topic yet")
	require.NoError(t, db.SaveTopic(ctx, &Topic{ChatID: 7, ManagersChatID: -100500, ThreadID: 9, Name: "Acme"}))
	got, err := db.TopicByThread(ctx, -100500, 9)
	require.NoError(t, err)
	c, err := db.CompanyOf(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, c.ID, got.CompanyID)

	due, err := db.NudgeDue(ctx, time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Len(t, due, 1)
	first, err := db.MarkNudged(ctx, h.ID)
	require.NoError(t, err)
	assert.True(t, first)
	again, err := db.MarkNudged(ctx, h.ID)
	require.NoError(t, err)
	assert.False(t, again, "a handoff is nudged once")

	closed, err := db.CloseHandoff(ctx, h.ID, 5, "Maria")
	require.NoError(t, err)
	assert.Equal(t, "Maria", closed.DoneName)
	assert.False(t, closed.DoneAt.IsZero())
}

// TestFootprint: a member forgotten while its company goes on takes only
// the copies of its own messages, once; the company's topic and card stay
// and no longer name it. The last member's forget takes the company's
// topic and every post; another company's stay.
func TestFootprint(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	checked(t, db, 1, "Acme")
	joined(t, db, 1, 2, "h1")
	checked(t, db, 3, "Beta")
	require.NoError(t, db.SaveTopic(ctx, &Topic{ChatID: 1, ManagersChatID: -5, ThreadID: 10, Name: "A"}))
	require.NoError(t, db.SaveTopic(ctx, &Topic{ChatID: 3, ManagersChatID: -5, ThreadID: 11, Name: "B"}))
	for _, p := range []GroupPost{{-5, 12, 2, PostCard, 0}, {-5, 13, 3, PostCard, 0}, {-5, 14, 2, PostCopy, 0}, {-5, 15, 1, PostCopy, 0}} {
		require.NoError(t, db.AddGroupPost(ctx, p))
	}
	post, err := db.GroupPostAt(ctx, -5, 14)
	require.NoError(t, err)
	assert.Equal(t, int64(2), post.ChatID)
	acme, err := db.CompanyOf(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, acme.ID, post.CompanyID)
	topic, err := db.Topic(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, 10, topic.ThreadID, "one topic for the company, whichever member")

	require.NoError(t, db.Forget(ctx, 2))
	f, err := db.TakeFootprint(ctx, 2)
	require.NoError(t, err)
	assert.Empty(t, f.Topics, "the company's topic stays")
	require.Len(t, f.Posts, 1)
	assert.Equal(t, 14, f.Posts[0].MessageID)
	card, err := db.GroupPostAt(ctx, -5, 12)
	require.NoError(t, err)
	assert.Zero(t, card.ChatID, "the card no longer names the forgotten member")
	assert.Equal(t, acme.ID, card.CompanyID)
	f, err = db.TakeFootprint(ctx, 2)
	require.NoError(t, err)
	assert.Empty(t, f.Topics)
	assert.Empty(t, f.Posts)

	require.NoError(t, db.Forget(ctx, 1))
	f, err = db.TakeFootprint(ctx, 1)
	require.NoError(t, err)
	require.Len(t, f.Topics, 1)
	assert.Equal(t, 10, f.Topics[0].ThreadID)
	assert.Len(t, f.Posts, 2, "the card and the last member's copy")
	_, err = db.GroupPostAt(ctx, -5, 12)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = db.GroupPostAt(ctx, -5, 13)
	assert.NoError(t, err, "the other company's post stays")
	_, err = db.TopicByThread(ctx, -5, 11)
	assert.NoError(t, err, "the other company's topic stays")
}

// TestMoveManagersChat: the new id is remembered and what waited for the
// old chat goes to the new one.
func TestMoveManagersChat(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	id, err := db.MovedChat(ctx, -5)
	require.NoError(t, err)
	assert.Zero(t, id)
	require.NoError(t, db.AddOutbound(ctx, &Outbound{ChatID: -5, Payload: []byte(`{}`)}))
	// One claimed for sending when the old chat refused it moves too, and
	// once put back it is sent to the new chat.
	claimed := &Outbound{ChatID: -5, Payload: []byte(`{}`)}
	require.NoError(t, db.AddOutbound(ctx, claimed))
	require.NoError(t, db.MarkSending(ctx, claimed.ID))
	require.NoError(t, db.MoveManagersChat(ctx, -5, -1000000000005))
	require.NoError(t, db.CountAttempt(ctx, claimed.ID, nil))
	id, err = db.MovedChat(ctx, -5)
	require.NoError(t, err)
	assert.Equal(t, int64(-1000000000005), id)
	moved, err := db.PendingOutbound(ctx, -1000000000005, 0)
	require.NoError(t, err)
	assert.Len(t, moved, 2)
}

// TestEachDeskRow: every partner once, in chat id order, with its latest
// report (facts, no verdict), latest handoff, topic and session; a partner
// with none of them still comes, with nils; PartnersByCompany folds case in
// any script and puts exact matches first.
func TestEachDeskRow(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 2, Lang: "ru", Company: "Ромашка"}}))
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 1, Lang: "en", Company: "Ромашка Плюс"}, Session: session("en", 1),
		Report: &Report{Facts: facts(t, `{"partner_agreement":true}`), Statuses: map[string]eligibility.Status{"devops": "not_eligible"}, Gaps: map[string]int{"devops": 1}}}))
	h := &Handoff{ChatID: 1, Comment: "hi"}
	require.NoError(t, db.SaveHandoff(ctx, h))
	require.NoError(t, db.SaveTopic(ctx, &Topic{ChatID: 1, ManagersChatID: -5, ThreadID: 9}))

	var rows []DeskRow
	require.NoError(t, db.EachDeskRow(ctx, true, func(r DeskRow) error { rows = append(rows, r); return nil }))
	require.Len(t, rows, 2)
	one, two := rows[0], rows[1]
	assert.Equal(t, int64(1), one.Partner.ChatID)
	require.NotNil(t, one.Report)
	assert.True(t, one.Report.Facts.Bools[eligibility.Ref{Fact: "partner_agreement"}])
	assert.Equal(t, 1, one.Report.Gaps["devops"])
	require.NotNil(t, one.Handoff)
	assert.Equal(t, "hi", one.Handoff.Comment)
	assert.Equal(t, HandoffOpen, one.Handoff.State)
	assert.Equal(t, 9, one.Thread)
	assert.NotNil(t, one.Session)
	assert.Nil(t, two.Report)
	assert.Nil(t, two.Handoff)
	assert.Zero(t, two.Thread)

	found, err := db.PartnersByCompany(ctx, "РОМАШКА")
	require.NoError(t, err)
	require.Len(t, found, 2)
	assert.Equal(t, int64(2), found[0].ChatID, "the exact match first")
}

// TestEachDeskRowMembers: every company's members come in the walk as a
// company's own read gives them, owner first, whether the company has one
// member (read with the row) or several; the sessions come only when
// asked for.
func TestEachDeskRowMembers(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	checked(t, db, 1, "Acme")
	joined(t, db, 1, 3, "h1")
	joined(t, db, 1, 4, "h2")
	checked(t, db, 2, "Solo")
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 2, Lang: "en", Name: "Олег", Username: "oleg"}, Session: session("en", 1)}))
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 7, Lang: "ru"}}))

	for _, withSessions := range []bool{true, false} {
		var rows []DeskRow
		require.NoError(t, db.EachDeskRow(ctx, withSessions, func(r DeskRow) error { rows = append(rows, r); return nil }))
		require.Len(t, rows, 3)
		for _, r := range rows[:2] {
			c, err := db.CompanyOf(ctx, r.Partner.ChatID)
			require.NoError(t, err, r.Partner.ChatID)
			assert.Equal(t, c.Members, r.Members, "chat %d", r.Partner.ChatID)
			assert.Equal(t, c.Name, r.Partner.Company)
		}
		assert.Empty(t, rows[2].Members, "a partner of no company")
		assert.Len(t, rows[0].Members, 3)
		solo := rows[1]
		require.Len(t, solo.Members, 1)
		assert.Equal(t, "Олег", solo.Members[0].Partner.Name)
		assert.Equal(t, RoleOwner, solo.Members[0].Role)
		assert.Equal(t, withSessions, solo.Session != nil, "sessions only when asked for")
	}
}
