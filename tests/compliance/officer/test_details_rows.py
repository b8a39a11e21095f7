"""An audit event's details as an officer reads them: key/value rows, nested keys flattened, long values cut short
with the whole value kept; no JSON."""

from compliance.templatetags.officer import DETAIL_SHOWN_CHARS, details_rows


def test_nested_details_are_flattened_to_dotted_keys():
    details = {"scope": {"tenants": ["acme", "demo"], "subjects": []}, "batch": 2, "dry": False, "by": None}
    assert [(row["key"], row["value"]) for row in details_rows(details)] == [
        ("batch", "2"),
        ("by", "none"),
        ("dry", "no"),
        ("scope.subjects", "none"),
        ("scope.tenants", "acme, demo"),
    ]


def test_lists_of_records_are_numbered():
    rows = details_rows({"attempts": [{"status": 500}, {"status": 200}]})
    assert [(row["key"], row["value"]) for row in rows] == [("attempts.0.status", "500"), ("attempts.1.status", "200")]


def test_a_long_value_is_cut_short_and_kept_whole():
    (row,) = details_rows({"reason": "x" * 200})
    assert row["value"] == "x" * 200 and row["short"] == "x" * DETAIL_SHOWN_CHARS + "…"
    (short,) = details_rows({"reason": "brief"})
    assert short["short"] == ""


def test_no_details_no_rows():
    assert details_rows({}) == [] and details_rows(None) == []
