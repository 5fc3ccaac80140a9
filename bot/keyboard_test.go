package bot

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
)

// TestKeyboardSendsNoCopyText: our markup carries only the fields a button
// sets; the library's would add an empty copy_text that Telegram refuses.
func TestKeyboardSendsNoCopyText(t *testing.T) {
	raw, err := json.Marshal(keyboard([][]dialogs.Button{{{Label: "Yes", Data: "y"}, {Label: "Docs", URL: "https://example.org"}}}))
	require.NoError(t, err)
	assert.JSONEq(t, `{"inline_keyboard":[[{"text":"Yes","callback_data":"y"},{"text":"Docs","url":"https://example.org"}]]}`, string(raw))
	assert.NotContains(t, string(raw), "copy_text")
	raw, err = json.Marshal(noKeyboard)
	require.NoError(t, err)
	assert.JSONEq(t, `{"inline_keyboard":[]}`, string(raw))
}
