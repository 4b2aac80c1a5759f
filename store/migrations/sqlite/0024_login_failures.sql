-- 0024: the sign-in throttle's failures, kept in the database rather than in one server's
-- memory, so that every app server on one database counts the same attempts (issue 17). One row
-- per key ("name:ann", "ip:192.0.2.1", "account:ann"): the failures in a row and when the last
-- one happened. The rule that reads them is citecheck.Failures; store/throttle.go prunes rows
-- whose failures have expired, and the oldest rows beyond a bound, by last_at.
CREATE TABLE login_failures (
    subject  TEXT    PRIMARY KEY,
    failures INTEGER NOT NULL CHECK (failures > 0),
    last_at  TEXT    NOT NULL
);

CREATE INDEX login_failures_last ON login_failures (last_at);
