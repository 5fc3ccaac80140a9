// Package webapp is the Mini App adapter: the whole fact sheet on one
// screen, opened from the bot's web_app buttons and served under /app/ on
// the bot's HTTP address.
//
// The page, its styles and its script are embedded (plain HTML, CSS and
// JavaScript, no build step). The script only draws what the server
// describes: the form comes from the catalogue through app.Sheet, every
// change is evaluated by app.PreviewSheet (the same parsers and verdict as
// the chat), and Submit goes through app.SubmitSheet, which stores the
// verdict in the chat's outbox with the sheet; a Notifier (the bot) then
// sends it from there.
//
// Every API call carries Telegram.WebApp.initData in an "Authorization:
// tma <initData>" header; Verify checks it as the Bot API documents and the
// user it names is the only identity the handler trusts. initData and the
// bot token never reach a log.
package webapp
