"""Read replicas, against a real primary and two streaming replicas (tests/pg_replica.py).

Read-only sessions go to a healthy replica in turn, everything else to the
primary; a replica that lags (replay paused) or is down is skipped until it
recovers; read-your-writes waits for a replica to replay the commit, else
reads on the primary; and a replica killed and restarted under load costs
no read. Each runs on ``Store`` and on ``AsyncStore``. SQLite, which has no
replicas, refuses them.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import sqlstore
import sqlstore.aio
from sqlstore import Store
from sqlstore.config import resolve
from sqlstore.dao import UserDAO
from sqlstore.errors import ConfigError, InvalidInput
from sqlstore.models import UserCreate
from tests.aio_bridge import BlockingStore, Loop
from tests.pg_replica import ReplicaCluster, StandbyCluster

FAST = "max_replica_lag=0.5&replica_check_interval=0.1&replica_wait=0.3"

OpenStore = Callable[..., Store]


@pytest.fixture(params=["sync", "aio"])
def open_store(
    request: pytest.FixtureRequest, replica_cluster: ReplicaCluster
) -> Iterator[OpenStore]:
    """Opens stores on the private primary with its replicas, on the test's API; closes them."""
    opened: list[Any] = []
    loop = Loop() if request.param == "aio" else None

    def open_(options: str = FAST, replicas: list[str] | None = None, **kwargs: Any) -> Store:
        url = f"{replica_cluster.primary_url}?{options}"
        urls = replica_cluster.replica_urls if replicas is None else replicas
        if loop is None:
            store = sqlstore.connect(url, replicas=urls, **replica_cluster.config, **kwargs)
            opened.append(store)
            return store
        app = sqlstore.aio.connect(url, replicas=urls, **replica_cluster.config, **kwargs)
        opened.append(app)
        return BlockingStore(app, loop)  # type: ignore[return-value]

    try:
        yield open_
    finally:
        for store in opened:
            if loop is None:
                store.close()
            else:
                loop.run(store.close())
        if loop is not None:
            loop.close()


def _where(store: Store, **options: Any) -> tuple[bool, int]:
    with store.session(**options) as session:
        row = session.fetch_one("replicas.where")
    assert row is not None
    return bool(row["replica"]), int(row["port"])


def _ports(store: Store, n: int = 6, **options: Any) -> list[int]:
    found = []
    for _ in range(n):
        on_replica, port = _where(store, readonly=True, **options)
        found.append(port)
        assert on_replica or port != 0
    return found


def _new_user(store: Store) -> tuple[uuid.UUID, str | None]:
    with store.session() as session:
        user = UserDAO(session).create(UserCreate(email=f"{uuid.uuid4().hex}@replica.test"))
    return user.id, session.commit_position


def _until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("not within the time given")
        time.sleep(0.05)


@pytest.fixture
def restore(replica_cluster: ReplicaCluster) -> Iterator[ReplicaCluster]:
    """After the test, every replica running and replaying again, caught up."""
    yield replica_cluster
    for replica in replica_cluster.replicas:
        if not (replica.data / "postmaster.pid").exists():
            replica.launch()
        replica_cluster.resume(replica)
    replica_cluster.wait_replayed()


def _replica_ports(cluster: ReplicaCluster) -> set[int]:
    return {r.port for r in cluster.replicas}


# -- SQLite refuses them ---------------------------------------------------


def test_sqlite_refuses_replicas(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/app.db"
    replica = "postgresql://app:s3cret@replica:5432/app"
    for connect in (sqlstore.connect, sqlstore.aio.connect):
        with pytest.raises(ConfigError, match="sqlite has no read replicas") as refused:
            connect(url, replicas=[replica])
        assert "needs a database server that streams its changes" in str(refused.value)
        assert "s3cret" not in str(refused.value)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_REPLICA_URLS", replica)
    with pytest.raises(ConfigError, match="no read replicas"):
        sqlstore.connect()


@pytest.mark.both_apis
def test_without_replicas_reads_see_every_commit_and_positions_are_checked(store: Store) -> None:
    # One database has every commit: the options are accepted and change nothing.
    user_id, position = _new_user(store)
    assert position is None  # nothing is asked at COMMIT without replicas
    for options in ({"read_your_writes": True}, {"after": "0/16B3748"}):
        with store.session(readonly=True, **options) as session:
            assert UserDAO(session).get(user_id) is not None
    for bad in ("yesterday", "0/", "16B3748", 42):
        with pytest.raises(InvalidInput, match="not a commit position"):
            store.session(readonly=True, after=bad)  # type: ignore[arg-type]


def test_replica_settings_are_read_and_hide_passwords() -> None:
    settings = resolve(
        "postgresql://app:pw1@db/app?max_replica_lag=2.5",
        env={"DATABASE_REPLICA_URLS": "postgresql://app:pw2@r1/app"},
    )
    # The environment's replicas go with the environment's database only.
    assert settings.replicas == () and settings.max_replica_lag == 2.5
    settings = resolve(
        env={
            "DATABASE_URL": "postgresql://app:pw1@db/app",
            "DATABASE_REPLICA_URLS": "postgresql://app:pw2@r1/app, postgresql://app:pw3@r2/app",
        }
    )
    assert [str(r) for r in settings.replicas] == [
        "postgresql://app:***@r1/app",
        "postgresql://app:***@r2/app",
    ]
    assert "pw" not in repr(settings)
    with pytest.raises(ConfigError, match="primary's settings") as refused:
        resolve("postgresql://db/app", replicas=["postgresql://u:pw4@r1/app?pool_size=3"])
    assert "pw4" not in str(refused.value)
    with pytest.raises(ConfigError, match="not a postgresql URL"):
        resolve("postgresql://db/app", replicas=["sqlite:///x.db"])
    with pytest.raises(ConfigError, match="list of URLs"):
        resolve("postgresql://db/app", replicas="postgresql://r1/app")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="max_replica_lag"):
        resolve("postgresql://db/app", max_replica_lag=-1)


# -- Routing ---------------------------------------------------------------


def test_readonly_sessions_go_to_the_replicas_in_turn(
    open_store: OpenStore, replica_cluster: ReplicaCluster
) -> None:
    store = open_store()
    ports = _ports(store, 6)
    assert set(ports) == _replica_ports(replica_cluster)
    assert all(a != b for a, b in itertools.pairwise(ports)), ports
    assert _where(store, readonly=True)[0] is True
    # Ordinary sessions, writes and all, stay on the primary.
    assert _where(store) == (False, replica_cluster.primary.port)
    _, position = _new_user(store)
    assert position is not None and "/" in position
    with pytest.raises(InvalidInput, match="not a commit position"):
        _where(store, readonly=True, after="yesterday")
    # A session that may write runs on the primary: asking it to read a commit is refused.
    with pytest.raises(InvalidInput, match="add readonly=True"):
        _where(store, read_your_writes=True)
    with pytest.raises(InvalidInput, match="add readonly=True"):
        _where(store, after=position)


def test_the_environment_names_the_replicas(
    replica_cluster: ReplicaCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"{replica_cluster.primary_url}?max_replica_lag=3")
    monkeypatch.setenv("DATABASE_REPLICA_URLS", ",".join(replica_cluster.replica_urls))
    with sqlstore.connect(**replica_cluster.config) as store:
        assert store.settings.max_replica_lag == 3
        assert set(_ports(store, 4)) == _replica_ports(replica_cluster)

    async def aio() -> set[int]:
        async with sqlstore.aio.connect(**replica_cluster.config) as app:
            ports = set()
            for _ in range(4):
                async with app.session(readonly=True) as session:
                    ports.add((await session.fetch_one("replicas.where") or {})["port"])
        return ports

    assert asyncio.run(aio()) == _replica_ports(replica_cluster)


def test_a_replica_without_a_password_leak_in_its_log(
    open_store: OpenStore, replica_cluster: ReplicaCluster, caplog: pytest.LogCaptureFixture
) -> None:
    nowhere = f"postgresql://postgres:Secret77@127.0.0.1:{_unused_port()}/app"
    with caplog.at_level(logging.WARNING, logger="sqlstore.replicas"):
        store = open_store(replicas=[nowhere, replica_cluster.replica_urls[0]])
        assert set(_ports(store, 4)) == {replica_cluster.replicas[0].port}
        assert repr(store).count("Secret77") == 0
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "is down" in text and "Secret77" not in text and "postgres:***@" in text


def _unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- Lag -------------------------------------------------------------------


def test_a_lagging_replica_is_skipped_until_it_catches_up(
    open_store: OpenStore, restore: ReplicaCluster, caplog: pytest.LogCaptureFixture
) -> None:
    cluster = restore
    store = open_store()
    paused, other = cluster.replicas
    cluster.pause(paused)
    _new_user(store)  # WAL the paused replica receives and does not replay
    with caplog.at_level(logging.WARNING, logger="sqlstore.replicas"):
        _until(lambda: set(_ports(store, 4)) == {other.port})
        assert set(_ports(store, 6)) == {other.port}
        cluster.resume(paused)
        _until(lambda: set(_ports(store, 4)) == {paused.port, other.port})
    text = [r.getMessage() for r in caplog.records]
    assert sum("is lagging" in t for t in text) == 1, text
    assert sum("has recovered" in t for t in text) == 1, text


# -- Read-your-writes ------------------------------------------------------


def test_read_your_writes_from_the_primary_when_no_replica_has_replayed(
    open_store: OpenStore, restore: ReplicaCluster
) -> None:
    cluster = restore
    # A lag allowed long enough for paused replicas to stay in turn.
    store = open_store("max_replica_lag=60&replica_check_interval=0.1&replica_wait=0.3")
    for replica in cluster.replicas:
        cluster.pause(replica)
    user_id, position = _new_user(store)
    with store.session(readonly=True) as session:
        assert UserDAO(session).get(user_id) is None  # a paused replica does not have it
    with store.session(readonly=True, read_your_writes=True) as session:
        assert UserDAO(session).get(user_id) is not None
        assert session.fetch_one("replicas.where") == {
            "replica": False,
            "port": cluster.primary.port,
        }
    with store.session(readonly=True, after=position) as session:
        assert UserDAO(session).get(user_id) is not None


def test_read_your_writes_from_a_replica_once_it_replays(
    open_store: OpenStore, restore: ReplicaCluster
) -> None:
    cluster = restore
    store = open_store("max_replica_lag=60&replica_check_interval=0.1&replica_wait=10")
    for replica in cluster.replicas:
        cluster.pause(replica)
    user_id, position = _new_user(store)
    resume = threading.Timer(0.5, cluster.resume, (cluster.replicas[0],))
    resume.start()
    try:
        # A position carried from elsewhere (another process) waits the same way.
        with store.session(readonly=True, after=position) as session:
            assert UserDAO(session).get(user_id) is not None
            where = session.fetch_one("replicas.where")
        assert where == {"replica": True, "port": cluster.replicas[0].port}
        with store.session(readonly=True, read_your_writes=True) as session:
            assert UserDAO(session).get(user_id) is not None
            assert session.fetch_one("replicas.where")["port"] == cluster.replicas[0].port
    finally:
        resume.join()


# -- Failures --------------------------------------------------------------


def test_a_replica_that_dies_under_a_session_hands_it_to_the_primary(
    open_store: OpenStore, restore: ReplicaCluster
) -> None:
    cluster = restore
    store = open_store()
    user_id, _ = _new_user(store)
    cluster.wait_replayed()
    with store.session(readonly=True) as session:
        on_replica, port = session.fetch_one("replicas.where").values()
        assert on_replica
        victim = next(r for r in cluster.replicas if r.port == port)
        victim.kill()
        # The same session goes on, on the primary: never behind what it read.
        assert UserDAO(session).get(user_id) is not None
        assert session.fetch_one("replicas.where") == {
            "replica": False,
            "port": cluster.primary.port,
        }
    others = {r.port for r in cluster.replicas} - {victim.port}
    assert set(_ports(store, 4)) == others
    victim.launch()
    _until(lambda: victim.port in _ports(store, 4))


def test_a_replica_that_dies_before_the_commit_fails_no_read(
    open_store: OpenStore, restore: ReplicaCluster
) -> None:
    cluster = restore
    store = open_store()
    user_id, _ = _new_user(store)
    cluster.wait_replayed()
    with store.session(readonly=True) as session:
        on_replica, port = session.fetch_one("replicas.where").values()
        assert on_replica and UserDAO(session).get(user_id) is not None
        victim = next(r for r in cluster.replicas if r.port == port)
        victim.kill()
    # Every statement had answered: the block ends without an error, the replica is skipped.
    assert victim.port not in _ports(store, 4)
    victim.launch()
    _until(lambda: victim.port in _ports(store, 4))


def test_with_every_replica_down_reads_go_to_the_primary_logged_once(
    open_store: OpenStore, restore: ReplicaCluster, caplog: pytest.LogCaptureFixture
) -> None:
    cluster = restore
    store = open_store()
    _ports(store, 2)
    with caplog.at_level(logging.WARNING, logger="sqlstore.replicas"):
        for replica in cluster.replicas:
            replica.kill()
        for _ in range(8):
            assert _where(store, readonly=True) == (False, cluster.primary.port)
        for replica in cluster.replicas:
            replica.launch()
        _until(lambda: set(_ports(store, 4)) == _replica_ports(cluster))
    text = [r.getMessage() for r in caplog.records]
    assert sum("no healthy read replica" in t for t in text) == 1, text
    assert sum("go to replicas" in t for t in text) == 1, text


def _load(
    store: Store, cluster: ReplicaCluster, victim: StandbyCluster, seconds: float, readers: int
) -> tuple[list[BaseException], list[uuid.UUID], int]:
    """Readers and a writer on threads while ``victim`` is killed and started again."""
    seed = [_new_user(store)[0] for _ in range(5)]
    cluster.wait_replayed()
    failures: list[BaseException] = []
    written: list[uuid.UUID] = []
    reads = [0]
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                with store.session(readonly=True) as session:
                    users = UserDAO(session)
                    for user_id in seed:
                        assert users.get(user_id) is not None
                reads[0] += 1
            except BaseException as exc:  # every failed read is counted
                failures.append(exc)

    def writer() -> None:
        while not stop.is_set():
            written.append(_new_user(store)[0])

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    try:
        time.sleep(seconds / 3)
        victim.kill()
        time.sleep(seconds / 3)
        victim.launch()
        time.sleep(seconds / 3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return failures, written, reads[0]


def test_a_replica_killed_and_restarted_under_load_fails_no_read(
    open_store: OpenStore, restore: ReplicaCluster
) -> None:
    cluster = restore
    store = open_store()
    failures, written, reads = _load(store, cluster, cluster.replicas[0], 2.4, readers=4)
    assert failures == [] and reads > 0 and written
    for user_id in written:
        with store.session(readonly=True, read_your_writes=True) as session:
            assert UserDAO(session).get(user_id) is not None


def test_a_replica_killed_under_async_load_fails_no_read(
    replica_cluster: ReplicaCluster, restore: ReplicaCluster
) -> None:
    cluster = restore
    from sqlstore.aio.dao import UserDAO as AsyncUserDAO

    async def main() -> tuple[list[BaseException], list[uuid.UUID], int]:
        app = sqlstore.aio.connect(
            f"{cluster.primary_url}?{FAST}", replicas=cluster.replica_urls, **cluster.config
        )
        failures: list[BaseException] = []
        written: list[uuid.UUID] = []
        reads = 0
        stop = asyncio.Event()
        async with app:
            async with app.session() as session:
                seed = [
                    (
                        await AsyncUserDAO(session).create(
                            UserCreate(email=f"{i}{uuid.uuid4()}@a.t")
                        )
                    ).id
                    for i in range(5)
                ]

            async def reader() -> None:
                nonlocal reads
                while not stop.is_set():
                    try:
                        async with app.session(readonly=True, read_your_writes=True) as session:
                            for user_id in seed:
                                assert await AsyncUserDAO(session).get(user_id) is not None
                        reads += 1
                    except BaseException as exc:  # every failed read is counted
                        failures.append(exc)

            async def writer() -> None:
                while not stop.is_set():
                    async with app.session() as session:
                        new = UserCreate(email=f"{uuid.uuid4().hex}@a.t")
                        written.append((await AsyncUserDAO(session).create(new)).id)

            async def fault() -> None:
                await asyncio.sleep(0.8)
                await asyncio.to_thread(cluster.replicas[1].kill)
                await asyncio.sleep(0.8)
                await asyncio.to_thread(cluster.replicas[1].launch)
                await asyncio.sleep(0.8)
                stop.set()

            await asyncio.gather(*(reader() for _ in range(6)), writer(), fault())
            for user_id in written:
                async with app.session(readonly=True, read_your_writes=True) as session:
                    assert await AsyncUserDAO(session).get(user_id) is not None
        return failures, written, reads

    failures, written, reads = asyncio.run(main())
    assert failures == [] and reads > 0 and written
