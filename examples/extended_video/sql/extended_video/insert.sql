-- Insert the extended_video row of a video whose media and video rows are
-- already inserted (same id, in the same transaction); status starts created.
INSERT INTO extended_video (id, duration, status, created_at, updated_at)
VALUES (:id, :duration, 'created', :now, :now);
