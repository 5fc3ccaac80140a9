// Package eligibility holds the rules of the Yandex Cloud technology
// specializations program as data and evaluates a partner's facts against them.
//
// A Catalog is loaded from YAML (the default edition is embedded); it declares
// the facts it reads, the certificates, the conditions common to every
// specialization and, per specialization, one or more levels of conditions.
// Evaluate turns a Catalog, a partner's Facts and today's date into a Report:
// a verdict per specialization, a status per condition with the exact gap, and
// the qualification window calendar. The package does no I/O beyond reading a
// catalogue and knows nothing of sessions, Telegram or SQL.
package eligibility
