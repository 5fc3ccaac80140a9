package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"specbot/eligibility"
)

// common is the configuration every command that talks to partners needs.
type common struct {
	DB             string
	Catalog        *eligibility.Catalog
	Location       *time.Location
	ManagersChatID int64
}

// loadCommon reads the shared variables of DESIGN.md's table and validates them.
func loadCommon(getenv func(string) string) (common, error) {
	c := common{DB: getenv("SPECBOT_DB")}
	if c.DB == "" {
		c.DB = "specbot.db"
	}
	var err error
	if c.Location, err = loadLocation(getenv("SPECBOT_TZ")); err != nil {
		return c, fmt.Errorf("SPECBOT_TZ: %w", err)
	}
	if c.Catalog, err = loadCatalog(getenv("SPECBOT_RULES")); err != nil {
		return c, fmt.Errorf("SPECBOT_RULES: %w", err)
	}
	if v := strings.TrimSpace(getenv("SPECBOT_MANAGERS_CHAT_ID")); v != "" {
		if c.ManagersChatID, err = strconv.ParseInt(v, 10, 64); err != nil || c.ManagersChatID == 0 {
			return c, fmt.Errorf("SPECBOT_MANAGERS_CHAT_ID: want a Telegram chat id like -1001234567890, got %q", v)
		}
	}
	return c, nil
}
