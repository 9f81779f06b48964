import datetime as dt
import hashlib
from typing import Any

import pyarrow as pa
import pytest

from birtizim.vouchers import allocation

DAY1 = dt.datetime(2019, 8, 16)
SALT = "batch-2019-08"


Application = tuple[int, int, dt.datetime, list[str]]  # application_id, child_id, applied_at, priorities


def apps(rows: list[Application]) -> pa.Table:
    return pa.table(
        {
            "application_id": pa.array([r[0] for r in rows], pa.int64()),
            "child_id": pa.array([r[1] for r in rows], pa.int64()),
            "applied_at": pa.array([r[2] for r in rows], pa.timestamp("us")),
            "priorities": pa.array([r[3] for r in rows], pa.list_(pa.string())),
        }
    )


def order(table: pa.Table) -> list[int]:
    ranked = [r for r in table.to_pylist() if r["rank"] is not None]
    return [r["child_id"] for r in sorted(ranked, key=lambda r: r["rank"])]


def lottery(child_id: int, salt: str = SALT) -> str:
    return hashlib.sha256(f"{salt}:{child_id}".encode()).hexdigest()


def test_priority_tiers_come_before_time() -> None:
    late = DAY1 + dt.timedelta(days=5)
    table = apps(
        [
            (1, 10, DAY1, []),
            (2, 11, late, ["social_assistance"]),
            (3, 12, late, ["large_family"]),
            (4, 13, late, ["disability"]),
            (5, 14, late, ["orphan"]),
        ]
    )
    assert order(allocation.rank(table, salt=SALT)) == [14, 13, 12, 11, 10]


def test_the_most_urgent_of_several_categories_counts() -> None:
    table = apps([(1, 10, DAY1, ["disability"]), (2, 11, DAY1, ["social_assistance", "orphan"])])
    ranked = {r["child_id"]: r for r in allocation.rank(table, salt=SALT).to_pylist()}
    assert ranked[11]["tier"] == 0 and ranked[10]["tier"] == 1
    assert ranked[11]["rank"] == 1


def test_an_earlier_day_comes_first_within_a_tier() -> None:
    table = apps([(1, 10, DAY1 + dt.timedelta(days=1), []), (2, 11, DAY1 + dt.timedelta(hours=23), [])])
    assert order(allocation.rank(table, salt=SALT)) == [11, 10]


def test_clicking_first_within_the_day_buys_nothing() -> None:
    # Two children apply the same day; whatever the second, the lottery decides.
    early, late = DAY1 + dt.timedelta(seconds=1), DAY1 + dt.timedelta(hours=23, minutes=59)
    children = sorted([20, 21], key=lottery)  # the child the lottery favours first
    table = apps([(1, children[1], early, []), (2, children[0], late, [])])
    assert order(allocation.rank(table, salt=SALT)) == children


def test_the_lottery_is_the_published_hash() -> None:
    rows: list[Application] = [(i, 100 + i, DAY1 + dt.timedelta(minutes=i), []) for i in range(1, 31)]
    ranked = allocation.rank(apps(rows), salt=SALT).to_pylist()
    assert order(allocation.rank(apps(rows), salt=SALT)) == sorted((r[1] for r in rows), key=lottery)
    assert all(r["lottery"] == lottery(r["child_id"]) for r in ranked)


def test_it_is_deterministic_and_ignores_row_order() -> None:
    rows = [(i, 100 + i, DAY1 + dt.timedelta(hours=i % 40), ["large_family"] if i % 3 == 0 else []) for i in range(60)]
    first = allocation.rank(apps(rows), salt=SALT)
    again = allocation.rank(apps(list(reversed(rows))), salt=SALT)
    assert first.equals(again)
    other_salt = order(allocation.rank(apps(rows), salt="another batch"))
    assert other_salt != order(first)  # the salt, not the submission order, drives ties


def test_a_second_application_of_a_child_is_not_ranked() -> None:
    table = apps([(1, 10, DAY1, []), (2, 10, DAY1 + dt.timedelta(hours=1), ["orphan"]), (3, 11, DAY1, [])])
    rows: dict[int, dict[str, Any]] = {r["application_id"]: r for r in allocation.rank(table, salt=SALT).to_pylist()}
    assert rows[2]["rank"] is None and rows[2]["duplicate_of"] == 1
    assert {rows[1]["rank"], rows[3]["rank"]} == {1, 2}


def test_allocate_funds_the_first_ranked() -> None:
    table = apps([(1, 10, DAY1, []), (2, 11, DAY1, ["disability"]), (3, 12, DAY1, ["orphan"]), (4, 12, DAY1, [])])
    result = {
        r["application_id"]: r["allocated"] for r in allocation.allocate(table, vouchers=2, salt=SALT).to_pylist()
    }
    assert result == {1: False, 2: True, 3: True, 4: False}


def test_it_needs_a_salt_and_the_columns() -> None:
    with pytest.raises(ValueError, match="salt"):
        allocation.rank(apps([(1, 10, DAY1, [])]), salt="")
    with pytest.raises(ValueError, match="priorities"):
        allocation.rank(apps([(1, 10, DAY1, [])]).drop_columns(["priorities"]), salt=SALT)
