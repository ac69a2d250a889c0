-- Set the processing status of one extended video (the trigger stamps
-- updated_at).
UPDATE extended_video
SET status = :status
WHERE id = :id;
