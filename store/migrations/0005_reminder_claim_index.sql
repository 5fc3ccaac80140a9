-- 0005_reminder_claim_index: senders claim one reminder at a time, in
-- (due_at, chat_id) order; the index serves that order without a sort.
DROP INDEX reminders_pending;
CREATE INDEX reminders_pending ON reminders (due_at, chat_id) WHERE state = 'pending';
