-- Transcripts holding one word (and matching the whole query: its exclusions),
-- best first: the word's rows in transcript_terms are in rank order, so a page
-- reads a page of them however many transcripts hold the word. :term is the
-- word, :query the FTS5 expression of the whole query (sqlstore.search); a
-- page starts after the (rank, id) of the last row of the page before.
-- returns: many Transcript
SELECT
    t.id, t.model, t.media_id, t.transcript, t.segments, t.language, t.language_confidence,
    t.created_at, t.updated_at,
    CAST(p.search_rank AS REAL) AS search_rank
FROM transcript_terms AS p
INNER JOIN transcripts AS t ON p.transcript_id = t.id
WHERE
    p.term = :term
    AND (
        :after_rank IS NULL
        OR p.search_rank > :after_rank
        OR (p.search_rank = :after_rank AND p.transcript_id > :after_id)
    )
    AND EXISTS (
        -- Per row, not IN (...): a common word's matches are never all read.
        SELECT 1 FROM transcripts_fts
        WHERE
            transcripts_fts.transcripts_fts MATCH :query
            AND transcripts_fts.rowid = p.transcript_id
    )
ORDER BY p.search_rank ASC, p.transcript_id ASC
LIMIT :limit;
