"""The Department of Justice's five AMBER Alert criteria, read from a case's fields.

The platform only shows which criteria hold, for abduction cases: issuing an alert is
law enforcement's decision, made elsewhere. The criteria (DOJ guidance):

1. law enforcement reasonably believes an abduction has occurred;
2. the child is 17 years old or younger;
3. law enforcement believes the child is in imminent danger of serious bodily injury or
   death;
4. there is enough descriptive information about the child and the abduction (the
   abductor or the vehicle) for an alert to help;
5. the child's name and other critical data are in NCIC, with the child abduction flag.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from clearinghouse.missing.models import MissingCase


@dataclass(frozen=True)
class Criterion:
    number: int
    text: str
    holds: bool
    because: str


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    years = day.year - date_of_birth.year
    return years - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _describes_child(case: MissingCase) -> bool:
    named = bool(case.child_first_name and case.child_last_name)
    looks = [case.child_height, case.child_weight, case.child_hair, case.child_eyes]
    has_photo = case.pk is not None and case.photos.exists()
    return (
        named and case.child_date_of_birth is not None and (has_photo or sum(map(bool, looks)) >= 2)
    )


def _describes_abduction(case: MissingCase) -> bool:
    if case.vehicle_description:
        return True
    if case.pk is None:
        return False
    return any(
        (companion.first_name or companion.description)
        for companion in case.companions.filter(kind="abductor")
    )


def criteria(case: MissingCase) -> list[Criterion] | None:
    """The five criteria for an abduction case, None for any other case type."""
    if not case.is_abduction:
        return None
    day = (case.last_seen_at or case.reported_at or timezone.now()).date()
    age = age_on(case.child_date_of_birth, day) if case.child_date_of_birth else None
    child_described, abduction_described = _describes_child(case), _describes_abduction(case)
    return [
        Criterion(
            1,
            "Law enforcement reasonably believes an abduction has occurred",
            case.abduction_believed,
            "recorded on the case" if case.abduction_believed else "not recorded",
        ),
        Criterion(
            2,
            "The child is 17 years old or younger",
            age is not None and age <= 17,
            f"{age} years old when last seen" if age is not None else "date of birth unknown",
        ),
        Criterion(
            3,
            "The child is believed in imminent danger of serious bodily injury or death",
            case.imminent_danger,
            "recorded on the case" if case.imminent_danger else "not recorded",
        ),
        Criterion(
            4,
            "There is enough descriptive information about the child and the abduction",
            child_described and abduction_described,
            "; ".join(
                [
                    "child described"
                    if child_described
                    else "child not described enough "
                    "(name, date of birth, and a photo or two physical details)",
                    "abductor or vehicle described"
                    if abduction_described
                    else "no abductor or vehicle description",
                ]
            ),
        ),
        Criterion(
            5,
            "The child is entered in NCIC with the child abduction flag",
            bool(case.ncic_number) and case.ncic_abduction_flag,
            f"NCIC {case.ncic_number}"
            + (", abduction flag set" if case.ncic_abduction_flag else ", no abduction flag")
            if case.ncic_number
            else "no NCIC number",
        ),
    ]


def all_met(case: MissingCase) -> bool:
    found = criteria(case)
    return bool(found) and all(criterion.holds for criterion in found)
