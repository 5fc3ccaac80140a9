package app

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// threeMembers stores a company "Acme" owned by chat 1 (English) with
// members 2 (Russian) and 3 (English), and an App over it.
func threeMembers(t *testing.T) (*App, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	db.Catalog = eligibility.DefaultCatalog()
	require.NoError(t, db.SaveTurn(ctx, &store.Turn{Partner: store.Partner{ChatID: 1, Name: "Olga", Lang: "en", Company: "Acme"},
		Report: &store.Report{Facts: eligibility.NewFacts()}}))
	for _, m := range []store.Partner{{ChatID: 2, Name: "Petr", Lang: "ru"}, {ChatID: 3, Name: "Zoe", Lang: "en"}} {
		hash := "h" + strconv.FormatInt(m.ChatID, 10)
		inv, err := db.CreateInvite(ctx, 1, hash, time.Hour)
		require.NoError(t, err)
		_, err = db.OpenInvite(ctx, hash, m.ChatID)
		require.NoError(t, err)
		_, err = db.AcceptInvite(ctx, inv.ID, m)
		require.NoError(t, err)
	}
	now := convNow(t)
	return &App{DB: db, Engine: &dialogs.Engine{Catalog: eligibility.DefaultCatalog(), Now: func() time.Time { return now }}}, db
}

// unsentTexts are the texts waiting in a chat's outbox.
func unsentTexts(t *testing.T, a *App, chatID int64) []string {
	t.Helper()
	os, err := a.Unsent(context.Background(), chatID, 0)
	require.NoError(t, err)
	var out []string
	for _, o := range os {
		for _, m := range o.Messages {
			out = append(out, m.Text)
		}
	}
	return out
}

// TestRemovedMemberTold: the owner removes a member; the member is told in
// its own language, through the outbox, with the removal; a second press
// tells nobody again.
func TestRemovedMemberTold(t *testing.T) {
	ctx := context.Background()
	a, db := threeMembers(t)
	turn, err := a.Handle(ctx, Who{ChatID: 1, Name: "Olga"}, dialogs.Input{Button: dialogs.CoRemove + "2"}, 0, 0)
	require.NoError(t, err)
	want := locales.For("ru").T("company.removed_you", "Company", "Acme", "Owner", "Olga")
	require.Len(t, turn.Notes, 1)
	assert.EqualValues(t, 2, turn.Notes[0].ChatID)
	assert.NotZero(t, turn.Notes[0].ID, "stored in the outbox")
	assert.Equal(t, []string{want}, unsentTexts(t, a, 2))
	_, err = db.CompanyOf(ctx, 2)
	assert.ErrorIs(t, err, store.ErrNoCompany)

	turn, err = a.Handle(ctx, Who{ChatID: 1, Name: "Olga"}, dialogs.Input{Button: dialogs.CoRemove + "2"}, 0, 0)
	require.NoError(t, err)
	assert.Empty(t, turn.Notes)
	assert.Equal(t, []string{want}, unsentTexts(t, a, 2), "told once")

	// A member cannot remove another: nobody is told.
	turn, err = a.Handle(ctx, Who{ChatID: 3, Name: "Zoe"}, dialogs.Input{Button: dialogs.CoRemove + "1"}, 0, 0)
	require.NoError(t, err)
	assert.Empty(t, turn.Notes)
	assert.NotContains(t, unsentTexts(t, a, 1), locales.For("en").T("company.removed_you", "Company", "Acme", "Owner", "Olga"))
	_, err = db.CompanyOf(ctx, 1)
	assert.NoError(t, err)
}

// TestLeavingMemberToldToOwner: a member who leaves is announced to the
// owner in the owner's language; an owner who leaves is announced to the
// member who becomes the owner, in that member's language.
func TestLeavingMemberToldToOwner(t *testing.T) {
	ctx := context.Background()
	a, _ := threeMembers(t)
	_, err := a.Handle(ctx, Who{ChatID: 3, Name: "Zoe"}, dialogs.Input{Button: dialogs.CoLeave}, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{locales.For("en").T("company.member_left", "Company", "Acme", "Name", "Zoe")}, unsentTexts(t, a, 1))

	_, err = a.Handle(ctx, Who{ChatID: 1, Name: "Olga"}, dialogs.Input{Button: dialogs.CoLeave}, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{locales.For("ru").T("company.owner_left", "Company", "Acme", "Name", "Olga")}, unsentTexts(t, a, 2))
	c, err := a.DB.CompanyOf(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, store.RoleOwner, c.Owner().Role)
	assert.EqualValues(t, 2, c.Owner().Partner.ChatID)
}
