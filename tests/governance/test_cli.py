"""``edubridge transfer check`` and ``edubridge jurisdiction``, in processes of their own."""

import json

from tests.conftest import run_cli


def test_a_transfer_is_checked_from_the_command_line(tmp_path):
    assert run_cli("migrate", "--verbosity", "0", var_dir=tmp_path).returncode == 0
    for slug, country in (("huaxia", "CN"), ("rift", "KE")):
        made = run_cli(
            "org",
            "create",
            "--slug",
            slug,
            "--name",
            slug.title(),
            "--kind",
            "university",
            "--country",
            country,
            var_dir=tmp_path,
        )
        assert made.returncode == 0, made.stderr
    decided = run_cli(
        "transfer",
        "check",
        "--from",
        "huaxia",
        "--to",
        "rift",
        "--dataset",
        "training-records",
        "--json",
        var_dir=tmp_path,
    )
    assert decided.returncode == 0, decided.stderr
    body = json.loads(decided.stdout)
    assert body["from"] == "huaxia" and body["outcome"] == "conditions"
    assert body["conditions"] == ["aggregate"] and body["packs"] == {"CN": 1, "KE": 1}
    assert "signed by both" in body["remedies"][0]
    words = run_cli(
        "transfer",
        "check",
        "--from",
        "rift",
        "--to",
        "huaxia",
        "--dataset",
        "credentials",
        var_dir=tmp_path,
    )
    assert words.stdout.startswith("Denied: credentials from rift (KE) to huaxia (CN)")
    assert "would allow: A data-sharing agreement" in words.stdout
    unknown = run_cli(
        "transfer",
        "check",
        "--from",
        "nobody",
        "--to",
        "rift",
        "--dataset",
        "practice",
        var_dir=tmp_path,
    )
    assert unknown.returncode != 0 and "--from: no organisation 'nobody'" in unknown.stderr
    bad = run_cli(
        "transfer",
        "check",
        "--from",
        "rift",
        "--to",
        "huaxia",
        "--dataset",
        "grades",
        var_dir=tmp_path,
    )
    assert bad.returncode != 0 and "dataset: 'grades' is not one of" in bad.stderr
    listed = run_cli("jurisdiction", "list", var_dir=tmp_path)
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [
        "BR",
        "CN",
        "EG",
        "EU",
        "ID",
        "KE",
        "SN",
        "US",
    ]
    again = run_cli("jurisdiction", "load", var_dir=tmp_path)
    assert again.stdout.strip() == "stored: none (all up to date)"
