// Package app holds specbot's use cases, free of any transport: a partner's
// turn (load, dialogs, save), a handoff, take and done, the managers'
// queries, the reminder plan, the Mini App's fact sheet, a company's
// invitations and members (company.go), and what a new catalogue edition
// does to stored answers (impact.go). The adapters (bot
// for Telegram, webapp for the Mini App, the terminal chat and the cron
// reminders in cmd/specbot) decode their own input, call App, and encode
// what it returns; none of them reads the store or evaluates facts itself.
// It follows Mattermost's api4 → app → store layering.
package app
