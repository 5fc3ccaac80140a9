package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// checked saves a check by chat id: the first one creates its company.
func checked(t *testing.T, db *DB, id int64, company string) {
	t.Helper()
	turn := &Turn{Partner: Partner{ChatID: id, Lang: "en", Company: company}, Report: &Report{Facts: eligibility.NewFacts()}}
	require.NoError(t, db.SaveTurn(context.Background(), turn))
}

// joined makes chat id a member of owner's company through an invitation.
func joined(t *testing.T, db *DB, owner, id int64, hash string) Company {
	t.Helper()
	ctx := context.Background()
	inv, err := db.CreateInvite(ctx, owner, hash, time.Hour)
	require.NoError(t, err)
	_, err = db.OpenInvite(ctx, hash, id)
	require.NoError(t, err)
	c, err := db.AcceptInvite(ctx, inv.ID, Partner{ChatID: id, Lang: "ru", Reminders: ConsentOff})
	require.NoError(t, err)
	return c
}

func TestFirstCheckCreatesCompany(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := db.CompanyOf(ctx, 1)
	assert.ErrorIs(t, err, ErrNoCompany)
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 1, Lang: "en"}}))
	_, err = db.CompanyOf(ctx, 1)
	assert.ErrorIs(t, err, ErrNoCompany, "no company before the first check")

	checked(t, db, 1, "Acme")
	c, err := db.CompanyOf(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "Acme", c.Name)
	assert.Equal(t, int64(1), c.Owner().Partner.ChatID)
	checked(t, db, 1, "Acme Ltd")
	c, err = db.CompanyOf(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "Acme Ltd", c.Name, "a later check renames it")
	assert.Len(t, c.Members, 1)
}

func TestInvites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	checked(t, db, 1, "Acme")
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 2, Lang: "ru"}}))

	_, err := db.CreateInvite(ctx, 2, "h0", time.Hour)
	assert.ErrorIs(t, err, ErrNoCompany)
	c := joined(t, db, 1, 2, "h1")
	require.Len(t, c.Members, 2)
	assert.Equal(t, RoleMember, c.Members[1].Role)
	assert.Equal(t, "ru", c.Members[1].Partner.Lang, "each member keeps its language")
	_, err = db.CreateInvite(ctx, 2, "h2", time.Hour)
	assert.ErrorIs(t, err, ErrNotOwner)

	for _, tc := range []struct {
		name string
		hash string
		prep func()
		want error
	}{
		{"used", "h1", nil, ErrInviteUsed},
		{"forged", "nope", nil, ErrInviteUnknown},
		{"expired", "h3", func() {
			_, err := db.CreateInvite(ctx, 1, "h3", time.Hour)
			require.NoError(t, err)
			now = now.Add(time.Hour)
		}, ErrInviteExpired},
		{"revoked", "h4", func() {
			inv, err := db.CreateInvite(ctx, 1, "h4", time.Hour)
			require.NoError(t, err)
			require.ErrorIs(t, db.RevokeInvite(ctx, 2, inv.ID), ErrNotOwner)
			require.NoError(t, db.RevokeInvite(ctx, 1, inv.ID))
		}, ErrInviteRevoked},
		{"own company", "h5", func() {
			_, err := db.CreateInvite(ctx, 1, "h5", time.Hour)
			require.NoError(t, err)
		}, ErrAlreadyMember},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.prep != nil {
				tc.prep()
			}
			_, err := db.OpenInvite(ctx, tc.hash, 2)
			assert.ErrorIs(t, err, tc.want)
			c, err := db.CompanyOf(ctx, 2)
			require.NoError(t, err)
			assert.Len(t, c.Members, 2, "nothing changed")
		})
	}

	// Only the chat that opened a link may accept it.
	inv, err := db.CreateInvite(ctx, 1, "h6", time.Hour)
	require.NoError(t, err)
	_, err = db.OpenInvite(ctx, "h6", 3)
	require.NoError(t, err)
	_, err = db.AcceptInvite(ctx, inv.ID, Partner{ChatID: 4, Lang: "en"})
	assert.ErrorIs(t, err, ErrInviteUnknown)
}

func TestForgetInCompany(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	checked(t, db, 1, "Acme")
	joined(t, db, 1, 2, "h1")
	checked(t, db, 2, "Acme")

	rs, err := db.Reports(ctx, 1, 0)
	require.NoError(t, err)
	require.Len(t, rs, 2, "the history is the company's")

	// The owner forgets itself: the member stays, owns the company, and
	// keeps the whole history, the owner's name taken off its check.
	require.NoError(t, db.Forget(ctx, 1))
	c, err := db.CompanyOf(ctx, 2)
	require.NoError(t, err)
	require.Len(t, c.Members, 1)
	assert.Equal(t, RoleOwner, c.Members[0].Role)
	rs, err = db.Reports(ctx, 2, 0)
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, int64(2), rs[0].ChatID)
	assert.Zero(t, rs[1].ChatID, "the forgotten member's attribution is gone")
	_, err = db.Partner(ctx, 1)
	assert.ErrorIs(t, err, ErrNotFound)

	// The last member takes the company with it.
	require.NoError(t, db.Forget(ctx, 2))
	var n int
	require.NoError(t, db.rw.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM companies) + (SELECT COUNT(*) FROM reports) + (SELECT COUNT(*) FROM invites)`).Scan(&n))
	assert.Zero(t, n)
}

func TestRemoveMember(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	checked(t, db, 1, "Acme")
	joined(t, db, 1, 2, "h1")
	joined(t, db, 1, 3, "h2")

	assert.ErrorIs(t, db.RemoveMember(ctx, 2, 3), ErrNotOwner)
	require.NoError(t, db.RemoveMember(ctx, 1, 3))
	_, err := db.CompanyOf(ctx, 3)
	assert.ErrorIs(t, err, ErrNoCompany)
	_, err = db.Partner(ctx, 3)
	require.NoError(t, err, "a removed member keeps its chat")
	require.NoError(t, db.RemoveMember(ctx, 2, 2), "a member leaves")
	assert.ErrorIs(t, db.RemoveMember(ctx, 1, 1), ErrLastMember)
}

// TestLatestSummaryPerCompany: the managers' figures count a company once,
// with its latest check whoever ran it, under its owner.
func TestLatestSummaryPerCompany(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	checked(t, db, 1, "Acme")
	joined(t, db, 1, 2, "h1")
	checked(t, db, 2, "Acme")
	checked(t, db, 3, "Solo")
	var got []PartnerReport
	require.NoError(t, db.EachLatestSummary(ctx, func(pr PartnerReport) error {
		got = append(got, pr)
		return nil
	}))
	require.Len(t, got, 2)
	assert.Equal(t, int64(1), got[0].Partner.ChatID, "the owner stands for the company")
	assert.Equal(t, int64(2), got[0].Report.ChatID, "the latest check, by the member")
	assert.Equal(t, int64(3), got[1].Partner.ChatID)
}
