"""The custom search attributes operations filter on. None holds personal data."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

PACKAGE = SearchAttributeKey.for_keyword("Package")
CLUSTER = SearchAttributeKey.for_keyword("Cluster")
REGION = SearchAttributeKey.for_keyword("Region")
MUNICIPALITY = SearchAttributeKey.for_keyword("Municipality")
CURRENT_STEP = SearchAttributeKey.for_keyword("CurrentStep")
MEETING_DATE = SearchAttributeKey.for_datetime("MeetingDate")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
# How many of the meeting's agreements are past their date without being marked done.
OVERDUE_AGREEMENTS = SearchAttributeKey.for_int("OverdueAgreements")
# The workbench's task list: when the current step falls due, which steps are overdue, and
# whether something failed that KiAP must look at (a render, a child workflow).
NEXT_DUE = SearchAttributeKey.for_datetime("NextDue")
OVERDUE_STEPS = SearchAttributeKey.for_keyword_list("OverdueSteps")
ATTENTION = SearchAttributeKey.for_bool("Attention")
# A cluster's size (the cluster workflow; orders leave it unset).
MEMBERS = SearchAttributeKey.for_int("Members")

ALL = (
    PACKAGE,
    CLUSTER,
    REGION,
    MUNICIPALITY,
    CURRENT_STEP,
    MEETING_DATE,
    OVERDUE,
    OVERDUE_AGREEMENTS,
    NEXT_DUE,
    OVERDUE_STEPS,
    ATTENTION,
    MEMBERS,
)


def dev_server_flags() -> list[str]:
    """``--search-attribute Name=Type`` flags for ``temporal server start-dev``."""
    kinds = {
        "KEYWORD": "Keyword",
        "DATETIME": "Datetime",
        "BOOL": "Bool",
        "INT": "Int",
        "KEYWORD_LIST": "KeywordList",
    }
    return [
        arg
        for key in ALL
        for arg in ("--search-attribute", f"{key.name}={kinds[key.indexed_value_type.name]}")
    ]
