package main

import (
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadConfigWebApp: SPECBOT_PUBLIC_URL and SPECBOT_WEBAPP_MAX_AGE.
func TestLoadConfigWebApp(t *testing.T) {
	c, err := loadConfig(env{}.get, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, c.PublicURL)
	assert.Empty(t, c.WebAppURL(), "no public URL: no web_app button")
	assert.Equal(t, time.Hour, c.WebAppMaxAge)

	c, err = loadConfig(env{"SPECBOT_PUBLIC_URL": "https://bot.example.com/specbot/", "SPECBOT_WEBAPP_MAX_AGE": "30m"}.get,
		flag.NewFlagSet("serve", flag.ContinueOnError), []string{"--webapp-max-age", "2h"})
	require.NoError(t, err)
	assert.Equal(t, "https://bot.example.com/specbot/app/", c.WebAppURL())
	assert.Equal(t, 2*time.Hour, c.WebAppMaxAge, "the flag wins")

	for name, e := range map[string]env{
		"http public url":       {"SPECBOT_PUBLIC_URL": "http://bot.example.com"},
		"public url with query": {"SPECBOT_PUBLIC_URL": "https://bot.example.com/?a=1"},
		"public url no host":    {"SPECBOT_PUBLIC_URL": "https:///app"},
	} {
		_, err := loadConfig(e.get, nil, nil)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "SPECBOT_PUBLIC_URL", name)
	}
	for _, v := range []string{"0", "-1h", "soon"} {
		_, err := loadConfig(env{"SPECBOT_WEBAPP_MAX_AGE": v}.get, nil, nil)
		require.Error(t, err, v)
		assert.Contains(t, err.Error(), "SPECBOT_WEBAPP_MAX_AGE", v)
	}
}
