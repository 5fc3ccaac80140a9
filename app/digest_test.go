package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDigestBeforeAWindow: the pipeline is posted into the managers' chat
// 30 and 7 days before the April window opens, once each, in the managers'
// language; not before, not twice, not while the window is open; a bot that
// was down on the day catches up once.
func TestDigestBeforeAWindow(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			a := pipelineApp(t)
			loc := a.Engine.Now().Location()
			var today time.Time
			a.Engine.Now = func() time.Time { return today }
			day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 10, 0, 0, 0, loc) }
			var posts []string
			for _, tc := range []struct {
				at   time.Time
				want bool
			}{
				{day(time.February, 20), false}, // 39 days before
				{day(time.March, 4), true},      // 28 days: the bot was down on the 30th day
				{day(time.March, 4), false},     // the same day again
				{day(time.March, 10), false},    // between the leads
				{day(time.March, 25), true},     // 7 days
				{day(time.March, 30), false},
				{day(time.April, 2), false}, // the window is open
			} {
				today = tc.at
				o, ok, err := a.Digest(ctx, managersChat, lang)
				require.NoError(t, err)
				require.Equal(t, tc.want, ok, "on %s", tc.at.Format(time.DateOnly))
				if ok {
					require.Len(t, o.Messages, 1)
					posts = append(posts, o.Messages[0].Text)
				}
			}
			unsent, err := a.Unsent(ctx, managersChat, 0)
			require.NoError(t, err)
			assert.Len(t, unsent, 2, "both digests wait in the outbox until sent")
			golden(t, "digest."+lang+".golden", strings.Join(posts, "\n--- next\n")+"\n")
		})
	}
}
