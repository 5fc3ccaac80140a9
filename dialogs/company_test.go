package dialogs

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// TestCompanyGolden pins every company message a member reads, per
// language: the invitation, the question to join (with and without a
// company left behind), the welcome, the members as the owner and as a
// member see them, and each refusal.
func TestCompanyGolden(t *testing.T) {
	expires := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	view := CompanyView{Name: "Acme & Co", Viewer: 1, ViewerOwns: true, Members: []MemberView{
		{ChatID: 1, Name: "Olga", Username: "olga", Owner: true},
		{ChatID: 2, Name: "Petr <CTO>"},
		{ChatID: 3, Username: "zoe"},
	}}
	asMember := view
	asMember.Viewer, asMember.ViewerOwns = 2, false
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			var b strings.Builder
			transcript(&b, "invite", []Message{InviteMessage(lang, "Acme & Co", "https://t.me/test_bot?start=TOKEN", 7, expires, loc)})
			transcript(&b, "join", []Message{JoinQuestion(lang, "Acme & Co", "Olga", 7, "")})
			transcript(&b, "join, leaving a company", []Message{JoinQuestion(lang, "Acme & Co", "Olga", 7, "Solo")})
			transcript(&b, "joined", []Message{JoinedMessage(lang, "Acme & Co")})
			transcript(&b, "members, owner", []Message{MembersMessage(lang, view)})
			transcript(&b, "members, member", []Message{MembersMessage(lang, asMember)})
			for _, id := range []string{"company.no_company", "company.not_owner", "company.invite_used", "company.invite_expired",
				"company.invite_unknown", "company.invite_revoked", "company.invite_withdrawn", "company.invite_gone", "company.join_declined",
				"company.last_member", "company.member_gone", "forget.confirm_member", "forget.done_member"} {
				transcript(&b, id, []Message{CompanyNotice(lang, id)})
			}
			transcript(&b, "company.already_member", []Message{CompanyNotice(lang, "company.already_member", "Company", "Acme & Co")})
			transcript(&b, "company.left", []Message{CompanyNotice(lang, "company.left", "Company", "Acme & Co")})
			transcript(&b, "company.member_removed", []Message{CompanyNotice(lang, "company.member_removed", "Name", "Petr <CTO>")})
			transcript(&b, "removed, told", []Message{RemovedMessage(lang, "Acme & Co", "Olga")})
			transcript(&b, "member left, owner told", []Message{MemberLeftMessage(lang, "Acme & Co", "Petr <CTO>", false)})
			transcript(&b, "owner left, new owner told", []Message{MemberLeftMessage(lang, "Acme & Co", "Olga", true)})
			for _, m := range []Message{MembersMessage(lang, view), InviteMessage(lang, "A&B", "x", 1, expires, loc),
				RemovedMessage(lang, "A&B", "<O>"), MemberLeftMessage(lang, "A&B", "<P>", true)} {
				require.NoError(t, checkTelegramHTML(m.Text))
			}
			golden(t, "company_"+lang+".golden", b.String())
		})
	}
}

// TestRenderLapsedCertificate: the verdict says, in each language, which
// certificate does not count for the next window because it lapses first.
func TestRenderLapsedCertificate(t *testing.T) {
	_, r := designReport(t)
	r.Lapsed = []eligibility.Lapse{{Employee: "Anna <A>", Cert: "cloud_service_engineer", Earned: "2025-04", Until: "2027-03"}}
	for lang, want := range map[string]string{
		"en": "⏳ Anna &lt;A&gt;: Cloud service engineer is valid through March 2027 and lapses before the window opens on 1 April 2027",
		"ru": "⏳ Anna &lt;A&gt;: сертификат «Инженер облачных сервисов» действует до конца марта 2027 г. и истекает до открытия окна 1 апреля 2027",
	} {
		got := RenderReport(r, nil, lang)
		require.NoError(t, checkTelegramHTML(got))
		require.Contains(t, got, want)
	}
}
