"""Seeded fuzzing of `twin validate` with malformed scenarios made from the example parks.

Every case is one mutation of an example scenario (wrong types, missing and unknown fields,
out-of-range, non-finite and absurdly small numbers, list-valued enums, duplicate names
and keys, min above max, broken `extends` chains, bad CSV and weather files, broken and
unsafe YAML). For every case `twin validate` must end within the time limit, without a
traceback or an internal error, with exit code 0 or 1; a case built to be wrong must be
rejected with a message naming a file. A few hundred cases run in the default suite, the
full thousand (and a sample of accepted variants run for 24 h) behind ``slow``.
"""

from __future__ import annotations

import copy
import gzip
import random
import signal
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from twin.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "scenarios" / n for n in ("manufacturing_suzhou.yaml", "logistics_qingdao.yaml",
                                              "office_guangzhou.yaml")]
N_DEFAULT = 300
N_SLOW = 1000
CASE_TIMEOUT_S = 30

ASSET_LISTS = ("process_loads", "buildings", "pv_arrays", "ev_fleets", "waste_heat", "heat_pumps", "boilers",
               "chillers")
#: number lists whose entries are relative weights (any size is fine)
WEIGHT_LISTS = ("arrival_hour_shares",)


def _leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, path + (i,))
    else:
        yield path, obj


def _mappings(obj, path=()):
    if isinstance(obj, dict):
        yield path, obj
        for k, v in obj.items():
            yield from _mappings(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _mappings(v, path + (i,))


def _set(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def _numbers(data):
    return [(p, v) for p, v in _leaves(data) if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _strings(data):
    return [(p, v) for p, v in _leaves(data) if isinstance(v, str)]


def _hourly(n=8760, value=50.0):
    return pd.DataFrame({"p_kw": np.full(n, value)})


def _times(n, freq="h", start="2025-01-01"):
    return pd.date_range(start, periods=n, freq=freq)


def _csv_variants():
    """(name, writer(path), must_reject) for hourly series files."""
    def df_writer(df, **kw):
        return lambda p: df.to_csv(p, index=False, **kw)

    t = _times(8760)
    bad_inf = _hourly()
    bad_inf.loc[100, "p_kw"] = np.inf
    neg = _hourly()
    neg.loc[5, "p_kw"] = -3
    text = _hourly().astype(object)
    text.loc[7, "p_kw"] = "abc"
    return [
        ("ok", df_writer(_hourly()), False),
        ("inf_row", df_writer(bad_inf), True),
        ("all_zero", df_writer(_hourly(value=0.0)), True),
        ("negative", df_writer(neg), True),
        ("text_value", df_writer(text), True),
        ("short", df_writer(_hourly(100)), True),
        ("semicolon_decimal_comma", lambda p: p.write_text(
            "time;p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M};12,5\n" for x in t), encoding="utf-8"), False),
        ("utc_times", lambda p: p.write_text(
            "time,p_kw\n" + "".join(f"{x.tz_localize('Asia/Shanghai').tz_convert('UTC').isoformat()},5\n"
                                    for x in t), encoding="utf-8"), True),
        ("reversed_times", lambda p: p.write_text(
            "time,p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M},5\n" for x in t[::-1]), encoding="utf-8"), True),
        ("leap_year", lambda p: p.write_text(
            "time,p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M},5\n" for x in _times(8784, start="2024-01-01")),
            encoding="utf-8"), False),
        ("leap_year_no_time", df_writer(_hourly(8784)), False),
        ("quarter_hours_96", lambda p: p.write_text(
            "time,p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M},{i % 4 + 1}\n"
                                    for i, x in enumerate(_times(35040, "15min"))), encoding="utf-8"), False),
        ("empty", lambda p: p.write_text("", encoding="utf-8"), True),
        ("header_only", lambda p: p.write_text("p_kw\n", encoding="utf-8"), True),
        ("binary", lambda p: p.write_bytes(gzip.compress(b"p_kw\n1\n")), True),
        ("folder", lambda p: p.mkdir(), True),
        ("missing", lambda p: None, True),
        ("two_value_columns", lambda p: pd.DataFrame({"a": np.ones(8760), "b": np.ones(8760)}).to_csv(p, index=False),
         True),
        ("gap_in_times", lambda p: p.write_text(
            "time,p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M},5\n" for x in t.delete(500).append(_times(1, start="2026-01-01"))),
            encoding="utf-8"), True),
    ]


CSV_VARIANTS = _csv_variants()


def _weather_variants():
    return [
        ("corrupt_gzip", lambda p: p.write_bytes(b"\x1f\x8b\x08\x00garbage-not-gzip"), True),
        ("truncated_gzip", lambda p: p.write_bytes(gzip.compress(b"LOCATION,x,y,z\n" * 50)[:40]), True),
        ("empty", lambda p: p.write_bytes(b""), True),
        ("random_text", lambda p: p.write_text("hello\nworld\n", encoding="utf-8"), True),
        ("epw_header_only", lambda p: p.write_text("LOCATION,Somewhere,,CHN,x,1,31.0,120.0,8.0,5.0\n",
                                                   encoding="utf-8"), True),
        ("folder", lambda p: p.mkdir(), True),
        ("missing", lambda p: None, True),
    ]


WEATHER_VARIANTS = _weather_variants()


class Case:
    """One fuzz case: files to write and whether it must be rejected."""

    def __init__(self, kind: str, text: str | None = None, data: dict | None = None, must_reject: bool = False):
        self.kind = kind
        self.text = text
        self.data = data
        self.must_reject = must_reject
        self.files: dict[str, object] = {}  # name -> writer(path) or str

    def scenario_text(self) -> str:
        return self.text if self.text is not None else yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False)


def make_case(seed: int) -> Case:
    """The fuzz case of ``seed`` (deterministic)."""
    rng = random.Random(seed)
    src = EXAMPLES[seed % len(EXAMPLES)]
    text = src.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    d = copy.deepcopy(data)
    op = rng.choice(OPS)
    return op(rng, d, text)


def op_wrong_type(rng, d, text):
    path, v = rng.choice(_numbers(d))
    new = rng.choice(["abc", [1, 2], {"x": 1}, True])
    _set(d, path, new)
    # a bool is a number to YAML/pydantic only for int fields; reject unless that
    reject = not isinstance(new, bool) or isinstance(v, float)
    return Case(f"wrong_type {'.'.join(map(str, path))}={new!r}", data=d, must_reject=reject and new is not True)


def op_missing_required(rng, d, text):
    key = rng.choice(["park", "site", "grid"])
    del d[key]
    return Case(f"missing {key}", data=d, must_reject=True)


def op_drop_any(rng, d, text):
    maps = [(p, m) for p, m in _mappings(d) if m]
    path, m = rng.choice(maps)
    k = rng.choice(list(m))
    del m[k]
    return Case(f"drop {'.'.join(map(str, path + (k,)))}", data=d)


def op_unknown_key(rng, d, text):
    maps = [(p, m) for p, m in _mappings(d)
            if not (p and p[-1] in ("prices_cny_per_kwh", "fuel_prices_cny_per_kwh", "window_wall_ratio"))]
    path, m = rng.choice(maps)
    m["zz_unknown_field"] = 1
    return Case(f"unknown key under {'.'.join(map(str, path))}", data=d, must_reject=True)


def op_out_of_range(rng, d, text):
    path, _ = rng.choice(_numbers(d))
    new = rng.choice([-1e9, 1e12, -1])
    _set(d, path, new)
    weight = any(w in path for w in WEIGHT_LISTS)
    reject = new != -1 and not (weight and new > 0)
    return Case(f"out_of_range {'.'.join(map(str, path))}={new}", data=d, must_reject=reject)


def op_non_finite(rng, d, text):
    path, _ = rng.choice(_numbers(d))
    new = rng.choice([float("inf"), float("-inf"), float("nan"), "inf", "NaN"])
    _set(d, path, new)
    return Case(f"non_finite {'.'.join(map(str, path))}={new}", data=d, must_reject=True)


def op_tiny(rng, d, text):
    path, _ = rng.choice(_numbers(d))
    _set(d, path, 1e-300)
    return Case(f"tiny {'.'.join(map(str, path))}", data=d, must_reject=True)


def op_list_enum(rng, d, text):
    path, v = rng.choice(_strings(d))
    _set(d, path, [v])
    return Case(f"list_valued {'.'.join(map(str, path))}", data=d, must_reject=True)


def op_bad_enum(rng, d, text):
    enums = [(p, v) for p, v in _strings(d) if p[-1] in ("type", "mounting", "fuel", "kind", "mode", "shape", "level",
                                                          "profile", "solver_method")]
    path, _ = rng.choice(enums)
    _set(d, path, "zz_not_a_choice")
    return Case(f"bad_enum {'.'.join(map(str, path))}", data=d, must_reject=True)


def op_duplicate_name(rng, d, text):
    lists = [k for k in ASSET_LISTS if d.get(k)]
    key = rng.choice(lists)
    item = copy.deepcopy(rng.choice(d[key]))
    if rng.random() < 0.5 and isinstance(item.get("name"), str):
        item["name"] = item["name"].upper() + " "  # same name up to case and spaces
    d[key].append(item)
    return Case(f"duplicate name in {key}", data=d, must_reject=True)


def op_min_above_max(rng, d, text):
    choices = []
    for key, lo, hi, base in (("pv_arrays", "min_kwp", "max_kwp", 100), ("heat_pumps", "min_kw", "max_kw", 100),
                              ("boilers", "min_kw", "max_kw", 100)):
        for i, _ in enumerate(d.get(key) or []):
            choices.append(((key, i), lo, hi, base))
    if d.get("battery"):
        choices.append((("battery",), "min_kwh", "max_kwh", 100))
        choices.append((("battery",), "soc_min", "soc_max", 0.5))
    path, lo, hi, base = rng.choice(choices)
    m = d
    for k in path:
        m = m[k]
    m[lo], m[hi] = base * 0.9, base * 0.5
    return Case(f"min_above_max {'.'.join(map(str, path))}.{lo}", data=d, must_reject=True)


def op_duplicate_key(rng, d, text):
    key = rng.choice(["park", "site", "grid", "objective"])
    extra = yaml.safe_dump({key: d.get(key, {"kind": "min_cost"})}, allow_unicode=True)
    return Case(f"duplicate key {key}", text=text + "\n" + extra, must_reject=True)


def op_broken_yaml(rng, d, text):
    i = rng.randrange(1, len(text))
    junk = rng.choice(["", ":", "[", "{", "\t", "- ", "  x: [1, 2", "\x00", "'", '"', "&a", "*b", "!!"])
    return Case(f"broken_yaml at {i} {junk!r}", text=text[:i] + junk + text[i + rng.randrange(0, 3):])


def op_unsafe_tag(rng, d, text):
    tag = rng.choice(["!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system",
                      "!!python/object/new:subprocess.Popen [['true']]"])
    return Case("unsafe_tag", text=text.replace("park:", f"hack: {tag}\npark:", 1), must_reject=True)


def op_alias_bomb(rng, d, text):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return Case("alias_bomb", text="\n".join(lines) + "\n" + text, must_reject=True)


def op_deep_nesting(rng, d, text):
    depth = rng.choice([200, 3000])
    return Case(f"deep_nesting {depth}", text="x: " + "[" * depth + "]" * depth + "\n" + text, must_reject=True)


def op_not_mapping(rng, d, text):
    t = rng.choice(["- a\n- b\n", "42\n", "'just text'\n", "", "# only a comment\n", "1: x\npark: {}\n"])
    return Case(f"not_mapping {t!r}", text=t, must_reject=True)


def op_extends(rng, d, text):
    kind = rng.choice(["folder", "self", "missing", "number", "list", "deep", "cycle", "ok"])
    c = Case(f"extends {kind}", must_reject=kind != "ok")
    if kind == "folder":
        c.text = "extends: sub\nobjective: {kind: min_cost}\n"
        c.files["sub"] = lambda p: p.mkdir()
    elif kind == "self":
        c.text = "extends: scenario.yaml\n"
    elif kind == "missing":
        c.text = "extends: nowhere.yaml\n"
    elif kind == "number":
        c.text = "extends: 42\n"
    elif kind == "list":
        c.text = "extends: [a.yaml, b.yaml]\n"
    elif kind == "deep":
        n = 40
        c.text = "extends: chain0.yaml\n"
        for i in range(n):
            c.files[f"chain{i}.yaml"] = f"extends: chain{i + 1}.yaml\n"
        c.files[f"chain{n}.yaml"] = text
    elif kind == "cycle":
        c.text = "extends: b.yaml\n"
        c.files["b.yaml"] = "extends: scenario.yaml\n"
    else:
        c.text = "extends: base.yaml\nobjective: {kind: min_cost}\n"
        c.files["base.yaml"] = text
    return c


def op_schedules(rng, d, text):
    fleets = d.get("ev_fleets") or []
    i = rng.randrange(len(fleets))
    new = rng.choice([[1, 2], "weekday", 5, {"workday": 5}, {"weekday": {"share_present": 0.5}},
                      {"workday": {"arrival_hour_shares": [1, 2, 3]}}, {"workday": [1]}])
    fleets[i]["schedules"] = new
    return Case(f"schedules {new!r}", data=d, must_reject=True)


def op_csv(rng, d, text):
    name, writer, reject = rng.choice(CSV_VARIANTS)
    where = rng.choice(["process", "ef", "waste_heat"])
    if where == "process":
        d.setdefault("process_loads", []).append({"name": "measured line", "profile_csv": "data.csv"})
    elif where == "ef":
        d["grid"].setdefault("emission_factor", {})
        d["grid"]["emission_factor"] = {"hourly_csv": "data.csv"}
        if name in ("ok", "semicolon_decimal_comma", "leap_year", "leap_year_no_time", "quarter_hours_96"):
            writer = _scaled(writer)  # emission factors are a few tenths of a kg per kWh
    else:
        d.setdefault("waste_heat", []).append({"name": "measured heat", "kind": "process_cooling_water",
                                              "profile": "csv", "csv_path": "data.csv", "temperature_c": 35})
    c = Case(f"csv {where} {name}", data=d, must_reject=reject)
    c.files["data.csv"] = writer
    return c


def _scaled(writer):
    def w(p):
        writer(p)
        txt = p.read_text(encoding="utf-8")
        p.write_text(txt.replace(",50.0", ",0.5").replace("12,5", "0,6").replace("50.0\n", "0.5\n")
                     .replace(",1\n", ",0.1\n").replace(",2\n", ",0.2\n").replace(",3\n", ",0.3\n")
                     .replace(",4\n", ",0.4\n").replace(",5\n", ",0.5\n"), encoding="utf-8")
    return w


def op_weather(rng, d, text):
    name, writer, reject = rng.choice(WEATHER_VARIANTS)
    fname = "site.epw.gz" if "gzip" in name else "site.epw"
    d["site"]["weather_file"] = fname
    c = Case(f"weather {name}", data=d, must_reject=reject)
    c.files[fname] = writer
    return c


def op_numeric_string(rng, d, text):
    path, v = rng.choice(_numbers(d))
    _set(d, path, str(v))
    return Case(f"numeric_string {'.'.join(map(str, path))}", data=d)


def op_null_leaf(rng, d, text):
    path, _ = rng.choice(list(_leaves(d)))
    _set(d, path, None)
    return Case(f"null {'.'.join(map(str, path))}", data=d)


def op_huge_text(rng, d, text):
    return Case("huge_file", text=text + "\n#" + "x" * 1_200_000 + "\n", must_reject=True)


OPS = [op_wrong_type, op_missing_required, op_drop_any, op_unknown_key, op_out_of_range, op_non_finite, op_tiny,
       op_list_enum, op_bad_enum, op_duplicate_name, op_min_above_max, op_duplicate_key, op_broken_yaml,
       op_unsafe_tag, op_alias_bomb, op_deep_nesting, op_not_mapping, op_extends, op_schedules, op_csv, op_csv,
       op_weather, op_numeric_string, op_null_leaf, op_huge_text]


@contextmanager
def _time_limit(seconds: int, what: str):
    def handler(signum, frame):
        raise TimeoutError(f"{what}: no answer within {seconds} s (hang)")

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _write_case(case: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        p = folder / name
        if isinstance(content, str):
            p.write_text(content, encoding="utf-8")
        else:
            content(p)
    path = folder / "scenario.yaml"
    path.write_text(case.scenario_text(), encoding="utf-8")
    return path


def check_case(seed: int, tmp: Path) -> tuple[Case, int]:
    """Validate case ``seed``; assert no traceback, no hang, wrong input rejected. Returns the exit code."""
    case = make_case(seed)
    path = _write_case(case, tmp / f"case{seed}")
    with _time_limit(CASE_TIMEOUT_S, f"seed {seed} ({case.kind})"):
        r = CliRunner().invoke(main, ["validate", str(path)])
    where = f"seed {seed} ({case.kind}):\n{r.output}"
    assert r.exception is None or isinstance(r.exception, SystemExit), f"{where}\n{r.exc_info}"
    assert "Traceback" not in r.output and "internal error" not in r.output, where
    assert r.exit_code in (0, 1), where
    if case.must_reject:
        assert r.exit_code == 1, f"wrongly accepted: {where}"
    if r.exit_code == 1:
        problems = [ln for ln in r.output.splitlines() if ln.startswith("  - ")]
        assert problems, where
        # every problem names a file of the case (the scenario, a base, or a data file)
        assert all(str(tmp / f"case{seed}") in ln or ln[4:].startswith(("scenario.yaml", str(path)))
                   for ln in problems), where
    return case, r.exit_code


def test_case_generator_is_seeded():
    a, b = make_case(17), make_case(17)
    assert a.kind == b.kind and a.scenario_text() == b.scenario_text()
    kinds = {make_case(s).kind.split()[0] for s in range(N_DEFAULT)}
    assert len(kinds) >= 20  # the default sample covers (nearly) every kind of mutation


@pytest.mark.parametrize("block", range(6))
def test_fuzz_validate(block, tmp_path):
    per = N_DEFAULT // 6
    codes = [check_case(seed, tmp_path)[1] for seed in range(block * per, (block + 1) * per)]
    assert 1 in codes  # the sample holds wrong input


@pytest.mark.slow
@pytest.mark.parametrize("block", range(10))
def test_fuzz_validate_full(block, tmp_path):
    per = N_SLOW // 10
    for seed in range(N_DEFAULT + block * per, N_DEFAULT + (block + 1) * per):
        check_case(seed, tmp_path)


@pytest.mark.slow
def test_fuzz_accepted_cases_run(tmp_path):
    """A sample of accepted mutations runs for 24 h without traceback and is not rejected by the run."""
    accepted = []
    seed = 10_000
    while len(accepted) < 8 and seed < 11_000:
        case, code = check_case(seed, tmp_path)
        if code == 0:
            accepted.append((seed, case))
        seed += 1
    for s, case in accepted:
        path = tmp_path / f"case{s}" / "scenario.yaml"
        r = CliRunner().invoke(main, ["run", str(path), "-o", str(tmp_path / f"out{s}"), "--hours", "24", "-q",
                                      "--objective", "min_cost"])
        where = f"seed {s} ({case.kind}):\n{r.output}"
        assert r.exception is None or isinstance(r.exception, SystemExit), f"{where}\n{r.exc_info}"
        assert r.exit_code == 0 or "infeasible" in r.output, where


# --------------------------------------------------------------------------- bad input audit
# Inputs a careless new user gives beyond the scenario's fields: where outputs go, the
# options of each command, sweep, pathway and weather files (one test per defect found).


def _cli(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exc_info
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    return r


def test_single_file_output_keeps_links_and_pipes(tmp_path):
    """`-o` on a symbolic link wrote a regular file in place of the link; on a named pipe
    or a device (/dev/stdout, /dev/null as root) it replaced the pipe or device itself."""
    import os
    import threading

    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    r = _cli("schema", "-o", link)
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and '"title": "Scenario"' in real.read_text(encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = _cli("schema", "-o", fifo)
    reader.join(30)
    assert r.exit_code == 0, r.output
    assert fifo.is_fifo() and b'"title": "Scenario"' in got[0]
    r = _cli("schema", "-o", tmp_path / "real.json" / "x.json")
    assert r.exit_code == 1 and "a part of the path is a file, not a folder" in r.output


def test_failed_pathway_keeps_an_earlier_complete_pathway(tmp_path):
    """A pathway stopping at a period wrote its finished periods over a complete pathway
    written before into the same folder: the earlier outputs are kept, the finished periods
    go to <folder>-incomplete."""
    import json

    tiny = ROOT / "tests" / "data" / "tiny_park.yaml"
    ok = tmp_path / "ok.yaml"
    ok.write_text(f"extends: {tiny}\npathway: {{periods: [2026, 2030], representative_days: null}}\n",
                  encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {tiny}\npathway: {{periods: [2026, 2030], representative_days: null, "
                   "period_overrides: {2030: {grid.import_limit_kw: 1}}}\n", encoding="utf-8")
    out = tmp_path / "pw"
    r = _cli("pathway", ok, "-o", out, "--hours", "24", "-q", "--lang", "en")
    assert r.exit_code == 0, r.output
    before = (out / "summary.json").read_bytes()
    r = _cli("pathway", bad, "-o", out, "--hours", "24", "-q", "--lang", "en")
    assert r.exit_code == 1 and "the pathway stops at period 2030" in r.output
    assert (out / "summary.json").read_bytes() == before and (out / "periods" / "2030").is_dir()
    part = tmp_path / "pw-incomplete"
    assert f"written to {part}" in r.output and f"{out} keeps its previous outputs" in r.output
    assert json.loads((part / "summary.json").read_text(encoding="utf-8"))["pathway"]["complete"] is False


@pytest.fixture(scope="module")
def hz_epw(tmp_path_factory):
    """The tool's own typical year of Hangzhou as EPW lines (header, data rows)."""
    path = tmp_path_factory.mktemp("hz") / "hz.epw"
    r = CliRunner().invoke(main, ["weather", "--city", "Hangzhou", "-o", str(path)])
    assert r.exit_code == 0, r.output
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[:8], lines[8:]


def _epw(path: Path, head, rows, edit=None) -> Path:
    """Write an EPW; ``edit(fields, k)`` changes the fields of data row k in place."""
    out = []
    for k, row in enumerate(rows):
        f = row.split(",")
        if edit is not None:
            edit(f, k)
        out.append(",".join(f))
    path.write_text("\n".join(head + out) + "\n", encoding="utf-8")
    return path


def _with_weather_file(tmp_path, name: str) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text((ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8").replace(
        "site: {city: Hangzhou}", f"site: {{city: Hangzhou, weather_file: {name}}}"), encoding="utf-8")
    return p


def test_weather_file_radiation_in_another_unit_is_refused(tmp_path, hz_epw):
    """Irradiance in kW/m2 (or MJ/m2 per hour) was read as W/m2: a run sized PV on a
    thousandth of the sun with exit 0, and twin weather-check ended in a ZeroDivisionError."""
    def kw(f, k):
        for j in (13, 14, 15):
            f[j] = f"{float(f[j]) / 1000:.5f}"

    _epw(tmp_path / "kw.epw", *hz_epw, edit=kw)
    r = _cli("validate", _with_weather_file(tmp_path, "kw.epw"))
    assert r.exit_code == 1 and "site.weather_file" in r.output and "kw.epw" in r.output
    assert "annual GHI (global horizontal irradiance) 1.4 kWh/m2" in r.output and "multiply kW/m2 by 1000" in r.output
    r = _cli("weather-check", "-q", tmp_path / "kw.epw")
    assert r.exit_code == 1 and "not checked:" in r.output and "expected hourly mean irradiance in W/m2" in r.output


@pytest.mark.parametrize("written, message", [
    ("040", "'040' is read by YAML as the octal number 32 (a leading zero); write 40 without the zero"),
    ("25:00", "'25:00' is read by YAML as the base-60 number 1500"),
])
def test_numbers_yaml_reads_as_other_numbers_are_refused(tmp_path, written, message):
    """YAML 1.1 reads 040 as 32 and 25:00 as 1500: a limit or a price silently became another
    number, in a scenario, a sweep file and --set alike."""
    text = (ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8")
    p = tmp_path / "s.yaml"
    p.write_text(text.replace("demand_charge_cny_per_kw_month: 40", f"demand_charge_cny_per_kw_month: {written}"),
                 encoding="utf-8")
    r = _cli("validate", p)
    assert r.exit_code == 1 and f"s.yaml:11: grid.demand_charge_cny_per_kw_month: {message}" in r.output, r.output
    sweep = tmp_path / "sw.yaml"
    sweep.write_text(f"scenario: {ROOT / 'tests' / 'data' / 'tiny_park.yaml'}\ngrid:\n"
                     f"  grid.demand_charge_cny_per_kw_month: [30, {written}]\n", encoding="utf-8")
    r = _cli("validate", sweep)
    assert r.exit_code == 1 and "sw.yaml:3" in r.output and message in r.output, r.output
    r = _cli("run", ROOT / "tests" / "data" / "tiny_park.yaml", "--set", f"grid.import_limit_kw={written}",
             "-o", tmp_path / "o", "--hours", "24", "-q")
    assert r.exit_code == 1 and message in r.output and not (tmp_path / "o").exists()
    p.write_text(text.replace("demand_charge_cny_per_kw_month: 40", f"demand_charge_cny_per_kw_month: '{written}'"),
                 encoding="utf-8")  # quoted: text, which the number field then refuses by itself
    assert "read by YAML" not in _cli("validate", p).output


def test_compare_refuses_summaries_it_cannot_compare(tmp_path):
    """A summary.json with the two keys read_summary looked for but without the annual cost
    (an older version's, or edited) ended `twin compare` in a KeyError traceback."""
    import json

    good = tmp_path / "a"
    good.mkdir()
    old = tmp_path / "b"
    old.mkdir()
    s = {"schema_version": 1, "emissions_tco2": {"residual": 5.0, "net": 5.0}, "solver": {"objective": "min_cost"}}
    for d in (good, old):
        (d / "summary.json").write_text(json.dumps(s), encoding="utf-8")
    r = _cli("compare", good, old, "-o", tmp_path / "cmp")
    assert r.exit_code == 1 and "a park twin summary without annualised_cost_cny" in r.output
    assert "run the scenario again with this version" in r.output and not (tmp_path / "cmp").exists()
    (good / "summary.json").write_text(json.dumps({**s, "annualised_cost_cny": 1e6}), encoding="utf-8")
    (old / "summary.json").write_bytes(b"\xff\xfe{}")
    r = _cli("compare", good, old, "-o", tmp_path / "cmp")
    assert r.exit_code == 1 and "summary.json: not a UTF-8 text file" in r.output


def test_sweeps_too_large_or_overflowing_are_refused(tmp_path):
    """A lognormal with the median written as its mean ended validate in an OverflowError
    traceback; a grid of 10^7 points or a million samples hung validate and sweep for hours
    (every case was made and checked before anything was said)."""
    import time

    tiny = ROOT / "tests" / "data" / "tiny_park.yaml"
    p = tmp_path / "sw.yaml"
    p.write_text(f"scenario: {tiny}\nmonte_carlo:\n  samples: 3\n  fields:\n"
                 "    grid.import_limit_kw: {dist: lognormal, mean: 1000, sd: 0.1}\n", encoding="utf-8")
    r = _cli("validate", p)
    assert r.exit_code == 1 and "sw.yaml:5: monte_carlo.fields.grid.import_limit_kw:" in r.output
    assert "for a median of 1000 write mean: 6.908" in r.output
    values = "[" + ", ".join(str(1000 + i) for i in range(10)) + "]"
    p.write_text(f"scenario: {tiny}\ngrid:\n" + "".join(f"  {k}: {values}\n" for k in (
        "grid.import_limit_kw", "grid.demand_charge_cny_per_kw_month", "costs.pv.capex_cny_per_unit",
        "costs.battery_energy.capex_cny_per_unit", "costs.battery_power.capex_cny_per_unit",
        "park.planning_year", "site.weather_seed")), encoding="utf-8")
    t0 = time.perf_counter()
    r = _cli("validate", p)
    assert r.exit_code == 1 and "the sweep makes 10,000,000 cases" in r.output and "at most 100,000" in r.output
    r = _cli("sweep", p, "-o", tmp_path / "out", "-q")
    assert r.exit_code == 1 and "the sweep makes 10,000,000 cases" in r.output and not (tmp_path / "out").exists()
    assert time.perf_counter() - t0 < 20


def test_ctrl_c_in_any_command_exits_130(tmp_path, monkeypatch):
    """Ctrl-C in validate, weather, weather-check or schema ended with click's "Aborted!" and
    exit code 1 (run, compare, sweep and pathway said so with 130)."""
    from twin.scenario import loader

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "load_scenario", interrupted)
    r = _cli("validate", ROOT / "tests" / "data" / "tiny_park.yaml")
    assert r.exit_code == 130 and "twin validate: interrupted" in r.output and "Aborted" not in r.output
    import weather

    monkeypatch.setattr(weather, "site_weather", interrupted)
    r = _cli("weather", "--city", "Hangzhou", "-o", tmp_path / "w.csv")
    assert r.exit_code == 130 and "twin weather: interrupted" in r.output and not (tmp_path / "w.csv").exists()


def test_weather_check_leave_out_and_one_failing_file(tmp_path, hz_epw, monkeypatch):
    """--leave-out-km inf (or 4000) ended in an IndexError traceback, nan was taken without a
    word; an unexpected error in one file's check lost the check of every other file."""
    good = _epw(tmp_path / "good.epw", *hz_epw)
    for v in ("inf", "nan", "4000"):
        r = _cli("weather-check", "-q", good, "--leave-out-km", v)
        assert r.exit_code == 2 and "--leave-out-km" in r.output, r.output
    r = _cli("run", ROOT / "tests" / "data" / "tiny_park.yaml", "--time-limit", "nan", "-o", tmp_path / "o")
    assert r.exit_code == 2 and "nan is not a finite number" in r.output
    from weather import validation

    real = validation.check_weather_file

    def flaky(path, **kw):
        if Path(path).name == "bad.epw":
            raise ZeroDivisionError("float division by zero")
        return real(path, **kw)

    monkeypatch.setattr(validation, "check_weather_file", flaky)
    _epw(tmp_path / "bad.epw", *hz_epw)
    r = CliRunner().invoke(main, ["weather-check", "-q", str(tmp_path / "bad.epw"), str(good)])
    assert isinstance(r.exception, SystemExit) and r.exit_code == 1, r.exc_info
    assert "good.epw" in r.output and "not checked:" in r.output and "ZeroDivisionError" in r.output
    assert "this is a bug, please report it with the weather file" in r.output


def test_rubric_and_model_file_are_checked_before_the_solve(tmp_path):
    """--rubric was read only after the solve (a folder then said "cannot write ...: a folder
    is in the way") and not at all for a short run; --save-model m.txt wrote nothing, with exit
    code 0 and no word."""
    tiny = ROOT / "tests" / "data" / "tiny_park.yaml"
    out = tmp_path / "o"
    r = _cli("run", tiny, "--hours", "24", "-q", "-o", out, "--rubric", tmp_path)
    assert r.exit_code == 1 and "is a folder; expected a rubric YAML file" in r.output and not out.exists()
    r = _cli("run", tiny, "--hours", "24", "-q", "-o", out, "--rubric", tiny)
    assert r.exit_code == 1 and f"rubric file {tiny} is invalid" in r.output and not out.exists()
    r = _cli("run", tiny, "--hours", "24", "-q", "-o", out, "--save-model", tmp_path / "m.txt")
    assert r.exit_code == 1 and "expected a file name ending in .mps or .lp" in r.output and not out.exists()
    (tmp_path / "f").write_text("x", encoding="utf-8")
    r = _cli("run", tiny, "--hours", "24", "-q", "-o", out, "--save-model", tmp_path / "f" / "m.mps")
    assert r.exit_code == 1 and f"--save-model {tmp_path / 'f' / 'm.mps'}" in r.output and "probe" not in r.output


def test_epw_rows_and_codes_are_named_by_line(tmp_path, hz_epw):
    """29 February in a year that is not a leap year and hour 0 gave pandas' words ("day is
    out of range for month ... You might want to try:"); a file without its header lines was
    "expected 8760 hourly rows, found 8753"; -999 codes were "values outside [-70, 65]";
    row order printed numpy reprs (np.int64(12))."""
    import weather as wx

    head, rows = hz_epw
    feb28 = [k for k, row in enumerate(rows) if row.split(",")[1:3] == ["2", "28"]]
    leap = rows[:feb28[-1] + 1] + [row.replace(",2,28,", ",2,29,", 1) for row in rows[feb28[0]:feb28[-1] + 1]]
    cases = {
        "leap.epw": (head, leap + rows[feb28[-1] + 1:], None,
                     f"line {feb28[-1] + 10} is 29 February 2026, which is not a leap year"),
        "hour0.epw": (head, rows, lambda f, k: f.__setitem__(3, str(int(f[3]) - 1)),
                      "line 9, field 4 (hour) is 0; expected 1..24"),
        "nohead.epw": (head[:1], rows, None, "expected the eighth and last header line 'DATA PERIODS,...'"),
        "codes.epw": (head, rows, lambda f, k: f.__setitem__(6, "-999") if k % 20 == 0 else None,
                      ("column 'temp_air' has 438 values outside [-70.0, 65.0] (expected degC; the first at data "
                       "row 1: -999); -999 looks like a missing-value code")),
        "reversed.epw": (head, rows[::-1], None, "month/day/hour (12, 31, 24), expected (1, 1, 1)"),
    }
    for name, (h, rs, edit, message) in cases.items():
        _epw(tmp_path / name, h, rs, edit)
        with pytest.raises(wx.WeatherError) as exc:
            wx.read_weather_file(tmp_path / name)
        assert name in str(exc.value) and message in str(exc.value), str(exc.value)


def test_sweep_file_without_or_with_a_wrong_scenario(tmp_path):
    """A sweep file without its `scenario:` line was validated as a scenario (park, site and
    grid.tariff "missing"); `scenario: 5` said "expected Input is not a valid path for <class
    'pathlib.Path'>"; a folder was "file not found"."""
    p = tmp_path / "sw.yaml"
    for first, message in (("", "sw.yaml: scenario: required field is missing"),
                           ("scenario: 5\n", "scenario: expected the path of a scenario file (text) (got 5)"),
                           ("scenario: .\n", "scenario: is a folder; expected a scenario YAML file")):
        p.write_text(first + "hours: 24\ngrid:\n  grid.import_limit_kw: [1500, 2000]\n", encoding="utf-8")
        r = _cli("validate", p)
        assert r.exit_code == 1 and "sweep not valid, 1 problem(s)" in r.output and message in r.output, r.output


def test_pathway_representative_days_outside_what_a_period_takes(tmp_path):
    """`twin pathway --representative-days 1` ended in a traceback of the run configuration
    (the option took 0-365, a period's run 2-365, the pathway section 4-120)."""
    tiny = ROOT / "tests" / "data" / "tiny_park.yaml"
    p = tmp_path / "pw.yaml"
    p.write_text(f"extends: {tiny}\npathway: {{periods: [2026, 2030]}}\n", encoding="utf-8")
    for days in ("1", "3", "200"):
        r = _cli("pathway", p, "-q", "--representative-days", days, "-o", tmp_path / "o")
        assert r.exit_code == 2 and "--representative-days" in r.output and not (tmp_path / "o").exists()


@pytest.mark.parametrize("head, value, unit", [("p_mw", "0.05", "mw"), ("负荷(MW)", "0.05", "MW"),
                                               ("Power [W]", "50000", "W")])
def test_series_column_named_in_another_power_unit(tmp_path, head, value, unit):
    """A measured load whose one value column says MW (or W) in its name was read as kW: 1000
    times off without a word."""
    t = _times(8760)
    (tmp_path / "data.csv").write_text(f"time,{head}\n" + "".join(f"{x:%Y-%m-%d %H:%M},{value}\n" for x in t),
                                       encoding="utf-8")
    p = tmp_path / "s.yaml"
    p.write_text((ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8").replace(
        "process_loads:\n", "process_loads:\n  - {name: m, profile_csv: data.csv}\n"), encoding="utf-8")
    r = _cli("validate", p)
    assert r.exit_code == 1 and "process_loads.0.profile_csv" in r.output, r.output
    assert f"column '{head}' states its values in {unit} (by its name); expected load of 'm' [kW]" in r.output


def test_sweep_file_and_scenario_given_to_the_other_command(tmp_path):
    """`twin run SWEEP.yaml` listed the scenario's missing park, site and tariff and an unknown
    grid.grid.*; `twin sweep SCENARIO.yaml` a dozen unknown sweep fields: neither said which
    command the file is for."""
    tiny = ROOT / "tests" / "data" / "tiny_park.yaml"
    sweep = tmp_path / "sw.yaml"
    sweep.write_text(f"scenario: {tiny}\nhours: 24\ngrid:\n  grid.import_limit_kw: [1500, 2000]\n", encoding="utf-8")
    for cmd in ("run", "pathway", "compare"):
        r = _cli(cmd, sweep, "-o", tmp_path / "o", "-q")
        assert r.exit_code == 1 and "is a sweep file" in r.output and f"twin sweep {sweep}" in r.output, r.output
    r = _cli("sweep", tiny, "-o", tmp_path / "o", "-q")
    assert r.exit_code == 1 and "is a scenario, not a sweep file" in r.output and f"twin run {tiny}" in r.output
    assert not (tmp_path / "o").exists()


def test_yaml_booleans_in_number_fields_are_refused(tmp_path):
    """`demand_charge_cny_per_kw_month: yes` validated as 1 CNY/kW/month (pydantic reads a
    boolean as 1 or 0 where a number is expected): a price or limit silently became 1 or 0."""
    text = (ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8")
    p = tmp_path / "s.yaml"
    p.write_text(text.replace("demand_charge_cny_per_kw_month: 40", "demand_charge_cny_per_kw_month: yes"),
                 encoding="utf-8")
    r = _cli("validate", p)
    assert r.exit_code == 1 and "s.yaml:11: grid.demand_charge_cny_per_kw_month: expected a number" in r.output
    assert "which would count as 1" in r.output
    r = _cli("run", ROOT / "tests" / "data" / "tiny_park.yaml", "--set", "grid.import_limit_kw=on", "-o",
             tmp_path / "o", "--hours", "24", "-q")
    assert r.exit_code == 1 and "grid.import_limit_kw: expected a number" in r.output and not (tmp_path / "o").exists()


def test_gbk_scenario_is_named_as_gbk(tmp_path):
    """A scenario with Chinese saved as GBK (older Windows editors) was "not a UTF-8 text file",
    without saying which encoding it is or how to save it right."""
    p = tmp_path / "gbk.yaml"
    text = (ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8")
    p.write_bytes(text.replace("tiny test park", "测试园区").encode("gbk"))
    r = _cli("validate", p)
    assert r.exit_code == 1 and "gbk.yaml:2: not a UTF-8 text file: it reads as GBK/GB18030" in r.output
    assert "测试园区" in r.output and "save it as UTF-8" in r.output


@pytest.mark.parametrize("written, hint", [
    ('"1.5%"', "percent signs are not read: write the number alone, for a share or rate as a fraction (0.015 for 1.5%)"),
    ("１.５", "it is written in full-width digits: write 1.5 in ordinary (ASCII) digits"),
    ('"1,500"', "write 1500 without the thousands separator"),
    ("0.015 per year", "write the number alone (0.015), in the unit the field's name states"),
])
def test_numbers_written_as_text_say_what_to_write(tmp_path, written, hint):
    """'50%', full-width digits, '1,500' and a number with its unit were refused with pydantic's
    "unable to parse string as a number" alone."""
    text = (ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8")
    p = tmp_path / "s.yaml"
    p.write_text(text.replace("om_fraction_per_year: 0.015", f"om_fraction_per_year: {written}"), encoding="utf-8")
    r = _cli("validate", p)
    assert r.exit_code == 1 and "costs.pv.om_fraction_per_year:" in r.output and hint in r.output, r.output


def test_wrong_row_counts_of_epw_say_where(tmp_path, hz_epw):
    """A half-hourly, truncated or doubled EPW said only "expected 8760 hourly rows, found N"."""
    import weather as wx

    head, rows = hz_epw
    half = [r for row in rows for r in (row, row.replace(",0,?9", ",30,?9", 1))]
    cases = {"half.epw": (half, "found 17520: 2 rows per hour (30-minute steps); average them to hourly means"),
             "cut.epw": (rows[:5000], "found 5000: the rows stop at month/day/hour (7, 28, 8) (a truncated file?)"),
             "twice.epw": (rows + rows, "after 31 December hour 24 the rows go on from data row 8761")}
    for name, (rs, message) in cases.items():
        _epw(tmp_path / name, head, rs)
        with pytest.raises(wx.WeatherError) as exc:
            wx.read_weather_file(tmp_path / name)
        assert message in str(exc.value), str(exc.value)
