package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
)

// upgradedDesc is what the Bot API answers a write to a group that became a supergroup.
const upgradedDesc = "Bad Request: group chat was upgraded to a supergroup chat"

// writeMethods need write access to chat_id: the Bot API refuses them in a
// group that was upgraded, pointing at the supergroup. Reads (and copying
// from the old group with from_chat_id) still work.
var writeMethods = map[string]bool{
	"sendmessage": true, "senddocument": true, "sendphoto": true, "copymessage": true,
	"sendchataction": true, "createforumtopic": true, "editforumtopic": true,
	"closeforumtopic": true, "reopenforumtopic": true,
}

// UpgradeGroup turns the basic group groupID (an id between -1000000000000
// and 0) into a supergroup with a new id, which it returns, as Telegram does
// when a group is made public, gets a topic list or grows. From then on
// every send to groupID answers 400 "Bad Request: group chat was upgraded to
// a supergroup chat" with parameters.migrate_to_chat_id, which the
// go-telegram client returns as a *bot.MigrateError. The group's title is
// kept; its messages stay where they were. No update is queued: call
// AnnounceUpgrade for the service messages Telegram sends to a bot that is
// online.
func (s *Server) UpgradeGroup(groupID int64) int64 {
	if groupID >= 0 || groupID <= -1_000_000_000_000 {
		panic(fmt.Sprintf("telegramtest: %d is not a basic group id", groupID))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.upgraded[groupID] != 0 {
		panic(fmt.Sprintf("telegramtest: group %d was already upgraded", groupID))
	}
	if s.upgraded == nil {
		s.upgraded = map[int64]int64{}
	}
	to := -1_000_000_000_000 + groupID
	old := s.chatLocked(groupID, models.User{})
	s.chats[to] = models.Chat{ID: to, Type: models.ChatTypeSupergroup, Title: old.Title}
	s.upgraded[groupID] = to
	s.notifyLocked()
	return to
}

// AnnounceUpgrade queues the two service messages Telegram sends when the
// user by upgrades the group groupID (see UpgradeGroup): migrate_from_chat_id
// in the supergroup, then migrate_to_chat_id in the old group.
func (s *Server) AnnounceUpgrade(groupID int64, by models.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	to := s.upgraded[groupID]
	if to == 0 {
		panic(fmt.Sprintf("telegramtest: group %d was not upgraded (call UpgradeGroup)", groupID))
	}
	now := int(time.Now().Unix())
	for _, msg := range []*models.Message{
		{From: &by, Date: now, Chat: s.chats[to], MigrateFromChatID: groupID},
		{From: &by, Date: now, Chat: s.chatLocked(groupID, by), MigrateToChatID: to},
	} {
		s.lastMsgID++
		msg.ID = s.lastMsgID
		s.keepLocked(msg)
		s.queueLocked(&models.Update{Message: msg})
	}
}

// UpgradedTo returns the supergroup the group groupID became, 0 if none.
func (s *Server) UpgradedTo(groupID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.upgraded[groupID]
}

// migratedLocked answers a write to an upgraded group as Telegram does.
func (s *Server) migratedLocked(method string, params map[string]string) (reply, bool) {
	if !writeMethods[method] {
		return reply{}, false
	}
	id, err := strconv.ParseInt(params["chat_id"], 10, 64)
	if err != nil || s.upgraded[id] == 0 {
		return reply{}, false
	}
	return reply{code: http.StatusBadRequest, desc: upgradedDesc, migrateTo: s.upgraded[id]}, true
}
