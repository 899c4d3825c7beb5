import json

import pytest

from clearinghouse.victimid.hashlists import HashListError, parse

MD5 = "0f343b0931126a20f133d67c2b018a3b"
SHA1 = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"
PDQ = "f" * 64


def test_it_reads_a_csv_list_with_any_of_the_columns():
    rows = parse(
        f"name,md5,pdq,pdq_quality\nIMG_1.jpg,{MD5},{PDQ},80\nIMG_2.jpg,,{PDQ},\n".encode()
    )
    assert [(row.name, row.md5, row.pdq, row.pdq_quality) for row in rows] == [
        ("IMG_1.jpg", MD5, PDQ, 80),
        ("IMG_2.jpg", "", PDQ, None),
    ]


def test_it_reads_json_lines_and_lowercases_hex():
    text = json.dumps({"name": "a.png", "sha1": SHA1.upper()}) + "\n" + json.dumps({"md5": MD5})
    rows = parse(text.encode())
    assert rows[0].sha1 == SHA1 and rows[1].name == "row 2"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "empty"),
        ("md5\n", "no rows"),
        ("hash,label\nabc,x\n", "line 1: the first line must name the columns"),
        (f"md5\n{MD5}\n{MD5[:-1]}\n", "line 3: md5 must be 32 hex digits"),
        (f"md5,sha1\n{MD5}\n", "line 2: expected 2 columns, found 1"),
        ("name,md5\nx,\n", "line 2: no hash"),
        (f"pdq,pdq_quality\n{PDQ},101\n", "line 2: pdq_quality must be a whole number"),
        ('{"md5": "' + MD5 + '"}\n{"md5": 5}\n', "line 2: md5 must be a string"),
        ('{"md5": "' + MD5 + '", "colour": "red"}\n', "line 1: unknown field 'colour'"),
        ('{"md5": "' + MD5 + '"}\n{nope\n', "line 2: not valid JSON"),
    ],
)
def test_it_rejects_a_bad_list_naming_the_line(text, error):
    with pytest.raises(HashListError, match=error):
        parse(text.encode())


def test_it_rejects_bytes_that_are_not_text():
    with pytest.raises(HashListError, match="not UTF-8"):
        parse(b"md5\n\xff\xfe\n")
