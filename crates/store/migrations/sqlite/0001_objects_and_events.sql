-- Objects as they are now, one row per (resource, namespace, name); `body` is the JSON object with
-- metadata.resourceVersion already set to `rv`. `uid` is copied out of the body so preconditions
-- need not parse it.
CREATE TABLE objects (
    resource  TEXT    NOT NULL,
    namespace TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    uid       TEXT,
    rv        BIGINT  NOT NULL,
    body      TEXT    NOT NULL,
    PRIMARY KEY (resource, namespace, name)
);

-- The change feed: one row per write, numbered by its resourceVersion. `prev_body` (NULL for a
-- creation) lets a continued list rebuild the state at an older resourceVersion. `rv` is
-- INTEGER PRIMARY KEY so that SQLite keeps the feed in rowid order (PostgreSQL: BIGINT).
CREATE TABLE events (
    rv         INTEGER PRIMARY KEY,
    resource   TEXT    NOT NULL,
    namespace  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    event_type TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    prev_body  TEXT,
    at_ms      BIGINT  NOT NULL
);

-- A continued list asks "what is the first change after rv X of each key of this resource";
-- watches and compaction walk the primary key.
CREATE INDEX events_by_resource ON events (resource, rv);

-- One row: the resourceVersion of the latest write, and the highest one the feed has forgotten.
CREATE TABLE meta (
    singleton    INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    current_rv   BIGINT  NOT NULL,
    compacted_rv BIGINT  NOT NULL
);
INSERT INTO meta (singleton, current_rv, compacted_rv) VALUES (1, 0, 0);
