-- The audit log's page reads the newest entries first, filtered by person, action or subject:
-- each filter walks its own index backwards from the newest id and stops after a page.
DROP INDEX audit_log_subject;
CREATE INDEX audit_log_subject ON audit_log (subject, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
