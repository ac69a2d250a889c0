"""The hand-written baseline's SQL: sqlstore's statements, written inline with positional markers.

The statements mean exactly what sqlstore's files mean (same filters, same
RETURNING lists), so a ratio measures the library, not a choice of SQL. A
hand-writer could drop a RETURNING it does not need; sqlstore could do the
same with another file, so neither side does here.
"""

from __future__ import annotations

from sqlstore.models import Generation, Prompt
from sqlstore.models.tasks import Task

# The columns each statement returns, in the order the models declare their fields.
GEN_COLS = tuple(Generation.model_fields)
PROMPT_COLS = tuple(Prompt.model_fields)
TASK_COLS = tuple(Task.model_fields)
_GEN = ", ".join(GEN_COLS)
_PROMPT = ", ".join(PROMPT_COLS)
_TASK = ", ".join(TASK_COLS)
_INSERT_COLS = (
    "id, prompt, model_name, model_version, duration_seconds, sample_rate, channels, "
    "file_path, metadata, created_at"
)
_CLAIM_SET = (
    "UPDATE tasks SET status = 'assigned', progress = 0, result = NULL, "
    "num_retries = num_retries + 1, assigned_at = {now}, completed_at = NULL, updated_at = {now} "
)
_CLAIM_ORDER = "ORDER BY c.priority DESC, c.created_at ASC, c.id ASC"


def _sql(dialect: str) -> dict[str, str]:
    """Every statement for ``dialect``: ``?N`` markers on SQLite, ``%s`` on psycopg."""
    lite = dialect == "sqlite"

    def p(n: int) -> str:
        return f"?{n}" if lite else "%s"

    where_status = (
        f"(CAST({p(1)} AS TEXT) IS NULL OR status = {p(1) if lite else '%s'}) "
        f"AND (CAST({p(2)} AS TEXT) IS NULL OR model_name = {p(2) if lite else '%s'})"
    )
    listing = f"SELECT {_GEN} FROM generations WHERE {where_status} "
    order = "ORDER BY created_at DESC, id DESC "
    out = {
        "insert": "INSERT INTO generations (id, prompt, model_name, model_version, status, "
        "duration_seconds, sample_rate, channels, file_path, metadata, created_at) VALUES ("
        + ", ".join(p(i) for i in range(1, 5))
        + ", 'pending', "
        + ", ".join(p(i) for i in range(5, 11))
        + f") RETURNING {_GEN}",
        "track": "INSERT INTO prompts (text, used_count, first_used_at, last_used_at) "
        f"VALUES ({p(1)}, 1, {p(2)}, {p(2) if lite else '%s'}) ON CONFLICT (text) DO UPDATE SET "
        "used_count = prompts.used_count + 1, last_used_at = excluded.last_used_at "
        f"RETURNING {_PROMPT}",
        "get": f"SELECT {_GEN} FROM generations WHERE id = {p(1)}",
        "list": listing + order + f"LIMIT {p(3)} OFFSET {p(4)}",
        "list_after": listing
        + f"AND (created_at, id) < ({p(4)}, {p(5)}) "
        + order
        + f"LIMIT {p(3)}",
    }
    if lite:
        out["copy_in"] = f"INSERT INTO generations ({_INSERT_COLS}) VALUES ({', '.join('?' * 10)})"
        out["record_prompts"] = (
            "INSERT INTO prompts (text, used_count, first_used_at, last_used_at) "
            "SELECT used.value AS text, COUNT(*) AS used_count, ?2, ?2 FROM json_each(?1) AS used "
            "GROUP BY used.value ORDER BY used.value ON CONFLICT (text) DO UPDATE SET "
            "used_count = prompts.used_count + excluded.used_count, "
            "last_used_at = excluded.last_used_at"
        )
        out["set_status"] = (
            "UPDATE generations SET status = ?1, error_message = ?2, completed_at = CASE "
            "WHEN ?1 IN ('completed', 'failed') THEN ?3 ELSE completed_at END "
            f"WHERE id = ?4 AND status IN (SELECT value FROM json_each(?5)) RETURNING {_GEN}"
        )
        out["claim"] = (
            _CLAIM_SET.format(now="?1")
            + "WHERE id IN (SELECT c.id FROM tasks AS c INDEXED BY ix_tasks_claim "
            "WHERE c.status IN ('created', 'not_finished', 'failed') AND (c.status != 'failed' "
            "OR (c.num_retries < ?2 AND JSON_TYPE(c.result, '$.error') = 'text' "
            "AND JSON_EXTRACT(c.result, '$.error') IN (SELECT e.value FROM JSON_EACH(?3) AS e))) "
            f"{_CLAIM_ORDER} LIMIT ?4) RETURNING {_TASK}"
        )
    else:
        out["copy_in"] = f"COPY generations ({_INSERT_COLS}) FROM STDIN"
        out["record_prompts"] = (
            "INSERT INTO prompts (text, used_count, first_used_at, last_used_at) "
            "SELECT used.text, COUNT(*) AS used_count, %s, %s "
            "FROM UNNEST(CAST(%s AS TEXT[])) AS used (text) GROUP BY used.text "
            "ORDER BY used.text ON CONFLICT (text) DO UPDATE SET "
            "used_count = prompts.used_count + excluded.used_count, "
            "last_used_at = excluded.last_used_at"
        )
        out["set_status"] = (
            "UPDATE generations SET status = %s, error_message = %s, completed_at = CASE "
            "WHEN %s IN ('completed', 'failed') THEN %s ELSE completed_at END "
            f"WHERE id = %s AND status = ANY(%s) RETURNING {_GEN}"
        )
        out["claim"] = (
            "WITH picked AS MATERIALIZED (SELECT c.id FROM tasks AS c "
            "WHERE c.status IN ('created', 'not_finished', 'failed') AND (c.status != 'failed' "
            "OR (c.num_retries < %s AND JSONB_TYPEOF(c.result -> 'error') = 'string' "
            "AND c.result ->> 'error' = ANY(%s))) "
            f"{_CLAIM_ORDER} LIMIT %s FOR UPDATE SKIP LOCKED) "
            + _CLAIM_SET.format(now="%s")
            + f"WHERE id IN (SELECT picked.id FROM picked) RETURNING {_TASK}"
        )
    return out


SQLITE = _sql("sqlite")
POSTGRESQL = _sql("postgresql")
