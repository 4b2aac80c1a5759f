-- The sessions nobody has signed in to, by address: a new one ends that address's oldest past
-- citecheck.MaxVisitorSessionsPerAddress (store.capVisitorSessions).
CREATE INDEX sessions_visitors ON sessions (address, id) WHERE user_id IS NULL;
