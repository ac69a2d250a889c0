-- A test app's table: notes on generations, to exercise foreign keys and app folders.
-- depends: 0001_generations.sqlite
CREATE TABLE notes (
    id INTEGER PRIMARY KEY NOT NULL,
    generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    body TEXT NOT NULL
) STRICT;
