package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// TestEditionSwitchKeepsTheAgreementAndThePlan: a company checked under the
// default edition goes on under the tiered one after the operator
// switches (a restart on the new catalogue): its next check starts from
// the stored answers that still read, the partner agreement and the
// business plan among them, in the member's language, and asks only what
// the new edition needs.
func TestEditionSwitchKeepsTheAgreementAndThePlan(t *testing.T) {
	tiered, err := eligibility.LoadCatalog("../eligibility/catalogs/tiered.yaml")
	require.NoError(t, err)
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			olga := h.partner(t, 901, "Olga", lang)
			olga.mlCheck("Acme", "150 000")
			olga.verdict()
			h.settle()

			h.stop()
			h.catalog = tiered
			h.start()

			chat, err := h.db.Chat(ctx, olga.chat)
			require.NoError(t, err)
			require.NotNil(t, chat.Facts)
			v := chat.Facts.Facts.Values()
			assert.JSONEq(t, `true`, string(v["partner_agreement"]), "the agreement reads under the new edition")
			assert.JSONEq(t, `true`, string(v["business_plan"]), "the business plan reads under the new edition")

			m := olga.mark()
			h.srv.SendText(olga.chat, olga.user, "/check")
			q := olga.waitStep(m)
			told := ""
			for _, msg := range olga.changed(m) {
				assert.NotContains(t, msg.Text, olga.T("session.outdated"), "a finished check is not apologised for")
				told += msg.Text
			}
			aside, _, _ := strings.Cut(olga.p.N("check.set_aside", 4, "Facts", "@@"), "@@")
			assert.Contains(t, told, "ℹ️ "+aside, "told in one line which answers are asked again")
			assert.Equal(t, 1, strings.Count(told, "ℹ️"))
			assert.NotContains(t, told, "brand_voice", "the answers set aside are named as the partner read them, not by id")
			f, ok := eligibility.DefaultCatalog().Fact("brand_voice_projects")
			require.True(t, ok)
			assert.Contains(t, told, f.Name.Get(lang)+": ")
			require.Contains(t, q.Text, olga.T("check.question.company"))

			olga.press(olga.T("button.keep", "Value", "Acme"))
			olga.press("ML & AI")
			q = olga.press(olga.T("button.done"))
			require.Contains(t, q.Text, questionOf(t, olga, "partner_agreement")[:20])
			keep := olga.T("button.keep", "Value", olga.T("answer.yes"))
			_, ok = buttonData(q, keep)
			assert.True(t, ok, "the agreement is one tap to keep: %v", q.Keyboard)
			q = olga.press(keep)
			require.Contains(t, q.Text, questionOf(t, olga, "business_plan")[:20])
			_, ok = buttonData(q, keep)
			assert.True(t, ok, "the business plan is one tap to keep: %v", q.Keyboard)
			q = olga.press(keep)
			assert.NotContains(t, q.Text, questionOf(t, olga, "business_plan")[:20], "kept, the check goes on")
		})
	}
}
