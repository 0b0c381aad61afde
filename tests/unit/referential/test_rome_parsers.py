from __future__ import annotations

from pathlib import Path

from shared.referential.parsers import rome_domains, rome_job_groups, rome_job_titles
from shared.referential.parsers.report import ParseReport

JOB_GROUP_HEADER = '"code_rome","code_fiche_em","code_ogr","libelle_rome","statut"\n'
TITLE_HEADER = (
    '"code_ogr","libelle_appellation_long","libelle_appellation_court","code_rome",'
    '"code_type_section_appellation","libelle_type_section_appellation","statut"\n'
)


def test_job_groups_from_v347(rome_dir: Path) -> None:
    report = ParseReport("groups")
    groups = list(rome_job_groups.parse_job_groups(rome_dir / rome_job_groups.FILE_NAME, report))

    assert len(groups) == 531
    assert (report.read, report.kept, report.skipped_total) == (531, 531, 0)
    by_code = {group.rome_code: group for group in groups}
    assert by_code["M1607"].name == "Secrétariat"
    assert by_code["E1102"].name == "Ecriture d'ouvrages, de livres"  # "d''" unescaped
    assert not any("''" in group.name for group in groups)


def test_job_groups_skip_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "groups.csv"
    path.write_text(
        JOB_GROUP_HEADER
        + '"M1607","1","1","Secrétariat","1"\n'
        + '"XXXXX","2","2","Unexistant job","1"\n'
        + '"M1607","3","3","Duplicate","1"\n'
        + '"M1608","4","4","","1"\n'
        + '"M1609","5","5","Retired","0"\n',
        encoding="utf-8",
    )
    report = ParseReport(path.name)

    groups = list(rome_job_groups.parse_job_groups(path, report))

    assert [group.rome_code for group in groups] == ["M1607"]
    assert report.skipped == {"bad ROME code": 1, "duplicate": 1, "missing name": 1, "inactive": 1}


def test_job_titles_from_v347(rome_dir: Path) -> None:
    report = ParseReport("titles")
    titles = list(rome_job_titles.parse_job_titles(rome_dir / rome_job_titles.FILE_NAME, report))

    assert len(titles) == 10_990
    assert len({title.code_ogr for title in titles}) == 10_990
    first = titles[0]
    assert (first.code_ogr, first.name, first.rome_code) == ("10200", "Abatteur / Abatteuse de carrière", "F1402")
    assert not any("''" in title.name for title in titles)


def test_job_titles_of_unknown_job_groups_are_skipped(rome_dir: Path) -> None:
    groups = rome_job_groups.parse_job_groups(rome_dir / rome_job_groups.FILE_NAME)
    known = {group.rome_code for group in groups}
    report = ParseReport("titles")

    titles = list(rome_job_titles.parse_job_titles(rome_dir / rome_job_titles.FILE_NAME, report, known))

    # v347 lists titles for L1510, a job group absent from its own job-group file.
    assert report.skipped == {"unknown job group": 22}
    assert len(titles) == 10_968
    assert all(title.rome_code in known for title in titles)


def test_job_titles_skip_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text(
        TITLE_HEADER
        + '"10200","Abatteur","Abatteur","F1402","1","PRINCIPALE","1"\n'
        + '"abc","Bad code","Bad code","F1402","1","PRINCIPALE","1"\n'
        + '"10201","Bad group","Bad group","XXXXX","1","PRINCIPALE","1"\n'
        + '"10200","Duplicate","Duplicate","F1402","1","PRINCIPALE","1"\n',
        encoding="utf-8",
    )
    report = ParseReport(path.name)

    assert [title.code_ogr for title in rome_job_titles.parse_job_titles(path, report)] == ["10200"]
    assert report.skipped == {"bad code OGR": 1, "bad ROME code": 1, "duplicate": 1}


def test_domain_tree_has_14_letters(rome_dir: Path) -> None:
    report = ParseReport("tree")
    domains = list(rome_domains.parse_domains(rome_dir / rome_domains.FILE_NAME, report))

    letters = [domain for domain in domains if len(domain.code) == 1]
    assert [letter.code for letter in letters] == list("ABCDEFGHIJKLMN")
    subdomains = [domain for domain in domains if len(domain.code) == 3]
    assert len(subdomains) == 110
    assert all(domain.parent_code == domain.code[0] for domain in subdomains)
    assert report.skipped_total == 0  # the secondary tree and the leaves are ignored, not bad
    assert report.ignored == report.read - len(domains)


def test_job_groups_are_placed_in_the_tree(rome_dir: Path) -> None:
    domains = list(rome_domains.parse_domains(rome_dir / rome_domains.FILE_NAME))
    groups = rome_job_groups.parse_job_groups(rome_dir / rome_job_groups.FILE_NAME)

    placed = {group.rome_code: group for group in rome_domains.with_domains(groups, domains)}

    secretariat = placed["M1607"]
    assert secretariat.domain_letter == "M"
    assert secretariat.domain_name == "Support à l'entreprise"
    assert (secretariat.subdomain_code, secretariat.subdomain_name) == ("M16", "Secrétariat et assistance")
    assert all(group.domain_name and group.subdomain_name for group in placed.values())
