"""The public web app under arbitrary requests (hypothesis through the test client): never a
500 or a stack trace, always the security headers, bounded responses; a forged link looks
exactly like a link to nothing; and a client that hammers a link or the site is slowed."""

from __future__ import annotations

import tempfile
import urllib.parse
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.order.commands import MeetingRecord, StepAccepted
from schemas.order.status import MinutesPage
from schemas.shared.copenhagen import COPENHAGEN
from tests.web import test_form, test_upload
from tests.web.fakes import FakeRound, MinutesOrder, UnusedCourses, UploadOrder, fake_backend
from web.app import SECURITY_HEADERS, create_app
from web.config import WebConfig
from web.rate_limit import RateLimits

SIGNER = test_form.SIGNER
ORDER = test_upload.ORDER
NO_LIMITS = RateLimits(per_token="100000/minute", per_address="100000/minute")


class FuzzOrders(UploadOrder):
    """One order behind every order page: the upload and the minutes; the coordinator's and
    the agreement pages find it gone."""

    def __init__(self, stores: Path) -> None:
        super().__init__(stores)
        self.minutes = MinutesOrder(datetime(2027, 3, 4, 9, tzinfo=COPENHAGEN))

    async def minutes_page(self, order_id: str) -> MinutesPage | None:
        return await self.minutes.minutes_page(order_id)

    async def meeting_record(self, order_id: str, cmd: MeetingRecord) -> StepAccepted:
        return await self.minutes.meeting_record(order_id, cmd)

    async def coordinator_view(self, order_id: str) -> None:
        return None

    async def order_page(self, order_id: str) -> None:
        return None


class GoneCourses(UnusedCourses):
    async def page(self, course_id: str) -> None:
        return None


def make_client(limits: RateLimits = NO_LIMITS) -> TestClient:
    orders = FuzzOrders(Path(tempfile.mkdtemp(prefix="fuzz-")))
    backend = fake_backend(orders=orders, surveys=FakeRound(), courses=GoneCourses())
    config = WebConfig(signer=SIGNER, uploads=orders.uploads, artifacts=orders.artifacts)
    return TestClient(create_app(backend, SIGNER, limits, config), raise_server_exceptions=True)


CLIENT = make_client()
VALID = {
    "s": SIGNER.sign(test_form.ROUND, 0),
    "u": SIGNER.sign(ORDER, 0, "extract-upload"),
    "m": SIGNER.sign(ORDER, 0, "meeting-minutes"),
    "k": SIGNER.sign(ORDER, 0, "coordinator-page"),
    "a": SIGNER.sign(ORDER, 1, "agreement-done"),
    "c": SIGNER.sign("kursus-1", 0, "course-teacher"),
}


def mangled(token: str, at: int) -> str:
    at %= len(token)
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


tokens = (
    st.sampled_from(list(VALID.values()))
    | st.builds(mangled, st.sampled_from(list(VALID.values())), st.integers(0, 200))
    | st.text(max_size=80)
)
paths = st.builds(
    lambda prefix, token, rest: prefix + urllib.parse.quote(token + rest, safe="/"),
    st.sampled_from(
        ["/s/", "/u/", "/m/", "/k/", "/a/", "/c/", "/bestil", "/", "/static/", "/healthz", "/x/"]
    ),
    tokens,
    st.sampled_from(
        ["", "/", "/../../etc/passwd", "?a=1", "/spoergeskema", "/formoede", "/dokumenter/x"]
    ),
)
fields = st.dictionaries(
    st.sampled_from(
        [
            "q_kendskab",
            "q_samarbejde",
            "q_udfordringer",
            "uploaded_by",
            "minute_taker",
            "participants",
            "agreement_1_text",
            "agreement_1_owner",
            "agreement_1_due",
            "follow_up_meeting",
            "repeat_survey",
            "cluster.name",
            "members",
            "meeting.date",
            "submission",
            "action",
            "remove",
            "number",
            "reason",
        ]
    )
    | st.text(max_size=12),
    st.text(max_size=200) | st.sampled_from(["I høj grad", "-1", "2027-02-30", "ja", "\x00"]),
    max_size=8,
)
content_types = st.sampled_from(
    [
        None,
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=xyz",
        "application/json",
        "text/plain; charset=cp1252",
        "\u00e6\u00f8\u00e5/\u00e5".encode(),  # raw bytes, as a broken client sends
    ]
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
    paths,
    st.one_of(
        st.tuples(st.just("raw"), st.binary(max_size=3000), content_types),
        st.tuples(st.just("form"), fields, st.none()),
        st.tuples(st.just("file"), st.binary(max_size=3000), st.text(max_size=30)),
    ),
)
def test_no_request_breaks_the_web_app(method, path, body):
    kind, content, extra = body
    if kind == "raw":
        headers = {"content-type": extra} if extra else {}
        response = CLIENT.request(method, path, content=content, headers=headers)
    elif kind == "form":
        response = CLIENT.request(method, path, data=content)
    else:
        files = {"file": (extra or "datatraek.csv", content, "text/csv")}
        response = CLIENT.request(method, path, files=files, data={"uploaded_by": "x"})
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text and 'File "' not in response.text
    assert len(response.content) < 200_000
    for header, value in SECURITY_HEADERS.items():
        assert response.headers.get(header) == value, header


def test_a_forged_link_and_a_link_to_nothing_look_the_same():
    kinds = (
        ("s", None),
        ("u", "extract-upload"),
        ("m", "meeting-minutes"),
        ("k", "coordinator-page"),
        ("c", "course-teacher"),
    )
    for prefix, purpose in kinds:
        args = (purpose,) if purpose else ()
        nothing = SIGNER.sign("no-such-order--spoergeskema-1", 0, *args)
        other_purpose = SIGNER.sign(ORDER, 0, "another-purpose")
        pages = [
            CLIENT.get(f"/{prefix}/{token}")
            for token in (mangled(VALID[prefix], 5), nothing, other_purpose, "x")
        ]
        assert {p.status_code for p in pages} == {404}, prefix
        assert len({p.text for p in pages}) == 1, prefix


def test_hammering_one_link_is_slowed_but_other_links_still_work():
    client = make_client(RateLimits(per_token="3/minute", per_address="1000/minute"))
    link = f"/s/{VALID['s']}"
    statuses = [client.post(link, data=test_form.GOOD).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    slowed = client.post(link, data=test_form.GOOD)
    assert "Prøv igen om" in slowed.text and int(slowed.headers["Retry-After"]) >= 1
    assert client.get(link).status_code == 200  # reading the form is not a submission
    other = f"/s/{SIGNER.sign(test_form.ROUND, 1)}"
    assert client.post(other, data=test_form.GOOD).status_code == 200


def test_one_address_trying_many_links_is_slowed():
    client = make_client(RateLimits(per_token="1000/minute", per_address="5/minute"))
    statuses = [client.get(f"/s/guess-{n}").status_code for n in range(7)]
    assert statuses == [404] * 5 + [429] * 2
    assert client.get("/healthz").status_code == 200  # the load balancer is never locked out
