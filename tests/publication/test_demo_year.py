"""The demo's published year (令和2年度) as citizens get it: every open data file and the
publication bundle build and parse."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from publication import opendata

pytestmark = pytest.mark.django_db

BASE = "/opendata/revised-2017/2020/"


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("dataset", list(opendata.DATASETS))
def test_every_open_data_file_of_the_demos_published_year_parses(client, demo, dataset):
    as_csv = client.get(f"{BASE}{dataset}.csv")
    as_json = client.get(f"{BASE}{dataset}.json")
    assert (as_csv.status_code, as_json.status_code) == (200, 200)
    from_csv = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    from_json = json.loads(as_json.content)["rows"]
    assert len(from_csv) == len(from_json)  # the demo has no 指標 rows: a header only


def test_the_demos_projects_json_names_each_direction_in_words(client, demo):
    rows = json.loads(client.get(f"{BASE}projects.json").content)["rows"]
    assert {"継続", "拡充"} <= {row["今後の方向性"] for row in rows}


def test_an_open_data_value_that_cannot_be_written_is_refused_by_name():
    with pytest.raises(TypeError, match="object"):
        opendata.open_value(object())


def test_the_bundle_of_the_demos_published_year_builds_and_every_file_in_it_parses(demo, tmp_path):
    output = tmp_path / "site.zip"
    call_command("export_site", "revised-2017", "2020", "--output", str(output), verbosity=0)
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        for name in names:
            content = archive.read(name)
            if name.endswith(".json"):
                assert "rows" in json.loads(content), name
            elif name.endswith(".csv"):
                assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))), name
            elif name.endswith(".xlsx"):
                assert zipfile.is_zipfile(io.BytesIO(content)), name
    data = [n for n in names if n.startswith("opendata/revised-2017/2020/")]
    assert len(data) == 2 * len(opendata.DATASETS)
