"""What a district officer should do about a resident of the work list, and how soon: rules as data.

The engine (``engine/plan.py``) finds each resident's reason from the evidence; this table says which
action that reason calls for and its priority (1 = do first). A resident the registry has a phone for
is called; one without (or whose number turned out wrong) is visited, which costs more and comes later.
The officers' recorded outcomes move a resident: a promise to pay whose follow-up date has come is
the first thing of the day; a resident whose reported departure, death or new status the agencies'
data agree with is worked and goes to the end.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ActionRule:
    reason: str
    action: str  # when the registry has a working phone
    priority: int
    action_no_phone: str  # when it has none, or the officer found the number wrong
    priority_no_phone: int


# In the order the engine picks a reason when several apply (the first that applies is the reason).
REASONS: tuple[ActionRule, ...] = (
    # the officer reported something the agencies' data contradict: check before anything is changed
    ActionRule("outcome_disagrees", "check_outcome", 3, "check_outcome", 3),
    # paying contributions while listed as non-working: the agency that pays for them must know
    ActionRule("paying_and_nonworking", "call_check_employment", 3, "notify_agency", 5),
    # a category that cannot be right at this age (a pensioner of 30, a student of 50)
    ActionRule("category_age", "call_check_category", 3, "visit_check_category", 5),
    # a row linked with doubt: documents settle who the person is, not a call
    ActionRule("identity_doubt", "check_documents", 5, "check_documents", 5),
    # in no list, turned 18 recently: the children's category ended
    ActionRule("turned_adult", "call_find_status", 2, "visit_find_status", 4),
    # in no list, at pension age, yet not in the pension list
    ActionRule("pension_age", "call_ask_pension", 2, "visit_ask_pension", 4),
    # in no list at all
    ActionRule("in_no_list", "call_find_status", 2, "visit_find_status", 4),
    # insured now, but the category ends within the horizon (a child turning 18, childcare ending)
    ActionRule("category_ending", "call_before_end", 6, "visit_before_end", 6),
)
REASON_CODES = tuple(r.reason for r in REASONS)

# Outcomes that change what is done, whatever the reason.
FOLLOW_UP_DUE = ("call_follow_up", 1)  # "will pay", and the follow-up date has come
WAITING = ("wait_follow_up", 8)  # "will pay", the follow-up date not yet come
WORKED = ("no_action", 9)  # departure, death or new status reported and the agencies agree

# How far ahead a category's end is worth a call (a child turning 18, a childcare leave ending).
ENDING_HORIZON_MONTHS = 3
# How long after the 18th birthday a resident in no list counts as "turned adult".
TURNED_ADULT_MONTHS = 12
