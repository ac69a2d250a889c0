-- Add a note to a generation.
INSERT INTO notes (generation_id, body)
VALUES (:generation_id, :body);
