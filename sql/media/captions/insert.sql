-- Insert one caption of a media frame by a model (run once per caption, as a
-- batch).
INSERT INTO captions (
    model, media_id, caption, frame_id, timestamp, created_at, updated_at
) VALUES (
    :model, :media_id, :caption, :frame_id, :timestamp, :now, :now
);
