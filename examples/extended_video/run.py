"""Run the extended-video example: migrate, save a video, move its status, print it.

    .venv/bin/python examples/extended_video/run.py [DATABASE_URL]

The URL defaults to ``sqlite:///data/extended_video.db`` (relative to the
working directory); a PostgreSQL URL works the same. The example's own
``sql/`` and ``migrations/`` folders are plugged in beside the built-in ones.
"""

from __future__ import annotations

import sys

from extended_video import MIGRATION_DIR, SQL_DIR, ExtendedVideoDAO, VideoProcessingStatus

import sqlstore
from sqlstore.models import VideoCreate

DEFAULT_URL = "sqlite:///data/extended_video.db"


def main(url: str) -> None:
    """Migrate the database at ``url`` and walk one video through its processing."""
    with sqlstore.connect(url, sql_dirs=[SQL_DIR], migration_dirs=[MIGRATION_DIR]) as store:
        applied = store.migrate()
        print(f"database: {store.url}")
        print(f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}")

        with store.session() as session:
            videos = ExtendedVideoDAO(session)
            video = videos.save(
                VideoCreate(
                    title="My Video",
                    description="A walk on the beach",
                    url="https://example.com/video.mp4",
                ),
                duration=42,
            )
            print(f"saved video {video.id} ({video.media_type}), status: {video.status}")
            videos.update_status(video.id, VideoProcessingStatus.RUNNING)
            print(f"status: {videos.get_status(video.id)}")

        with store.session() as session:
            videos = ExtendedVideoDAO(session)
            done = videos.update_status(video.id, VideoProcessingStatus.COMPLETED)
            print(f"status: {done.status} (updated {done.updated_at.isoformat()})")
            metadata = videos.get_metadata(video.id)
            print(f"metadata: {metadata.model_dump_json()}")
            print(f"media exists: {videos.check_media_exists(video.id)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
