package bot_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/locales"
	"specbot/store"
)

// inviteRE finds the deep link of an invitation (the fake server's bot is
// @test_bot) and its token.
var inviteRE = regexp.MustCompile(`https://t\.me/test_bot\?start=([A-Za-z0-9_-]{1,64})`)

// invite sends /invite and returns the token of the link the bot gave.
func (p *partner) invite() (string, telegramtest.Message) {
	p.tb.Helper()
	// A new message: the earlier invitation, edited meanwhile (its buttons
	// removed), also shows a link.
	before := p.mark()
	p.srv.SendText(p.chat, p.user, "/invite")
	p.deliver()
	var msg telegramtest.Message
	p.srv.WaitFor(p.tb, waitFor, func([]telegramtest.Call) bool {
		for _, c := range p.changed(before) {
			if c.ID > before.maxID && strings.Contains(c.Text, "https://t.me/test_bot?start=") {
				msg = c
				return true
			}
		}
		return false
	})
	m := inviteRE.FindStringSubmatch(msg.Text)
	require.Len(p.tb, m, 2, "an invitation link in %q", msg.Text)
	return m[1], msg
}

// open opens an invitation link: Telegram sends "/start <token>".
func (p *partner) open(token, want string) telegramtest.Message {
	p.tb.Helper()
	return p.say("/start "+token, want)
}

// TestInviteJoin: the owner's first check creates the company; /invite
// gives a single-use link; a colleague who opens it confirms in its own
// language and becomes a member, sees the members and the company's last
// verdict. The link used again, a forged one, an expired one (the store's
// clock moved past 72 hours) and a withdrawn one are each refused with a
// translated answer and change nothing. The token never reaches a log.
func TestInviteJoin(t *testing.T) {
	for _, tc := range []struct{ owner, colleague string }{{"en", "ru"}, {"ru", "en"}} {
		t.Run(tc.owner, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			olga := h.partner(t, 501, "Olga", tc.owner)
			petr := h.partner(t, 502, "Petr", tc.colleague)
			third := h.partner(t, 503, "Zoe", tc.colleague)

			olga.typ("/start")
			olga.say("/invite", olga.T("company.no_company"))
			olga.mlCheck("Acme & Co", "150 000")
			olga.verdict()
			token, _ := olga.invite()
			assert.LessOrEqual(t, len(token), 64)

			ask := petr.open(token, "Olga")
			assert.Contains(t, ask.Text, "Olga")
			assert.Contains(t, ask.Text, "Acme &amp; Co")
			assert.Contains(t, ask.Text, petr.T("company.join_confirm", "Company", "Acme &amp; Co", "Inviter", "Olga"))
			joined := petr.pressFor(petr.T("button.join"), petr.T("company.joined", "Company", "Acme &amp; Co"))
			assert.NotNil(t, joined.Keyboard, "a new member is one tap from a check")

			list := petr.say("/members", "Olga")
			assert.Contains(t, list.Text, "Petr")
			assert.Contains(t, list.Text, petr.T("company.role_owner"))
			_, canRemove := buttonData(list, petr.T("button.member_remove", "Name", "Olga (@olga)"))
			assert.False(t, canRemove, "only the owner removes members")
			report := petr.say("/report", "🗓")
			assert.Contains(t, report.Text, "ML &amp; AI", "the company's verdict is the member's")

			c, err := h.db.CompanyOf(ctx, olga.chat)
			require.NoError(t, err)
			require.Len(t, c.Members, 2)

			// Used, forged, expired, withdrawn: refused, nothing changed.
			third.open(token, third.T("company.invite_used"))
			third.open("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", third.T("company.invite_unknown"))
			petr.open(token, petr.T("company.invite_used"))
			late, _ := olga.invite()
			h.skew.Store(int64(72*time.Hour + time.Minute))
			third.open(late, third.T("company.invite_expired"))
			h.skew.Store(0)
			withdrawn, msg := olga.invite()
			data, ok := buttonData(msg, olga.T("button.invite_revoke"))
			require.True(t, ok)
			m := olga.mark()
			olga.pressOn(msg.ID, data)
			olga.waitText(m, olga.T("company.invite_withdrawn"))
			m = olga.mark()
			olga.pressOn(msg.ID, data)
			olga.waitText(m, olga.T("company.invite_gone"))
			third.open(withdrawn, third.T("company.invite_revoked"))
			_, err = h.db.CompanyOf(ctx, third.chat)
			assert.ErrorIs(t, err, store.ErrNoCompany)
			c, err = h.db.CompanyOf(ctx, olga.chat)
			require.NoError(t, err)
			assert.Len(t, c.Members, 2, "no refused link changed the company")

			// The owner removes the member with a button.
			list = olga.say("/members", "Petr")
			data, ok = buttonData(list, olga.T("button.member_remove", "Name", "Petr (@petr)"))
			require.True(t, ok, "the owner can remove a member")
			m = olga.mark()
			pm := petr.mark()
			olga.pressOn(list.ID, data)
			olga.waitText(m, olga.T("company.member_removed", "Name", "Petr"))
			// Petr is told, in his own language, and can start his own check.
			told := petr.waitText(pm, petr.T("company.removed_you", "Company", "Acme &amp; Co", "Owner", "Olga"))
			_, canCheck := buttonData(told, petr.T("button.start_check"))
			assert.True(t, canCheck, "the removed member is one tap from a check of its own")
			if tc.colleague != tc.owner {
				assert.NotContains(t, told.Text, olga.T("company.removed_you", "Company", "Acme &amp; Co", "Owner", "Olga"))
			}
			_, err = h.db.CompanyOf(ctx, petr.chat)
			assert.ErrorIs(t, err, store.ErrNoCompany)

			h.settle()
			for _, tok := range []string{token, late, withdrawn} {
				assert.NotContains(t, h.logs.String(), tok, "an invitation token reached the log")
			}
		})
	}
}

// TestMembersOwnSettingsAndForget: each member keeps its own language and
// reminder consent; a member's /forget removes only that member (the
// company and its verdict stay); the last member's /forget deletes the
// company.
func TestMembersOwnSettingsAndForget(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			olga := h.partner(t, 601, "Olga", lang)
			other := "ru"
			if lang == "ru" {
				other = "en"
			}
			petr := h.partner(t, 602, "Petr", other)
			olga.mlCheck("Acme", "150 000")
			olga.verdict()
			token, _ := olga.invite()
			petr.open(token, "Olga")
			petr.pressFor(petr.T("button.join"), petr.T("company.joined", "Company", "Acme"))

			// Petr turns reminders on and switches language; Olga's stay.
			petr.say("/reminders", petr.T("reminders.off"))
			petr.pressFor(petr.T("button.reminders_on"), petr.T("reminders.set_on"))
			petr.say("/language", petr.T("language.choose"))
			petr.pressFor(map[string]string{"en": "English", "ru": "Русский"}[lang], olga.T("language.set"))
			h.settle()
			p, err := h.db.Partner(ctx, petr.chat)
			require.NoError(t, err)
			assert.Equal(t, lang, p.Lang)
			assert.Equal(t, store.ConsentOn, p.Reminders)
			o, err := h.db.Partner(ctx, olga.chat)
			require.NoError(t, err)
			assert.Equal(t, lang, o.Lang)
			assert.NotEqual(t, store.ConsentOn, o.Reminders, "a member's consent is its own")

			petr.p = olga.p // Petr now reads the owner's language

			// A member can leave, and come back with a new link.
			list := petr.say("/members", "Olga")
			data, ok := buttonData(list, petr.T("button.member_leave"))
			require.True(t, ok, "a member can leave")
			m := petr.mark()
			om := olga.mark()
			petr.pressOn(list.ID, data)
			petr.waitText(m, petr.T("company.left", "Company", "Acme"))
			// The owner is told, in the owner's language.
			olga.waitText(om, olga.T("company.member_left", "Company", "Acme", "Name", "Petr"))
			_, err = h.db.CompanyOf(ctx, petr.chat)
			require.ErrorIs(t, err, store.ErrNoCompany)
			again, _ := olga.invite()
			petr.open(again, "Olga")
			petr.pressFor(petr.T("button.join"), petr.T("company.joined", "Company", "Acme"))

			// Petr forgets himself: the company and its verdict stay.
			petr.say("/forget", petr.T("forget.confirm_member"))
			petr.pressFor(petr.T("button.forget_yes"), petr.T("forget.done_member"))
			_, err = h.db.Partner(ctx, petr.chat)
			assert.ErrorIs(t, err, store.ErrNotFound)
			c, err := h.db.CompanyOf(ctx, olga.chat)
			require.NoError(t, err)
			assert.Len(t, c.Members, 1)
			olga.say("/report", "🗓")

			// The last member takes the company with it.
			olga.say("/forget", olga.T("forget.confirm"))
			olga.pressFor(olga.T("button.forget_yes"), olga.T("forget.done"))
			_, err = h.db.CompanyOf(ctx, olga.chat)
			assert.ErrorIs(t, err, store.ErrNoCompany)
			rs, err := h.db.Reports(ctx, olga.chat, 0)
			require.NoError(t, err)
			assert.Empty(t, rs)
		})
	}
}

// TestMembersAnswerConcurrently: two members of one company review the
// company's answers at the same time, each changes a different one, and
// both ask for the verdict: the company keeps both changes (merged answer
// by answer), each attributed to its author; the next check starts from
// them and its summary says who changed what.
func TestMembersAnswerConcurrently(t *testing.T) {
	for _, tc := range []struct{ owner, colleague string }{{"en", "ru"}, {"ru", "en"}} {
		t.Run(tc.owner, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			olga := h.partner(t, 701, "Olga", tc.owner)
			petr := h.partner(t, 702, "Petr", tc.colleague)
			olga.mlCheck("Acme", "150 000")
			olga.verdict()
			token, _ := olga.invite()
			petr.open(token, "Olga")
			petr.pressFor(petr.T("button.join"), petr.T("company.joined", "Company", "Acme"))

			// Both open the company's answers, as they stand, at once.
			for _, p := range []*partner{olga, petr} {
				p.typ("/check")
				p.press(p.T("button.keep_all"))
				require.Contains(t, p.last().Text, p.T("summary.title"))
			}
			// Olga changes the monthly amount (answer 7), Petr the number
			// of Call Center projects (answer 6), neither seeing the other's.
			olga.typ("7")
			olga.typ("200 000")
			petr.typ("6")
			petr.press("2")
			petr.verdict()
			olga.verdict()
			h.settle()

			chat, err := h.db.Chat(ctx, petr.chat)
			require.NoError(t, err)
			require.NotNil(t, chat.Facts)
			v := chat.Facts.Facts.Values()
			assert.JSONEq(t, `200000`, string(v["brand_voice_call_center_rub_month"]), "Olga's change is kept")
			assert.JSONEq(t, `2`, string(v["brand_voice_projects.call_center"]), "Petr's change is kept")
			assert.Equal(t, olga.chat, chat.Facts.Changed["brand_voice_call_center_rub_month"].ChatID)
			assert.Equal(t, petr.chat, chat.Facts.Changed["brand_voice_projects.call_center"].ChatID)

			// Petr's next check starts from both, and says who changed what.
			petr.typ("/check")
			petr.press(petr.T("button.keep_all"))
			sum := petr.last().Text
			assert.Contains(t, sum, "Olga, ")
			assert.Contains(t, sum, "Petr, ")
			assert.Contains(t, sum, "200")
		})
	}
}

// TestMembersReplaceAnAnswer: Petr's check began before Olga changed the
// monthly amount; when Petr changes the same answer, his summary says in
// one line, in his language, whose answer his replaces, what it was and
// when it was changed, and the summary kept above his verdict says he
// replaced it. Olga's own summary, with nothing replaced, says nothing.
func TestMembersReplaceAnAnswer(t *testing.T) {
	for _, tc := range []struct{ owner, colleague string }{{"en", "ru"}, {"ru", "en"}} {
		t.Run(tc.owner, func(t *testing.T) {
			h := newHarness(t)
			olga := h.partner(t, 801, "Olga", tc.owner)
			petr := h.partner(t, 802, "Petr", tc.colleague)
			olga.mlCheck("Acme", "150 000")
			olga.verdict()
			token, _ := olga.invite()
			petr.open(token, "Olga")
			petr.pressFor(petr.T("button.join"), petr.T("company.joined", "Company", "Acme"))

			for _, p := range []*partner{petr, olga} {
				p.typ("/check")
				p.press(p.T("button.keep_all"))
			}
			olga.typ("7")
			olga.typ("200 000")
			assert.NotContains(t, olga.last().Text, "↩️", "nobody else changed it")
			olga.verdict()
			h.settle()

			prefix := func(id string) string {
				full := petr.T(id, "Name", "Olga", "Value", locales.For(tc.colleague).Money(200000), "At", "@@")
				return full[:strings.Index(full, "@@")]
			}
			petr.typ("7")
			sum := petr.typ("300 000")
			assert.Contains(t, sum.Text, "↩️ <i>"+prefix("summary.replaces"), sum.Text)
			assert.Equal(t, 1, strings.Count(sum.Text, "↩️"), "one line, for the one answer replaced")
			m := petr.mark()
			petr.verdict()
			kept := petr.waitText(m, prefix("summary.replaced"))
			assert.Contains(t, kept.Text, locales.For(tc.colleague).Money(300000))
		})
	}
}

// TestRegisterReusedWithOneChange: the register of certified employees is
// the company's: a member's second check shows it and asks only for the
// changes; one person removed (and a month earned typed for a
// certificate), the rest is kept as it was.
func TestRegisterReusedWithOneChange(t *testing.T) {
	for _, tc := range []struct{ owner, colleague string }{{"en", "ru"}, {"ru", "en"}} {
		t.Run(tc.owner, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			olga := h.partner(t, 801, "Olga", tc.owner)
			petr := h.partner(t, 802, "Petr", tc.colleague)
			olga.typ("/start")
			olga.play(devopsInfraScript(olga, "yes", "12.5 mln", "2.5 mln")...)
			olga.verdict()
			token, _ := olga.invite()
			petr.open(token, "Olga")
			petr.pressFor(petr.T("button.join"), petr.T("company.joined", "Company", "Acme &amp; Co"))

			petr.typ("/check")
			sum := petr.press(petr.T("button.keep_all"))
			require.Contains(t, sum.Text, petr.T("summary.title"))
			assert.Contains(t, sum.Text, "Anna", "the register is shown")
			assert.Contains(t, sum.Text, "Oleg")
			// The employees are the last answer: open it, remove Oleg.
			last := ""
			for _, row := range sum.Keyboard {
				for _, b := range row {
					if strings.HasPrefix(b.Text, "✏️ ") {
						last = strings.TrimPrefix(b.Text, "✏️ ")
					}
				}
			}
			q := petr.typ(last)
			assert.Contains(t, q.Text, "Anna", "the employees question lists the register")
			petr.press("✖ Oleg")
			// A month typed after a certificate is the month it was earned.
			petr.typ("Anna: CSE 2025-04, infrastructure protection, gitops, devsecops")
			petr.press(petr.T("button.done"))
			require.Contains(t, petr.last().Text, petr.T("summary.title"))
			petr.verdict()
			h.settle()

			chat, err := h.db.Chat(ctx, olga.chat)
			require.NoError(t, err)
			require.NotNil(t, chat.Facts)
			emps := chat.Facts.Facts.Employees
			require.Len(t, emps, 1, "one change: Oleg removed")
			assert.Equal(t, "Anna", emps[0].Name)
			assert.Len(t, emps[0].Certs, 4, "Anna's certificates kept as they were")
			assert.Equal(t, map[string]string{"cloud_service_engineer": "2025-04"}, emps[0].Earned)
			assert.Equal(t, petr.chat, chat.Facts.Changed["employees"].ChatID)
			assert.Equal(t, olga.chat, chat.Facts.Changed["partner_agreement"].ChatID, "the other answers are still Olga's")
		})
	}
}
