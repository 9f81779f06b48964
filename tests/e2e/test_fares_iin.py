"""The phone's IIN check (static/birtizim/fares/iin.js) and the engine's (engine.iin) agree on a list
of IINs: valid ones of every century and sex, each first-pass and second-pass check digit, and the
damage clerks do (one digit changed, two neighbours swapped, a lost leading zero, a non-date)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from harness import CHROMIUM, CHROMIUM_ARGS, needs_chromium

from birtizim.engine import iin

pytestmark = needs_chromium
IIN_JS = Path(__file__).resolve().parents[2] / "src/birtizim/web/fares/static/birtizim/fares/iin.js"
REASONS = {  # the start of engine.iin's reason -> the phone's reason code
    "an IIN has 12 digits": "length",
    "digit 7 must be": "century",
    "digits 1-6 are not a date": "date",
    "the check digit cannot be computed": "never_issued",
    "check digit does not match": "check_digit",
}


def examples() -> list[str]:
    out = ["791028302728", "061211600012", "", "12345", "7910283027281", "79102830272a", "791328302728"]
    days = [
        dt.date(1899, 12, 31),
        dt.date(1900, 2, 28),
        dt.date(1979, 10, 28),
        dt.date(2000, 2, 29),
        dt.date(2006, 12, 11),
    ]
    for day in days:
        for sex in ("M", "F"):
            digit7 = next(d for d, (c, s) in iin.CENTURY_SEX.items() if c == day.year // 100 * 100 and s == sex)
            for serial in range(0, 200, 3):
                made = iin.make(day, sex, serial)
                if made is None:  # both passes give 10: such a number is never issued, whatever its last digit
                    out.append(f"{day:%y%m%d}{digit7}{serial:04d}0")
                    continue
                out.append(made)
                out.append(made[:11] + str((int(made[11]) + 3) % 10))  # a mistyped check digit
                out.append(made[:3] + made[4] + made[3] + made[5:])  # two neighbours swapped
                out.append(made.lstrip("0"))  # Excel dropped the leading zero
    out += ["790230302728", "791028702728", "791028002728"]  # 30 February; digit 7 out of range
    return sorted(set(out))


def python_view(value: str) -> dict[str, object]:
    try:
        parsed = iin.parse(value)
    except iin.InvalidIIN as exc:
        reason = next(code for start, code in REASONS.items() if str(exc).startswith(start))
        return {"valid": False, "reason": reason, "birthDate": None, "sex": None}
    return {"valid": True, "reason": "", "birthDate": parsed.birth_date.isoformat(), "sex": parsed.sex}


def test_the_phone_and_the_engine_agree_on_every_iin() -> None:
    from playwright.sync_api import sync_playwright

    values = examples()
    assert sum(python_view(v)["valid"] for v in values) > 50  # many valid ones, of both check-digit passes
    assert {python_view(v)["reason"] for v in values} >= set(REASONS.values())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><title>iin</title>")
            page.add_script_tag(path=str(IIN_JS))
            phone = page.evaluate("values => values.map(v => BirtizimIIN.check(v))", values)
        finally:
            browser.close()
    disagree = [(v, p, python_view(v)) for v, p in zip(values, phone, strict=True) if p != python_view(v)]
    assert disagree == [], json.dumps(disagree[:5], ensure_ascii=False)
