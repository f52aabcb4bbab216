"""Bad input gets a clear error, and outputs are published as one unit (issue 10)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import annotated_types as at
import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

from twin.cli import main
from twin.hourly_csv import SeriesError, read_hourly_csv
from twin.io import OutputError, clean_stale, publish_run
from twin.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_park.yaml"
TINY_TEXT = TINY.read_text(encoding="utf-8")


def _validate(*paths):
    r = CliRunner().invoke(main, ["validate", *map(str, paths)])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exc_info
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    return r


def _scenario(tmp_path, extra: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(TINY_TEXT + extra, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- hourly CSV series


def _times(n, freq="h", start="2025-01-01"):
    return pd.date_range(start, periods=n, freq=freq)


def test_series_conversions_are_stated(tmp_path):
    f = tmp_path / "q.csv"
    t = _times(35040, "15min")
    pd.DataFrame({"time": t, "p_kw": np.tile([1.0, 2.0, 3.0, 6.0], 8760)}).to_csv(f, index=False)
    notes = []
    v = read_hourly_csv(f, notes=notes)
    assert v.shape == (8760,) and np.allclose(v, 3.0)  # hourly mean of the four quarter hours [kW]
    assert any("averaged to 8760 hourly means" in n for n in notes)
    leap = tmp_path / "leap.csv"
    tl = _times(8784, start="2024-01-01")
    pd.DataFrame({"time": tl, "p_kw": np.where(tl.month == 2, np.where(tl.day == 29, 99.0, 2.0), 1.0)}).to_csv(
        leap, index=False)
    notes = []
    v = read_hourly_csv(leap, notes=notes)
    assert len(v) == 8760 and 99.0 not in v and (v == 2.0).sum() == 28 * 24
    assert any("29 February dropped" in n for n in notes)
    semi = tmp_path / "semi.csv"
    semi.write_text("time;p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M};1234,5\n" for x in _times(8760)), encoding="utf-8")
    assert np.allclose(read_hourly_csv(semi), 1234.5)  # decimal comma, not a constant 5 kW
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(("时间,负荷\n" + "".join(f"{x:%Y-%m-%d %H:%M},7\n" for x in _times(8760))).encode("gbk"))
    assert np.allclose(read_hourly_csv(gbk), 7.0)


@pytest.mark.parametrize("content, message", [
    ("p_kw\n" + "5\n" * 8759 + "inf\n", r"line 8761 \(data row 8760\): inf is not a finite number"),
    ("p_kw\n" + "0\n" * 8760, "zero in every row"),
    ("p_kw\n" + "5\n" * 10 + "abc\n" + "5\n" * 8749, r"line 12 \(data row 11\): 'abc' is not a finite number"),
    # pandas reads these as missing: the message quotes them as written, not as an empty cell
    ("p_kw\n" + "5\n" * 498 + "n/a\n" + "5\n" * 8261, r"line 500 \(data row 499\): 'n/a' is not a finite number"),
    ("time,p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M},{'NA' if i == 7 else 5}\n" for i, x in enumerate(_times(8760))),
     r"line 9 \(data row 8\): 'NA' is not a finite number"),
    ("p_kw\n" + "5\n" * 20 + "\"\"\n" + "5\n" * 8739, r"line 22 \(data row 21\): empty is not a finite number"),
    ("time;p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M};{'-2,5' if i == 3 else '1,5'}\n" for i, x in enumerate(_times(8760))),
     r"line 5 \(data row 4\): -2.5 is not a finite number"),
    # the line an editor shows counts the header, comment and blank lines the reader skips
    ("# meter export, kW\np_kw\n\n# January\n" + "5\n" * 2 + "x\n" + "5\n" * 8757,
     r"line 7 \(data row 3\): 'x' is not a finite number"),
    ("p_kw\n" + "5\n" * 100, "found 100"),
    ("", "the file is empty"),
    ("time,p_kw\n" + "".join(f"{x.tz_localize('UTC').isoformat()},5\n" for x in _times(8760)),
     r"is in UTC\+00:00; expected local time of Asia/Shanghai"),
    ("time,p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M},5\n" for x in _times(8760)[::-1]), "not in increasing order"),
    ("time,p_kw\n" + "".join(f"{x:%Y-%m-%d %H:%M},5\n" for x in _times(8760, start="2025-07-01")),
     "expected a year starting on 1 January"),
])
def test_series_errors_name_file_row_and_expectation(tmp_path, content, message):
    f = tmp_path / "load.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(SeriesError, match=message) as exc:
        read_hourly_csv(f)
    assert str(f) in str(exc.value)


@pytest.mark.parametrize("where", ["process", "ef", "waste_heat"])
def test_validate_reads_every_series_file(tmp_path, where):
    (tmp_path / "d.csv").write_text("p_kw\n" + "5\n" * 8783 + "inf\n", encoding="utf-8")
    extra = {
        "process": "  - {name: measured, profile_csv: d.csv}\n",
        "ef": "",
        "waste_heat": "waste_heat:\n  - {name: wh, kind: process_cooling_water, profile: csv, csv_path: d.csv, "
                      "temperature_c: 35}\n",
    }[where]
    text = TINY_TEXT
    if where == "process":
        text = text.replace("process_loads:\n", "process_loads:\n" + extra)
    elif where == "ef":
        text = text.replace("emission_factor: {level: national, year: 2023}", "emission_factor: {hourly_csv: d.csv}")
    else:
        text += extra
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "d.csv" in r.output and "not a finite number" in r.output
    line = next(ln for ln in r.output.splitlines() if "d.csv" in ln)
    assert str(p) in line  # the scenario file (and its line) and the data file are both named


def test_validate_notes_conversions(tmp_path):
    pd.DataFrame({"p_kw": np.full(8784, 10.0)}).to_csv(tmp_path / "leap.csv", index=False)
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("process_loads:\n", "process_loads:\n  - {name: m, profile_csv: leap.csv}\n"),
                 encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 0 and "60th day (29 February) dropped" in r.output


# --------------------------------------------------------------------------- the YAML and the loader


def test_duplicate_keys_name_both_lines(tmp_path):
    p = tmp_path / "dup.yaml"
    p.write_text(TINY_TEXT.replace("park: {", "grid: {import_limit_kw: 5}\npark: {", 1), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1
    assert "dup.yaml:10: grid: duplicate key 'grid' (first at line 2, again at line 10)" in r.output
    nested = tmp_path / "nested.yaml"
    nested.write_text(TINY_TEXT.replace("  demand_charge_cny_per_kw_month: 40\n",
                                        "  demand_charge_cny_per_kw_month: 40\n  demand_charge_cny_per_kw_month: 4\n"),
                      encoding="utf-8")
    r = _validate(nested)
    assert r.exit_code == 1 and "grid.demand_charge_cny_per_kw_month: duplicate key" in r.output
    assert "first at line 11, again at line 12" in r.output and "nested.yaml:12" in r.output


def test_alias_bomb_and_deep_nesting_are_refused_quickly(tmp_path):
    bomb = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 20)]
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(bomb) + "\n" + TINY_TEXT, encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "expands to more than" in r.output
    deep = tmp_path / "deep.yaml"
    deep.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    r = _validate(deep)
    assert r.exit_code == 1 and "deep.yaml:1" in r.output and "nested deeper than" in r.output
    rec = tmp_path / "rec.yaml"
    rec.write_text("x: &a [1, *a]\n" + TINY_TEXT, encoding="utf-8")
    r = _validate(rec)
    assert r.exit_code == 1 and "rec.yaml" in r.output


def test_extends_folder_self_cycle_and_deep_chain(tmp_path):
    (tmp_path / "sub").mkdir()
    cases = {
        "folder.yaml": ("extends: sub\n", "is a folder; expected a base scenario YAML file"),
        "self.yaml": ("extends: self.yaml\n", "circular 'extends' chain: self.yaml -> self.yaml"),
        "a.yaml": ("extends: b.yaml\n", "circular 'extends' chain: a.yaml -> b.yaml -> a.yaml"),
        "num.yaml": ("extends: 42\n", "expected the path of one base scenario file"),
    }
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    for name, (text, msg) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = _validate(tmp_path / name)
        assert r.exit_code == 1 and msg in r.output, (name, r.output)
    for i in range(1500):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n", encoding="utf-8")
    (tmp_path / "c1500.yaml").write_text(TINY_TEXT, encoding="utf-8")
    r = _validate(tmp_path / "c0.yaml")
    assert r.exit_code == 1 and "'extends' chain longer than 16 files" in r.output


def test_folder_and_unreadable_files_given_to_validate(tmp_path):
    r = _validate(tmp_path)
    assert r.exit_code == 1 and "is a folder; expected a scenario YAML file" in r.output
    r = _validate(tmp_path / "nope.yaml")
    assert r.exit_code == 1 and "file not found" in r.output
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"park: \xff\xfe\n")
    r = _validate(binary)
    assert r.exit_code == 1 and "bin.yaml:1" in r.output and "not a UTF-8 text file" in r.output


def test_corrupt_gzip_weather_file(tmp_path):
    (tmp_path / "w.epw.gz").write_bytes(b"\x1f\x8b\x08\x00this is not deflate data")
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", "site: {city: Hangzhou, weather_file: w.epw.gz}"),
                 encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "site.weather_file" in r.output and "broken gzip data" in r.output


@pytest.mark.parametrize("extra, path, message", [
    (("ev_fleets:\n  - {name: vans, kind: logistics_van, vehicles: 10}\n  - {name: Vans , kind: logistics_van, "
      "vehicles: 5}\n"), "ev_fleets.1.name", "duplicate name (also ev_fleets.0)"),
    ("boilers:\n  - {name: b, fuel: natural_gas, existing_kw: 100}\n  - {name: b, fuel: electric}\n",
     "boilers.1.name", "duplicate name"),
    ("heat_pumps:\n  - {name: hp, source: air}\n  - {name: hp, source: air}\n", "heat_pumps.1.name",
     "duplicate name"),
    (("buildings:\n  - {name: o, type: office, floor_area_m2: 1000}\n  - {name: o, type: office, "
      "floor_area_m2: 500}\n"), "buildings.1.name", "duplicate name"),
    ("boilers:\n  - {name: b, fuel: [natural_gas]}\n", "boilers.0.fuel", "Input should be"),
    ("ev_fleets:\n  - {name: v, kind: logistics_van, vehicles: 10, schedules: [1, 2]}\n",
     "ev_fleets.0.schedules", "valid dictionary"),
    ("ev_fleets:\n  - {name: v, kind: logistics_van, vehicles: 10, schedules: {workday: 5}}\n",
     "ev_fleets.0.schedules.workday", "valid dictionary"),
    ("ev_fleets:\n  - {name: v, kind: logistics_van, vehicles: 10, schedules: {weekday: {share_present: 1}}}\n",
     "ev_fleets.0.schedules.weekday", "unknown field"),
    ("ev_fleets:\n  - {name: v, kind: logistics_van, vehicles: 10, charger_kw: 1.0e-300}\n",
     "ev_fleets.0.charger_kw", "greater than or equal to 1"),
    ("thermal_storage: {min_kwh: 500, max_kwh: 100}\n", "thermal_storage.max_kwh", "must not be below min_kwh"),
    ("heat_supply_temperature_c: .inf\n", "heat_supply_temperature_c", "less than or equal to 200"),
    ("chillers:\n  - {name: c, chilled_water_c: -300}\n", "chillers.0.chilled_water_c", "greater than or equal"),
    # the cooling's humidity limit as a share where the field wants per cent
    ("buildings:\n  - {name: o, type: office, floor_area_m2: 5000, setpoints: {cooling_rh_max_pct: 0.6}}\n",
     "buildings.0.setpoints.cooling_rh_max_pct", "is in per cent and looks like a share (0.6 = 60 %): give 60"),
    ("buildings:\n  - {name: o, type: office, floor_area_m2: 5000, setpoints: {cooling_rh_max_pct: 95}}\n",
     "buildings.0.setpoints.cooling_rh_max_pct", "less than or equal to 90"),
    # a misspelt 'air' with the air-source fields: the message says how the source was read
    ("heat_pumps:\n  - {name: hp, source: aire, air_source_class: low_ambient}\n", "heat_pumps.0",
     "source 'aire' is read as the name of a waste_heat source, whose heat pump keeps its full capacity: write "
     "'air', or remove them"),
    # a central plant's efficiency is its chillers' and boilers': the building's would be ignored
    ("buildings:\n  - {name: o, type: office, floor_area_m2: 5000, hvac: {type: chiller_boiler, cooling_cop: 6}}\n",
     "buildings.0.hvac", "cooling_cop is for decentral systems; with hvac type 'chiller_boiler' the park's central "
     "chillers cool the building at their own COP"),
    ("buildings:\n  - {name: o, type: office, floor_area_m2: 5000, hvac: {type: chiller_boiler, "
     "heating_efficiency: 0.6}}\n",
     "buildings.0.hvac", "give the boilers' efficiency in boilers[].efficiency (without declared plant a gas "
     "boiler of efficiency 0.92 is implied)"),
    ("buildings:\n  - {name: o, type: office, floor_area_m2: 5000, hvac: {type: chiller_district_heat, "
     "heating_efficiency: 0.9}}\n",
     "buildings.0.hvac", "district heat is bought as delivered (efficiency 1): remove it"),
    # a floor area in 万m2: an 18-storey office tower of 11 (万m2) would be 0.6 m2 a storey
    ("buildings:\n  - {name: towers, type: office, floor_area_m2: 11, storeys: 18}\n", "buildings.0",
     "is 0.611 m2 a storey, smaller than any room: it looks like 万m2 (11 万m2 = 110,000 m2)"),
])
def test_wrong_values_are_named(tmp_path, extra, path, message):
    p = _scenario(tmp_path, extra)
    r = _validate(p)
    assert r.exit_code == 1, r.output
    line = next((ln for ln in r.output.splitlines() if f" {path}:" in ln), None)
    assert line is not None and message in line and str(p) in line, r.output


@pytest.mark.parametrize("old, new, path, message", [
    # PV losses as a share where the field wants per cent: 0.14 % losses, about 16 % too much yield
    ("{name: roof, mounting: roof, area_m2: 4000}", "{name: roof, mounting: roof, area_m2: 4000, system_losses_pct: 0.14}",
     "pv_arrays.0", "system_losses_pct 0.14 is in per cent and looks like a share (0.14 = 14 %): give 14"),
    # a Chinese park type that is not one of the three: the message gives the Chinese names
    ("type: manufacturing", "type: 冷链物流", "park.type",
     ("park type '冷链物流' is not one of T/CSUS 66-2023's three: 生产制造 (manufacturing), 仓储物流 (logistics), "
      "商务办公 (office)")),
])
def test_a_users_unit_or_name_slip_is_named(tmp_path, old, new, path, message):
    p = tmp_path / "s.yaml"
    assert old in TINY_TEXT
    p.write_text(TINY_TEXT.replace(old, new), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1, r.output
    line = next((ln for ln in r.output.splitlines() if f" {path}:" in ln), None)
    assert line is not None and message in line, r.output
    # zero losses (a deliberate ideal case) and the Chinese names of the three types stay valid
    ok = tmp_path / "ok.yaml"
    ok.write_text(TINY_TEXT.replace("area_m2: 4000}", "area_m2: 4000, system_losses_pct: 0}")
                  .replace("type: manufacturing", "type: 仓储物流"), encoding="utf-8")
    assert _validate(ok).exit_code == 0


def test_list_valued_mounting_and_absurd_costs(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("mounting: roof", "mounting: [roof]")
                 .replace("lifetime_years: 25", "lifetime_years: 1.0e-300")
                 .replace("capex_cny_per_unit: 650", "capex_cny_per_unit: .inf"), encoding="utf-8")
    r = _validate(p)
    out = r.output
    assert r.exit_code == 1
    assert "s.yaml:7: pv_arrays.0.mounting" in out
    assert "costs.pv.lifetime_years" in out and "costs.battery_energy.capex_cny_per_unit" in out


def test_every_numeric_field_has_bounds():
    """Each number a planner can set has a lower and an upper bound in the schema (or a validator)."""
    from twin.scenario.schema import Scenario

    checked_by_validator = {"TOUTariff.prices_cny_per_kwh", "TariffSeason.prices_cny_per_kwh", "TariffSeason.months",
                            "BuildingSpec.window_wall_ratio", "DaySchedule.arrival_hour_shares", "WasteHeatSourceSpec.schedule_hours",
                            "TargetsSpec.core_indicator_max_tco2_per_tce"}

    def bounded(meta) -> bool:
        return (any(isinstance(x, (at.Ge, at.Gt)) for x in meta) and any(isinstance(x, (at.Le, at.Lt)) for x in meta))

    def unbounded(ann, meta=()) -> bool:
        """A number type without a lower and an upper bound (in the field or on the element type)."""
        if ann in (int, float):
            return not bounded(meta)
        origin, args = typing.get_origin(ann), typing.get_args(ann)
        if origin is typing.Annotated:
            extra = [x for m in ann.__metadata__ for x in getattr(m, "metadata", [m])]
            return unbounded(args[0], [*meta, *extra])
        if origin in (list, tuple, set, frozenset):
            return any(unbounded(a) for a in args if a is not Ellipsis)
        if origin is dict:
            return unbounded(args[1])
        if args:  # unions
            return any(unbounded(a, meta) for a in args)
        return False

    def models(ann):
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield ann
        for a in typing.get_args(ann):
            yield from models(a)

    seen, missing = set(), []

    def walk(m):
        if m in seen:
            return
        seen.add(m)
        for name, f in m.model_fields.items():
            for sub in models(f.annotation):
                walk(sub)
            key = f"{m.__name__}.{name}"
            if key not in checked_by_validator and unbounded(f.annotation, f.metadata):
                missing.append(key)

    walk(Scenario)
    assert not missing, f"numeric fields without bounds: {missing}"


def test_examples_still_validate_and_load():
    for p in sorted((ROOT / "scenarios").glob("*.yaml")):
        load_scenario(p)


# --------------------------------------------------------------------------- writing outputs


def _old_outputs(out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True)
    files = {"results.nc": b"old nc", "summary.json": b'{"old": 1}', "report.html": b"<p>old</p>"}
    for k, v in files.items():
        (out / k).write_bytes(v)
    return files


def _contents(out: Path) -> dict[str, bytes]:
    """The output folder's files (the run's manifest ``.twin-run`` aside)."""
    return {p.name: p.read_bytes() for p in out.iterdir() if p.name != ".twin-run"}


def _strays(out: Path) -> list[str]:
    near = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    inside = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".twin-run"] if out.exists() else []
    return near + inside


NEW = {"results.nc": b"new nc", "summary.json": b'{"new": 2}', "report.html": b"<p>new</p>"}


def test_publish_run_swaps_in_new_outputs_and_keeps_the_users_files(tmp_path):
    out = tmp_path / "run"
    _old_outputs(out)
    (out / "my notes.txt").write_text("mine")
    with publish_run(out) as folder:
        for k, v in NEW.items():
            (folder / k).write_bytes(v)
        assert not (out / "results.nc").read_bytes().startswith(b"new")  # nothing visible before the end
    assert _contents(out) == {**NEW, "my notes.txt": b"mine"}
    assert _strays(out) == []


def test_publish_run_drops_the_callers_own_names_of_a_folder_without_manifest(tmp_path):
    """`twin compare` names its outputs (``ours``): an earlier comparison's runs/ and tables are
    not carried into the new folder even when it was written before manifests; the user's stay.
    ``link_tree`` carries a finished run into the staging folder as hard links, the source intact."""
    from twin.io import link_tree

    out = tmp_path / "cmp"
    (out / "runs" / "old_variant").mkdir(parents=True)
    (out / "runs" / "old_variant" / "summary.json").write_text("{}")
    (out / "runs" / "kept").mkdir()
    (out / "runs" / "kept" / "results.nc").write_bytes(b"nc")
    (out / "sizes.csv").write_text("old")
    (out / "my notes.txt").write_text("mine")
    with publish_run(out, ours=("runs", "sizes.csv", "comparison.html")) as folder:
        link_tree(out / "runs" / "kept", folder / "runs" / "kept")
        assert (folder / "runs" / "kept" / "results.nc").stat().st_ino == (out / "runs" / "kept" / "results.nc").stat().st_ino
        (folder / "comparison.html").write_text("new")
    files = {str(f.relative_to(out)): f.read_bytes() for f in out.rglob("*") if f.is_file() and f.name != ".twin-run"}
    assert files == {"comparison.html": b"new", "my notes.txt": b"mine", "runs/kept/results.nc": b"nc"}
    assert _strays(out) == []


def test_publish_run_failure_leaves_old_outputs(tmp_path):
    out = tmp_path / "run"
    old = _old_outputs(out)
    with pytest.raises(OutputError, match="no space left on the device"), publish_run(out) as folder:
        (folder / "results.nc").write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert _contents(out) == old and _strays(out) == []
    with pytest.raises(RuntimeError), publish_run(out) as folder:
        (folder / "results.nc").write_bytes(b"partial")
        raise RuntimeError("report failed")
    assert _contents(out) == old and _strays(out) == []


def test_write_failures_are_clear_messages(tmp_path, monkeypatch):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="it is a file; expected a folder"), publish_run(a_file):
        pass
    with pytest.raises(OutputError, match="file.txt is a file, not a folder"), publish_run(a_file / "out"):
        pass
    import tempfile

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    with pytest.raises(OutputError, match="permission denied: choose a folder you can write to"), publish_run(tmp_path / "ro"):
        pass


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission denied"), publish_run(ro / "out"):
            pass
    finally:
        ro.chmod(0o700)


_KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import twin.io as tio
    out, point = Path(sys.argv[1]), sys.argv[2]
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    if point == "between_renames":  # the two-rename path of systems without an atomic exchange
        tio._exchange = lambda a, b: False
        real = os.rename
        calls = []
        def rename(a, b):
            real(a, b)
            calls.append(b)
            if len(calls) == 1:
                die()
        os.rename = rename
    if point == "after_swap":
        tio.shutil.rmtree = lambda *a, **k: die()
    with tio.publish_run(out) as folder:
        (folder / "results.nc").write_bytes(b"new nc")
        if point == "while_writing":
            die()
        (folder / "summary.json").write_bytes(b'{"new": 2}')
        (folder / "report.html").write_bytes(b"<p>new</p>")
""")


@pytest.mark.parametrize("point", ["while_writing", "between_renames", "after_swap"])
def test_killed_publish_leaves_complete_old_or_new_outputs(tmp_path, point):
    out = tmp_path / "run"
    old = _old_outputs(out)
    (out / "my notes.txt").write_bytes(b"mine")
    old = {**old, "my notes.txt": b"mine"}
    new = {**NEW, "my notes.txt": b"mine"}
    r = subprocess.run([sys.executable, "-c", _KILL_SCRIPT, str(out), point], capture_output=True, check=False)
    assert r.returncode == -9, r.stderr.decode()
    if point == "while_writing":
        assert _contents(out) == old
    elif point == "after_swap":
        assert {k: v for k, v in _contents(out).items() if k in NEW} == NEW
    # the next run (or clean_stale) puts things right: complete outputs, the user's files, no strays
    done = clean_stale(out)
    assert done
    assert _contents(out) in (old, new) and _strays(out) == []
    if point == "between_renames":
        assert _contents(out) == old  # the previous outputs were put back


def test_stale_part_files_of_old_versions_are_removed(tmp_path):
    out = tmp_path / "run"
    _old_outputs(out)
    (out / ".results.nc.abc123.part").write_bytes(b"half")
    with publish_run(out) as folder:
        for k, v in NEW.items():
            (folder / k).write_bytes(v)
    assert _contents(out) == NEW and _strays(out) == []


def test_run_refuses_unwritable_output_before_solving(tmp_path):
    a_file = tmp_path / "out.txt"
    a_file.write_text("x")
    for target, msg in ((a_file, "it is a file; expected a folder"), (a_file / "sub", "out.txt is a file")):
        r = CliRunner().invoke(main, ["run", str(TINY), "-o", str(target), "-q", "--hours", "24"])
        assert r.exit_code == 1 and msg in r.output and "Traceback" not in r.output, r.output
        assert "baseline" not in r.output


def test_run_on_full_disk_keeps_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "o"
    old = _old_outputs(out)

    def full(ds, path):
        Path(path).write_bytes(b"half a netcdf")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("twin.results.dataset.to_netcdf", full)
    r = CliRunner().invoke(main, ["run", str(TINY), "-o", str(out), "-q", "--hours", "24"])
    assert r.exit_code == 1 and "no space left on the device" in r.output and "Traceback" not in r.output, r.output
    assert _contents(out) == old and _strays(out) == []


# --------------------------------------------------------------------------- Ctrl-C during a solve


def _market_split_mip():
    """A HiGHS instance holding a market-split MIP (Cornuejols & Dawande 1999): hard to prove
    optimal, so it runs until it is stopped."""
    import highspy

    rng = np.random.default_rng(1)
    m, n = 5, 40
    a = rng.integers(0, 100, size=(m, n))
    rows = np.hstack([a, np.eye(m), -np.eye(m)]).astype(float)
    b = (a.sum(1) // 2).astype(float)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.HandleUserInterrupt = True
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = rows.shape[1], m
    lp.col_cost_ = np.r_[np.zeros(n), np.ones(2 * m)]
    lp.col_lower_ = np.zeros(rows.shape[1])
    lp.col_upper_ = np.r_[np.ones(n), np.full(2 * m, 1e9)]
    lp.row_lower_, lp.row_upper_ = b, b
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.arange(0, rows.size + 1, rows.shape[1])
    lp.a_matrix_.index_ = np.tile(np.arange(rows.shape[1]), m)
    lp.a_matrix_.value_ = rows.ravel()
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * (2 * m)
    h.passModel(lp)
    h.setOptionValue("time_limit", 300.0)
    return h


def test_ctrl_c_cancels_a_highs_solve():
    """SIGINT during HiGHS reaches Python, cancels the solve and is passed on (no 55 s wait)."""
    import signal
    import threading

    import highspy

    from solvers.highs_backend import run_interruptible

    h = _market_split_mip()
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_interruptible(h)
    finally:
        timer.cancel()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def test_a_long_highs_run_says_how_long_and_how_far(monkeypatch):
    """A sizing LP runs for a minute with nothing on the terminal but the stage's name: the
    heartbeat says the time taken and the iterations every so often, Ctrl-C still stops the
    run, and the iteration callbacks are removed after it."""
    import signal
    import threading

    import highspy

    from solvers import highs_backend as hb

    monkeypatch.setattr(hb, "HEARTBEAT_FIRST_S", 0.3)
    monkeypatch.setattr(hb, "HEARTBEAT_EVERY_S", 0.3)
    h = _market_split_mip()
    said: list[str] = []
    timer = threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            hb.run_interruptible(h, heartbeat=said.append)
    finally:
        timer.cancel()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt
    assert len(said) >= 2 and said[0].startswith("0 s: ") and said[-1].endswith(";"), said
    assert any("branch and bound, " in x and " nodes" in x for x in said[1:]), said
    ours = [cb for hook in ("cbIpmInterrupt", "cbSimplexInterrupt", "cbMipInterrupt")
            for cb in getattr(h, hook).callbacks if getattr(cb, "__self__", None).__class__ is hb.IterationCounter]
    assert not ours  # HandleUserInterrupt's own handlers stay

    counter = hb.IterationCounter()
    assert counter.text() == "presolve and analysis"
    counter.ipm, counter.simplex = 12, 3450
    assert counter.text() == "interior point, iteration 12; simplex, 3,450 iterations"
    counter.ipm, counter.simplex, counter.nodes, counter.gap = 0, 0, 1234, 0.0321
    assert counter.text() == "branch and bound, 1,234 nodes, gap 3.2 %"


def test_publish_through_a_symlinked_output_folder(tmp_path):
    real = tmp_path / "real"
    _old_outputs(real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with publish_run(link) as folder:
        for k, v in NEW.items():
            (folder / k).write_bytes(v)
    assert link.is_symlink() and _contents(real) == NEW and _strays(real) == []


def test_run_uses_quarter_hour_data_as_validated_and_says_so(tmp_path):
    t = _times(35040, "15min")
    q = np.tile([100.0, 200.0, 300.0, 400.0], 8760)  # hourly mean 250 kW
    pd.DataFrame({"time": t, "p_kw": q}).to_csv(tmp_path / "meter96.csv", index=False)
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("process_loads:\n  - {name: line, annual_mwh: 2000, shape: machinery_2shift}",
                                   "process_loads:\n  - {name: line, profile_csv: meter96.csv}"), encoding="utf-8")
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["run", str(p), "-o", str(out), "--hours", "24", "-q"])
    assert r.exit_code == 0, r.output
    import json

    import xarray as xr

    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert any("averaged to 8760 hourly means" in n for n in s["scenario"]["data_notes"])
    with xr.open_dataset(out / "results.nc") as ds:
        np.testing.assert_allclose(ds["p_process_kw"].sel(process_load="line").values, 250.0)


def test_a_run_without_report_leaves_no_stale_report(tmp_path):
    out = tmp_path / "run"
    _old_outputs(out)
    with publish_run(out) as folder:
        (folder / "results.nc").write_bytes(b"new nc")
        (folder / "summary.json").write_bytes(b'{"new": 2}')
    assert _contents(out) == {"results.nc": b"new nc", "summary.json": b'{"new": 2}'}


def test_single_file_writes_clean_parts_of_killed_processes(tmp_path):
    from twin.io import atomic_write_text

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    (tmp_path / f".compare.html.{dead}.x1y2.part").write_text("half")
    atomic_write_text(tmp_path / "compare.html", "<p>whole</p>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare.html"]


def test_files_of_an_earlier_run_are_not_carried_over(tmp_path):
    out = tmp_path / "run"
    with publish_run(out) as folder:
        (folder / "periods").mkdir()
        (folder / "periods" / "2030.json").write_text("old period")
        (folder / "results.nc").write_bytes(b"old")
    assert (out / ".twin-run").read_text().split() == ["periods", "results.nc"]
    (out / "mine.txt").write_text("mine")
    with publish_run(out) as folder:
        (folder / "results.nc").write_bytes(b"new")
    assert _contents(out) == {"results.nc": b"new", "mine.txt": b"mine"}  # the old periods/ went away


# --------------------------------------------------------------------------- site and province


@pytest.mark.parametrize("site, expected", [
    # pinyin shared by two cities: the station 榆林 (Shaanxi), the park in 玉林 (Guangxi)
    ("{city: Yulin, province: guangxi}", ["榆林, Shaanxi", "广西 玉林市", "outside the given province"]),
    ("{city: Chaoyang, province: 北京}", ["朝阳, Liaoning", "北京 朝阳区"]),
    ("{city: 西安, province: guangdong}", ["西安 (Shaanxi)", "correct the province"]),
    ("{latitude: 31.3, longitude: 120.6, province: beijing}", ["31.30 N 120.60 E", "Beijing"]),
    # coordinates far from the named city: the city's province would set the grid factors and
    # the coordinates the weather (issue 11 review)
    ("{city: Guangzhou, latitude: 45.75, longitude: 126.77}",
     ["Guangdong (the province of city 'Guangzhou'", "correct the latitude/longitude, or the city"]),
    ("{city: Hangzhou, latitude: 45.75, longitude: 126.77, province: zhejiang}",
     ["outside the given province", "correct the latitude/longitude, or the province"]),
    ("{latitude: 37.5, longitude: 127.0}", ["about 360 km outside mainland China"]),
    ("{latitude: 25.03, longitude: 121.56}", ["outside mainland China"]),
    # 0 m for a plateau town gave Lhasa 28 °C and 夏热冬暖B (issue 11 review)
    ("{city: Lhasa, elevation_m: 0}", ["elevation_m: 0 m", "3,806 m below it"]),
    # a pinyin several places share: the one in the stated province is named to write
    ("{city: Xifeng, province: gansu}", ["in Gansu, the site's province, it is 甘肃 庆阳市 西峰区"]),
    ("{city: Xifeng, province: hebei}", ["names 3 places", "辽宁 铁岭市 西丰县"]),
    # the zone a planner gives for the buildings: GB 50176-2016's names only
    ("{city: 拉萨, climate_zone: 温和C}", ["site.climate_zone", "温和A, 温和B", "got '温和C'"]),
])
def test_site_outside_its_province_is_refused(tmp_path, site, expected):
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", f"site: {site}"), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code != 0
    assert "s.yaml:3" in r.output and "site" in r.output, r.output
    for text in expected:
        assert text in r.output, r.output


@pytest.mark.parametrize("site", [
    "{city: 玉林, province: guangxi}", "{city: 广西 玉林市, province: guangxi}",
    # a park in Kunshan may take the Shanghai station across the border
    "{city: Shanghai, province: jiangsu}", "{city: Hangzhou, province: 浙江}",
    # full and pinyin province names; islands beyond the generalised outline of China
    "{city: 达拉特旗, province: 内蒙古自治区}", "{city: 南宁, province: 广西壮族自治区}",
    "{city: 拉萨, province: xizang}", "{city: Hangzhou, province: Zhejiang Province}",
    "{latitude: 16.83, longitude: 112.34}", "{latitude: 30.73, longitude: 122.45, province: zhejiang}",
    "{city: Lhasa, elevation_m: 3650}", "{city: 甘肃 庆阳市 西峰区, province: gansu}",
    # stations and cities by the pinyin of their Chinese names
    "{city: Linzhi, province: tibet}", "{city: Dachaidan, province: qinghai}",
    "{city: Lasa, province: xizang}",
])
def test_site_in_or_by_its_province_is_accepted(tmp_path, site):
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", f"site: {site}"), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 0, r.output


def _site_with_weather_file(tmp_path, shared_dir, site: str, header: dict | None = None) -> Path:
    """Tiny park with ``site`` and ``weather_file: w.epw``, the Suzhou TMYx file with the
    LOCATION fields of ``header`` (1-based field number -> text) replaced."""
    import gzip

    with gzip.open(shared_dir / "data/weather/CHN_JS_Suzhou.583580_TMYx.epw.gz", "rt",
                   encoding="latin-1") as fh:
        lines = fh.read().splitlines()
    loc = lines[0].split(",")
    for k, v in (header or {}).items():
        loc[k - 1] = v
    (tmp_path / "w.epw").write_text("\n".join([",".join(loc), *lines[1:]]) + "\n", encoding="utf-8")
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", f"site: {site}"), encoding="utf-8")
    return p


@pytest.mark.parametrize("site, header, expected", [
    ("{city: Suzhou, weather_file: w.epw}", None, None),
    ("{province: jiangsu, weather_file: w.epw}", None, None),
    # a Harbin station for a park in Guangzhou: Harbin's climate, Guangdong's grid factors
    ("{city: Guangzhou, weather_file: w.epw}", {7: "45.75", 8: "126.77"},
     "lies about 2,522 km outside Guangdong, the site's province"),
    ("{latitude: 23.1, longitude: 113.3, weather_file: w.epw}", {7: "45.75", 8: "126.77"},
     "2,796 km from the site (latitude/longitude 23.10 N 113.30 E; limit 300 km)"),
    ("{weather_file: w.epw}", {7: "37.50", 8: "127.00"}, "outside mainland China"),
    ("{city: Suzhou, weather_file: w.epw}", {9: "0.0"}, "with time zone UTC+8"),
])
def test_weather_file_of_another_place_is_refused(tmp_path, shared_dir, site, header, expected):
    p = _site_with_weather_file(tmp_path, shared_dir, site, header)
    r = _validate(p)
    if expected is None:
        assert r.exit_code == 0, r.output
        return
    assert r.exit_code == 1, r.output
    line = next(ln for ln in r.output.splitlines() if "site.weather_file" in ln)
    assert expected in line and "s.yaml:3" in line, r.output


def test_site_fields_a_weather_file_overrides_are_named(tmp_path, shared_dir):
    """elevation_m and weather_seed shape synthetic years only: with a weather file the run
    says it did not use them (they were ignored without a word)."""
    from twin.profiles import load_weather
    from twin.report_text import phrase
    from twin.scenario.loader import load_scenario

    p = _site_with_weather_file(tmp_path, shared_dir,
                                "{city: Suzhou, weather_file: w.epw, elevation_m: 900, weather_seed: 4}")
    _, meta, _ = load_weather(load_scenario(p))
    note = next(n for n in meta.notes if n.startswith("not used with site.weather_file"))
    assert note.endswith("elevation_m, weather_seed")
    assert phrase(note, "zh").startswith("使用 site.weather_file 时不采用")
    p = _site_with_weather_file(tmp_path, shared_dir, "{city: Suzhou, weather_file: w.epw, temperature_period: cswd}")
    _, meta, _ = load_weather(load_scenario(p))
    assert meta.temperature_period == "file"
    assert next(n for n in meta.notes if n.startswith("not used with")).endswith("temperature_period")


def test_site_temperature_period_reaches_the_weather(tmp_path):
    """site.temperature_period: cswd gives the synthetic year the 1971-2003 climate (colder than
    the default's), and a misspelt period is refused naming the field and the choices."""
    from twin.profiles import load_weather
    from twin.scenario.loader import load_scenario

    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", "site: {city: Hangzhou, temperature_period: cswd}"),
                 encoding="utf-8")
    df, meta, _ = load_weather(load_scenario(p))
    p.write_text(TINY_TEXT, encoding="utf-8")
    df0, meta0, _ = load_weather(load_scenario(p))
    assert (meta.temperature_period, meta0.temperature_period) == ("cswd", "tmyx")
    assert -0.7 < df.temp_air.mean() - df0.temp_air.mean() < -0.2
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", "site: {city: Hangzhou, temperature_period: 1990s}"),
                 encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "site.temperature_period" in r.output and "'tmyx'" in r.output, r.output


def test_validate_states_what_reading_the_weather_file_repaired(tmp_path, shared_dir):
    """`twin validate` said only OK for a file whose values it would fill or move."""
    p = _site_with_weather_file(tmp_path, shared_dir, "{city: Suzhou, weather_file: w.epw}")
    lines = (tmp_path / "w.epw").read_text(encoding="utf-8").splitlines()
    for i in range(8, 8 + 30):  # 30 hours of air temperature missing (EPW 99.9)
        f = lines[i].split(",")
        f[6] = "99.9"
        lines[i] = ",".join(f)
    (tmp_path / "w.epw").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 0, r.output
    assert "note: w.epw: temp_air: 30 missing/out-of-range values filled" in r.output


def test_problems_of_the_whole_scenario_point_at_their_field(tmp_path):
    """A check across sections (the grid factor needs the site's province) is reported at the
    field it names, with its own value, not at line 2 with the whole scenario as 'got'."""
    text = (TINY_TEXT.replace("site: {city: Hangzhou}", "site: {latitude: 23.1, longitude: 113.3}")
            .replace("emission_factor: {level: national, year: 2023}",
                     "emission_factor: {level: regional, year: 2023}"))
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    r = _validate(p)
    line = next(ln for ln in r.output.splitlines() if "grid.emission_factor" in ln)
    n = 1 + text.splitlines().index("  emission_factor: {level: regional, year: 2023}")
    assert f"s.yaml:{n}: grid.emission_factor: level 'regional' needs the site's province" in line
    assert '(got {"level": "regional", "year": 2023})' in line
    # bare coordinates: the province is suggested (Guangzhou's), not assumed
    assert "the coordinates lie by 广东 (Guangdong" in line and "add 'province: guangdong'" in line


@pytest.mark.parametrize("old, new", [
    ("type: manufacturing", "type: Office"), ("type: manufacturing", "type: 办公"),
    ("type: manufacturing", "type: 仓储物流"), ("site: {city: Hangzhou}", "site: {city: 58457}"),
])
def test_forms_a_planner_writes_are_accepted(tmp_path, old, new):
    """Park types in any case or their Chinese (short) names; a WMO number without quotes."""
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace(old, new), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 0, r.output


def test_override_that_breaks_the_site_is_named(tmp_path):
    r = CliRunner().invoke(main, ["run", str(TINY), "--set", "site.city=Atlantis", "--hours", "24",
                                  "-o", str(tmp_path / "o")])
    assert r.exit_code != 0 and "unknown station 'Atlantis'" in r.output
    assert "[set by overrides]" in r.output


def test_full_width_colon_and_no_break_space_are_named(tmp_path):
    """What a Chinese keyboard slips in: a full-width colon breaks the YAML lines later, a
    no-break space makes a field unknown though it reads right."""
    p = tmp_path / "s.yaml"
    p.write_text("park: {name: x, type: office}\nsite:\n  city： 广州\n  province: guangdong\n", encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "line 3 has '：' where YAML needs ':' and a space" in r.output
    # the only field of its section: valid YAML (a text, not a field), so no YAML error to hint at
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", "site:\n  city： 杭州"), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "site: Input should be a valid dictionary" in r.output
    assert "it holds a full-width colon '：'" in r.output
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}", "site:\n\u00a0 city: Hangzhou"), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "U+00A0, a no-break space" in r.output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_files_are_refused_after_a_bounded_read(tmp_path):
    """/dev/zero reports size 0 and never ends: as a scenario or a weather file it hung the
    validation or ran out of memory."""
    r = _validate("/dev/zero")
    assert r.exit_code == 1 and "more than 1,000,000 bytes" in r.output
    p = tmp_path / "s.yaml"
    p.write_text(TINY_TEXT.replace("site: {city: Hangzhou}",
                                   "site: {city: Hangzhou, weather_file: /dev/zero}"), encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1 and "larger than any hourly typical year" in r.output and "32 MiB" in r.output


def test_checks_of_the_whole_scenario_name_no_stray_line_or_value(tmp_path):
    """A first scenario without costs said "park.yaml:2: costs.pv is required when pv_arrays are
    given (got {"park": ...the whole file...})": the line of an unrelated section and the file as
    the value. A missing section has no line; the message names the field and its form; the
    one-battery shorthand is named as written, at its line."""
    from twin.scenario.loader import ScenarioError, load_scenario

    tiny = yaml.safe_load((ROOT / "tests" / "data" / "tiny_park.yaml").read_text(encoding="utf-8"))
    costs = tiny.pop("costs")
    p = tmp_path / "park.yaml"
    p.write_text(yaml.safe_dump(tiny, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    text = str(exc.value)
    assert "park.yaml: costs.pv: required when pv_arrays are given" in text and "capex_cny_per_unit" in text
    assert "(got {" not in text and "park.yaml:1:" not in text and "park.yaml:2:" not in text
    tiny["costs"] = {"pv": costs["pv"]}
    p.write_text(yaml.safe_dump(tiny, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    line = next(i for i, s in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if s.startswith("battery:"))
    assert f"park.yaml:{line}: battery: " in str(exc.value) and "(got {" not in str(exc.value), str(exc.value)
    tiny["costs"] = costs
    for key in ("process_loads", "buildings", "ev_fleets"):
        tiny.pop(key, None)
    p.write_text(yaml.safe_dump(tiny, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    assert str(exc.value) == f"{p}: the park has no load: give process_loads, buildings, ev_fleets, process_heat or process_cooling"


def test_plant_the_optimiser_may_build_needs_a_cost(tmp_path):
    """A heat pump, thermal store, electric boiler or electric chiller without a cost was built
    for nothing (a free heat pump displaces every other heat source); each is named at its line.
    Plant kept at its existing size needs none."""
    from twin.scenario.loader import ScenarioError, load_scenario

    tiny = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    tiny["heat_pumps"] = [{"name": "hp", "source": "air"}]
    tiny["thermal_storage"] = {"name": "tank"}
    tiny["boilers"] = [{"name": "eb", "fuel": "electric"}]
    tiny["chillers"] = [{"name": "old", "existing_kw": 300, "max_kw": 300}, {"name": "new"}]
    p = tmp_path / "park.yaml"
    p.write_text(yaml.safe_dump(tiny, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    text = str(exc.value)
    for what in ("heat_pumps.0: 'hp' may be built but has no cost: give costs.heat_pump",
                 "thermal_storage: 'tank' may be built but has no cost: give costs.thermal_storage",
                 "boilers.0: 'eb' (electric) may be built but has no cost: give costs.electric_boiler",
                 "chillers.1: 'new' may be built but has no cost: give costs.chiller"):
        assert what in text, text
    assert "'old'" not in text and len(exc.value.problems) == 4
    lines = p.read_text(encoding="utf-8").splitlines()
    assert all(x.line and lines[x.line - 1].strip() for x in exc.value.problems)
    tiny["costs"].update({"heat_pump": {"capex_cny_per_unit": 1500, "lifetime_years": 15},
                          "thermal_storage": {"capex_cny_per_unit": 100, "lifetime_years": 20},
                          "electric_boiler": {"capex_cny_per_unit": 300, "lifetime_years": 15},
                          "chiller": {"capex_cny_per_unit": 900, "lifetime_years": 15}})
    p.write_text(yaml.safe_dump(tiny, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_scenario(p)


FIRST_SCENARIO = """\
# a planner's first park: four kinds of problem, one run of `twin validate` names them all
park: {name: first park, type: manufacturing, planning_year: 2026}
site: {city: Suzhou}
process_loads:
  - {name: line, annual_mwh: 5000, shape: machinery_2shift}
pv_arrays:
  - {name: roof, mounting: roof, area_m2: 8000}
battery: {name: bess}
heat_pumps:
  - {name: hp1, source: air}
grid:
  import_limit_kw: 3000
  tariff:
    name: Jiangsu TOU
    prices_cny_per_kwh: {peak: 1.0, flat: 0.65, valley: 0.35}
    season:
      - {months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], peak: ["8-11", "17-22"], valley: ["0-8"]}
costs:
  discount_rate: 0.06
objective: {kind: min_cost}
"""


def _line(text: str, start: str) -> int:
    """Line (1-based) of the first line of ``text`` starting with ``start`` (indent stripped)."""
    return next(i for i, s in enumerate(text.splitlines(), 1) if s.strip().startswith(start))


def test_first_scenario_gets_every_problem_in_one_run(tmp_path):
    """A wrong tariff field, costs.pv missing although PV is given, and a battery and a heat pump
    the optimiser may build without a cost: each took a round of `twin validate` (field errors
    first, then the first check across sections, then the loader's); now one run names all
    four, each at its line, ordered by line, and `twin run` refuses with the same list."""
    p = tmp_path / "park.yaml"
    p.write_text(FIRST_SCENARIO, encoding="utf-8")
    t = FIRST_SCENARIO
    expected = [
        f"{p}:{_line(t, 'battery:')}: battery: 'bess' may be built, so it needs a cost per kWh and per kW",
        f"{p}:{_line(t, '- {name: hp1')}: heat_pumps.0: 'hp1' may be built but has no cost: give costs.heat_pump",
        f"{p}:{_line(t, 'season:')}: grid.tariff.season: unknown field (not in the schema",
        f"{p}:{_line(t, 'costs:')}: costs.pv: required when pv_arrays are given",
    ]
    r = _validate(p)
    assert r.exit_code == 1, r.output
    listed = [ln.removeprefix("  - ") for ln in r.output.splitlines() if ln.startswith("  - ")]
    assert f"{p}: 4 problem(s)" in r.output and len(listed) == 4, r.output
    for got, want in zip(listed, expected):
        assert got.startswith(want), (got, want)
    run = CliRunner().invoke(main, ["run", str(p), "--hours", "24", "-o", str(tmp_path / "out")])
    assert run.exit_code == 1 and "Traceback" not in run.output
    assert [ln.removeprefix("  - ") for ln in run.output.splitlines() if ln.startswith("  - ")] == listed
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("change, said, not_said", [
    # the heat pump's own block is wrong: its field error, no "needs a cost" for it; the next
    # heat pump's problem is placed at its own line and position
    (("  - {name: hp1, source: air}", "  - {name: hp1, source: air, max_kw: -3}\n  - {name: hp2, source: air}"),
     ["heat_pumps.0.max_kw: Input should be greater than or equal to 0", "heat_pumps.1: 'hp2' may be built"],
     ["'hp1' may be built"]),
    # the heat pump's cost is written wrongly: not "no cost"
    (("  discount_rate: 0.06", "  discount_rate: 0.06\n  heat_pump: {capex_cny_per_kw: 1500, lifetime_years: 15}"),
     ["costs.heat_pump.capex_cny_per_kw: unknown field", "costs.heat_pump.capex_cny_per_unit: required field",
      "'bess' may be built", "costs.pv: required"],
     ["'hp1' may be built"]),
    # costs.pv misspelt: the unknown field, not "costs.pv: required"
    (("  discount_rate: 0.06", "  discount_rate: 0.06\n  pvv: {capex_cny_per_unit: 2800, lifetime_years: 25}"),
     ["costs.pvv: unknown field", "'bess' may be built", "'hp1' may be built"], ["costs.pv: required"]),
    # the whole costs section misspelt: no cost is missing, the section is
    (("costs:", "cost:"), ["cost: unknown field"], ["costs.pv: required", "may be built"]),
    # the only load fails: the park has a load, written wrongly
    (("annual_mwh: 5000", "annual_mwh: -5"), ["process_loads.0.annual_mwh: Input should be greater than 0",
                                              "'bess' may be built", "costs.pv: required"],
     ["the park has no load"]),
    # a heat pump's source fails: not "not a waste_heat source"
    (("  - {name: hp1, source: air}", ("  - {name: hp1, source: comp}\nwaste_heat:\n"
                                       "  - {name: comp, kind: compressor, temperature_c: 40}")),
     ["waste_heat.0.kind: Input should be", "'hp1' may be built"], ["takes heat from"]),
    # the battery is given twice (shorthand and list): said once, no "needs a cost" for either
    (("battery: {name: bess}", "battery: {name: bess}\nbatteries: [{name: other}]"),
     ["battery and batteries are both given", "grid.tariff.season: unknown field", "'hp1' may be built",
      "costs.pv: required"], ["may be built, so it needs"]),
    # an unknown city: the grid factor, which needs the site's province, is not checked
    (("site: {city: Suzhou}", "site: {city: Atlantis}\n"),
     ["site.city: unknown station 'Atlantis'", "'bess' may be built"], ["grid.emission_factor"]),
])
def test_follow_on_errors_are_not_reported(tmp_path, change, said, not_said):
    """A check across sections that reads a part of the file that failed is skipped: what it
    would say could only follow from the error already reported. The checks that read only
    parts that passed still report (a battery without a cost beside a broken heat pump)."""
    p = tmp_path / "park.yaml"
    text = FIRST_SCENARIO.replace(*change)
    assert text != FIRST_SCENARIO
    p.write_text(text, encoding="utf-8")
    r = _validate(p)
    assert r.exit_code == 1, r.output
    for s in said:
        assert s in r.output, (s, r.output)
    for s in not_said:
        assert s not in r.output, (s, r.output)
    lines = [int(ln.split(":")[1]) for ln in r.output.splitlines() if ln.startswith(f"  - {p}:")
             and ln.split(":")[1].isdigit()]
    assert lines == sorted(lines), r.output
    if "hp2" in text:
        hp2 = _line(text, "- {name: hp2")
        assert f"{p}:{hp2}: heat_pumps.1: 'hp2' may be built" in r.output, r.output


def test_a_misspelt_field_is_told_the_field_it_is_close_to(tmp_path):
    """A planner wrote `tilt: 10`, `max_kW` and `kind2`; the message said 'unknown field ... check
    spelling' and left finding tilt_deg in `twin schema` to them (new-user review, Urumqi park).
    It now names the schema's nearest fields of that section; a name close to none is told as before."""
    t = TINY_TEXT.replace("area_m2: 4000}", "area_m2: 4000, tilt: 10}").replace(
        "battery: {name: bess}", "battery: {name: bess, max_kW: 500}").replace(
        "objective: {kind: min_cost}", "objective: {kind: min_cost, colour: blue}").replace(
        "  demand_charge_cny_per_kw_month: 40", "  demand_charge_cny_per_kw_month: 40\n  tarif_name: x")
    p = tmp_path / "park.yaml"
    p.write_text(t, encoding="utf-8")
    out = _validate(p).output
    assert (f"{p}:{_line(t, '- {name: roof')}: pv_arrays.0.tilt: unknown field (not in the schema; did you mean "
            "'tilt_deg'? see `twin schema`)") in out
    assert f"{p}:{_line(t, 'battery:')}: battery.max_kW: unknown field (not in the schema; did you mean 'max_kw' or" in out
    assert "grid.tarif_name: unknown field (not in the schema; did you mean 'tariff'? see" in out
    assert "objective.colour: unknown field (not in the schema; check spelling, see `twin schema`)" in out


def test_a_price_per_watt_is_refused_with_the_unit(tmp_path):
    """PV capex written in CNY/W (2.8) was planned as 2.8 CNY/kWp, a thousand times too cheap (new-user
    trial, Urumqi office park): below 50 CNY per kWp, kWh or kW the tool now names the field, the
    value and the conversion; thermal storage (tens of CNY per kWh of heat) and 0 stay allowed."""
    from twin.scenario.loader import ScenarioError, load_scenario

    f = ROOT / "scenarios" / "manufacturing_suzhou.yaml"
    for field, value, unit, per in (("pv", 2.8, "kWp", "W"), ("battery_energy", 0.9, "kWh", "Wh"),
                                    ("heat_pump", 4.5, "kW", "W")):
        with pytest.raises(ScenarioError) as exc:
            load_scenario(f, overrides={f"costs.{field}.capex_cny_per_unit": value})
        msg = str(exc.value)
        assert f"costs.{field}" in msg and f"{value:g} CNY per {unit}" in msg and f"price per {per}" in msg, msg
        assert f"{value * 1000:,.0f} CNY/{unit}" in msg
    assert load_scenario(f, overrides={"costs.pv.capex_cny_per_unit": 0}).scenario.costs.pv.capex_cny_per_unit == 0
    assert load_scenario(f).scenario.costs.thermal_storage.capex_cny_per_unit == 25


def test_a_re_solves_heartbeat_says_a_new_run_began():
    """A Kunming office park's sizing line read "10 s: interior point, iteration 8; 40 s: ...;
    10 s: interior point, iteration 11; ..." as HiPO gave way to IPX: the clock started again
    with nothing said (new-user review). A re-solve's first beat names its algorithm."""
    from solvers.highs_backend import rerun_heartbeat

    said: list[str] = []
    assert rerun_heartbeat(None, 2, "ipx") is None
    assert rerun_heartbeat(said.append, 0, "hipo") == said.append  # the first run: as it was
    beat = rerun_heartbeat(said.append, 1, "ipx")
    beat("10 s: interior point, iteration 11;")
    beat("40 s: interior point, iteration 20;")
    rerun_heartbeat(said.append, 2, "simplex")("10 s: simplex, 9,737 iterations;")
    assert said == ["then IPX: 10 s: interior point, iteration 11;", "40 s: interior point, iteration 20;",
                    "then simplex: 10 s: simplex, 9,737 iterations;"]


def test_fault_names_and_step_are_checked_against_the_scenario(tmp_path):
    """A misspelt battery (`name: bes`, the battery is `bess`) or fleet (`fleet: stafcars`) in operation.faults
    was accepted, reported as applied and changed nothing; a step_h above horizon_h was accepted and the
    window re-planned every horizon_h hours while the summary said step_h. Now `twin validate` and `twin run`
    refuse each at its line, naming the field and the known names."""
    fleet = "ev_fleets:\n  - {name: staff cars, kind: employee_car, vehicles: 30, chargers: 10, charger_kw: 7}\n"
    bad = _scenario(tmp_path, fleet + textwrap.dedent("""\
        operation:
          horizon_h: 4
          step_h: 24
          faults:
            - {kind: asset_outage, asset: battery, name: bes, start: "2025-01-03 10:00", hours: 6}
            - {kind: ev_low_arrival, fleet: stafcars, start: "2025-01-03 10:00", hours: 6}
            - {kind: asset_outage, asset: heat_pump, start: "2025-01-03 10:00", hours: 6}
        """))
    lines = bad.read_text(encoding="utf-8").splitlines()
    at = {key: next(i for i, s in enumerate(lines, 1) if key in s) for key in ("step_h", "bes,", "stafcars", "heat_pump")}
    r = _validate(bad)
    assert r.exit_code == 1, r.output
    assert (f"s.yaml:{at['step_h']}: operation.step_h: 24 h is longer than operation.horizon_h 4 h" in r.output
            and "give step_h at most horizon_h" in r.output), r.output
    assert (f"s.yaml:{at['bes,']}: operation.faults.0.name: 'bes' is not a battery of the scenario (known batteries: "
            "['bess'])" in r.output), r.output
    assert (f"s.yaml:{at['stafcars']}: operation.faults.1.fleet: 'stafcars' is not an EV fleet of the scenario "
            "(known ev_fleets: ['staff cars'])" in r.output), r.output
    assert f"s.yaml:{at['heat_pump']}: operation.faults.2.asset: the scenario has no heat_pumps" in r.output, r.output
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(bad), "-o", str(out), "--hours", "24"])
    assert r.exit_code != 0 and "'bes' is not a battery" in r.output and "Traceback" not in r.output, r.output
    assert not out.exists()
    good = _scenario(tmp_path, fleet + textwrap.dedent("""\
        operation:
          horizon_h: 24
          step_h: 24
          faults:
            - {kind: asset_outage, asset: battery, name: bess, start: "2025-01-03 10:00", hours: 6}
            - {kind: asset_outage, asset: battery, start: "2025-01-04 10:00", hours: 6}
            - {kind: ev_low_arrival, fleet: staff cars, start: "2025-01-03 10:00", hours: 6}
            - {kind: ev_low_arrival, start: "2025-01-03 10:00", hours: 6}
        """), name="good.yaml")
    r = _validate(good)
    assert r.exit_code == 0 and "OK" in r.output, r.output
