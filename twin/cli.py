"""Command line: ``twin run | compare | sweep | validate | schema | weather``.

User mistakes (bad scenario, missing file, infeasible target) end with a clear
message and exit code 1, never a Python traceback. Heavy libraries are imported
inside the commands so that ``twin --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from twin import __version__


class Progress:
    """Stage-by-stage progress on stderr (stdout stays free for machine-readable output).

    A stage's line stays open for its result (``reading x ... name, 0.4 s``); whatever is
    printed next on stderr — a note, an error through :func:`_fail` — first ends it
    (:func:`end_line`), so a message never continues the progress text."""

    #: A stage line of any Progress waits for its result (stderr is one stream).
    line_open = False

    def __init__(self, total: int, quiet: bool = False):
        self.total = total
        self.quiet = quiet
        self.i = 0
        self.t0 = time.perf_counter()
        self._t = self.t0

    def stage(self, text: str, numbered: bool = True) -> None:
        """A stage starts; ``numbered=False`` for reading the input, before the count is known."""
        self.i += numbered
        self._t = time.perf_counter()
        if not self.quiet:
            end_line()
            click.echo(f"[{self.i}/{self.total}] {text} ..." if numbered else f"{text} ...", err=True, nl=False)
            Progress.line_open = True

    def done(self, detail: str = "") -> None:
        if not self.quiet:
            dt = time.perf_counter() - self._t
            lead = " " if Progress.line_open else "      ... "  # notes (e.g. Pareto points) came in between
            click.echo(f"{lead}{detail + ', ' if detail else ''}{dt:.1f} s", err=True)
            Progress.line_open = False

    def note(self, text: str) -> None:
        if not self.quiet:
            end_line()  # a note while a stage runs (a Pareto point) starts its own line
            click.echo(f"      {text}", err=True)

    def tick(self, text: str) -> None:
        """Progress inside a long stage, on the stage's line (e.g. "mpc: 40% (~20 s left)")."""
        if not self.quiet:
            click.echo(f" {text}", err=True, nl=False)


def end_line() -> None:
    """End a progress line left open on stderr (nothing if none is)."""
    if Progress.line_open:
        click.echo("", err=True)
        Progress.line_open = False


def _fail(message: str, code: int = 1) -> None:
    end_line()
    click.echo(message, err=True)
    sys.exit(code)


def _fail_on_open_line(exc: ValueError, command: str) -> None:
    """Fail with the scenario's problems (a :class:`~twin.scenario.loader.ScenarioError`) or
    with ``command: message`` (:func:`_fail` ends a progress line left open)."""
    from twin.scenario.loader import ScenarioError

    if isinstance(exc, ScenarioError):
        _fail("scenario is not valid:\n" + "\n".join(f"  - {p}" for p in exc.problems))
    _fail(f"{command}: {exc}")


def parse_sets(sets: tuple[str, ...] | list[str]) -> dict:
    """``["a.b=3", "battery=null"]`` -> ``{"a.b": 3, "battery": None}`` (values read as YAML)."""
    import yaml

    from twin.scenario.loader import ambiguous_number

    out = {}
    for item in sets:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            _fail(f"--set {item!r}: expected PATH=VALUE, e.g. costs.pv.capex_cny_per_unit=2400")
        try:
            out[path.strip()] = yaml.safe_load(text) if text.strip() else None
            nodes = [yaml.compose(text)] if text.strip() else []
        except yaml.YAMLError as exc:
            _fail(f"--set {item!r}: VALUE is not valid YAML ({getattr(exc, 'problem', None) or exc})")
        while nodes:  # '040' is the octal number 32 to YAML, '1:30' the number 90
            node = nodes.pop()
            if isinstance(node, yaml.MappingNode):
                nodes += [n for kv in node.value for n in kv]
            elif isinstance(node, yaml.SequenceNode):
                nodes += node.value
            elif (why := ambiguous_number(node)) is not None:
                _fail(f"--set {item!r}: {why}")
    return out


class TwinGroup(click.Group):
    """The command group: Ctrl-C in any command ends with exit code 130 and one line (click
    said "Aborted!" with exit code 1 where a command did not handle it itself)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            who = f"twin {ctx.invoked_subcommand}" if ctx.invoked_subcommand else "twin"
            _fail(f"{who}: interrupted (files are written whole or not at all)", code=130)


@click.group(cls=TwinGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="twin")
def main() -> None:
    """Park twin: plan zero-carbon pathways for Chinese industrial and business parks.

    Describe a park once in a YAML scenario; `twin run` simulates a typical year,
    sizes PV, storage, heat and EV flexibility with an optimisation, and writes
    results.nc, summary.json and an offline report.html.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario or sweep FILES, and every variant a scenario declares; print every
    problem (exit 1 if any)."""
    from twin.scenario.loader import ScenarioError, load_scenario, variant_problems

    bad = 0
    for f in files:
        if _is_sweep_file(f):
            bad += _validate_sweep(f)
            continue
        try:
            loaded = load_scenario(f)
            problems = variant_problems(loaded)
        except ScenarioError as exc:
            loaded, problems = None, exc.problems
        except Exception as exc:  # noqa: BLE001 - a bug of ours: say so once, no traceback
            bad += 1
            click.echo(f"{f}: {_internal(exc)}", err=True)
            continue
        if problems:
            bad += 1
            where = " in its variants" if loaded is not None else ""
            click.echo(f"{f}: {len(problems)} problem(s){where}", err=True)
            for p in problems:
                click.echo(f"  - {p}", err=True)
            continue
        if loaded.scenario.pathway is not None:  # each period's overrides (twin.pathway.check)
            from twin.pathway.check import period_problems

            if problems := period_problems(f, loaded.scenario.pathway):
                bad += 1
                click.echo(f"{f}: {len(problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in problems), err=True)
                continue
        extra = f" (extends {len(loaded.overrides)} override(s))" if loaded.overrides else ""
        extra += f", {len(loaded.variants)} variant(s) checked" if loaded.variants else ""
        click.echo(f"{f}: OK — {loaded.scenario.park.name} [{loaded.scenario.park.type}]{extra}")
        for n in [*loaded.notes, *loaded.weather_file_notes]:
            click.echo(f"  note: {n}", err=True)
    sys.exit(1 if bad else 0)


def _top_keys(f: Path) -> set[str]:
    """The top-level keys of a YAML file, read as lines, not parsed (the scenario loader guards
    against hostile YAML); empty where it cannot be read (the loader then says why)."""
    import re

    try:
        with open(f, "rb") as fh:  # a sweep file is small; never read more than 1 MB here
            text = fh.read(1 << 20).decode("utf-8", errors="replace")
    except OSError:
        return set()
    return set(re.findall(r"^([a-z_]+):", text, re.MULTILINE))


def _is_sweep_file(f: Path, strict: bool = False) -> bool:
    """A sweep file (top-level ``scenario:`` with ``grid:`` and/or ``monte_carlo:``), not a
    scenario (:func:`_top_keys`)."""
    keys = _top_keys(f)
    if "scenario" in keys or strict:  # strict: surely a sweep (told to use twin sweep)
        return "monte_carlo" in keys or ("scenario" in keys and "grid" in keys)
    # without its `scenario:` line still a sweep (then told it lacks one), not a scenario
    # missing park and site: `monte_carlo` is no scenario field, and a scenario's `grid` section
    # comes with park and site (or extends a file that has them)
    return "monte_carlo" in keys or ("grid" in keys and not keys & {"park", "site", "extends"})


def _looks_like_scenario(f: Path) -> bool:
    """A scenario file (top-level ``park:`` or ``extends:``; :func:`_top_keys`)."""
    return bool(_top_keys(f) & {"park", "extends"})


def _not_a_sweep(path: Path, command: str) -> None:
    """Refuse a sweep file given to a command that runs a scenario (its errors were the
    scenario's missing park, site and tariff)."""
    if _is_sweep_file(path, strict=True):
        _fail(f"{command}: {path} is a sweep file (scenario: with grid: and/or monte_carlo:), not a scenario; "
              f"run it with: twin sweep {path}")


def _validate_sweep(f: Path) -> int:
    """Check a sweep file, its scenario and every case it makes; 1 if any is invalid."""
    from twin.sweep.cases import SweepError
    from twin.sweep.sweep import prepare_sweep

    try:
        prepared = prepare_sweep(f)
    except SweepError as exc:
        n = len(exc.problems)
        head = f"{f}: sweep not valid, {n} problem(s)" if n else f"{f}: sweep not valid"
        click.echo(head + "".join(f"\n  - {p}" for p in exc.problems) if n else f"{head}\n  - {exc}", err=True)
        return 1
    cases, loaded_cases = prepared.cases, prepared.loaded_cases
    invalid = [c for c in cases if isinstance(loaded_cases[c.id], dict)]
    for n in prepared.notes:
        click.echo(f"  note: {n}", err=True)
    if invalid:
        click.echo(f"{f}: {len(invalid)} of {len(cases)} sweep case(s) not valid "
                   "(`twin sweep` runs the others and records these as failed)", err=True)
        for line in prepared.invalid_lines():
            click.echo(f"  - {line}", err=True)
        return 1
    click.echo(f"{f}: OK — sweep of {prepared.scenario.name}, {len(cases)} valid cases")
    return 0


def _internal(exc: BaseException) -> str:
    """One line for an unexpected error (a bug of the tool, not of the input)."""
    return (f"internal error of twin ({type(exc).__name__}: {exc}); this is a bug, please report it "
            "with the scenario file")


def _write_failed(exc: OSError, path) -> None:
    from twin.io import output_error

    _fail(str(output_error(exc, path)))


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    from twin.scenario.schema import Scenario

    text = json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False)
    if output:
        from twin.io import atomic_write_text

        try:
            atomic_write_text(output, text + "\n")
        except OSError as exc:
            _write_failed(exc, output)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


@main.command()
@click.option("--city", help="Any bundled station: Chinese name, pinyin or WMO number (see --list); or "
              "any Chinese city or county by name (扬州, 江都区, 达拉特旗).")
@click.option("--lat", type=float, help="Latitude [deg N].")
@click.option("--lon", type=float, help="Longitude [deg E].")
@click.option("--elevation", type=float, help="Elevation [m] (default: the lowest terrain cell within about 9 km, "
              "pvlib's grid; give it in hills and mountains).")
@click.option("--file", "path", type=click.Path(path_type=Path), help="Read a user's EPW/TMY3 file (or a .zip archive holding one EPW) instead.")
@click.option("--year", type=int, default=2026, show_default=True, help="Calendar year of the time index.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed of the synthetic year [default: the most typical of the site's 16 synthetic years].")
@click.option("--radiation-basis", type=click.Choice(["tmyx", "cswd"], case_sensitive=False), default="tmyx",
              show_default=True,
              help="Radiation level of synthetic years (weather/VALIDATION.md).")
@click.option("--temperature-period", type=click.Choice(["tmyx", "cswd", "tmyx-2009-2023"], case_sensitive=False),
              default="tmyx",
              show_default=True,
              help="Climate period of synthetic years' temperatures: tmyx, the recent climate; cswd, 1971-2003 "
              "(the CSWD typical years of Chinese building-energy design, about 0.4 K colder and 2 points more "
              "humid); tmyx-2009-2023, "
              "the TMYx files of that 15-year window (about 0.5 K warmer).")
@click.option("--list", "list_", is_flag=True, help="List the bundled stations (province, Chinese name, dataset).")
@click.option("--design", is_flag=True,
              help="Print the site's outdoor design conditions of GB 50736-2012 section 4.1 (室外空气计算参数: "
              "heating, ventilation and air-conditioning temperatures, humidities, wind speeds); -o is then "
              "optional.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write: .csv (a table with the provenance in its header) or .epw (EnergyPlus weather "
              "format, for building-simulation tools).")
def weather(city, lat, lon, elevation, path, year, seed, radiation_basis, temperature_period, list_,
            design, output) -> None:
    """Export the hourly typical year used for a site (CSV or EPW), or print its design conditions."""
    import weather as wx

    if list_:
        if city or path or lat is not None or lon is not None:
            _fail("twin weather: --list lists the stations; give it without --city, --lat/--lon or --file")
        from weather.stations import station_table

        if output and output.suffix.lower() not in (".csv", ".txt"):
            _fail(f"twin weather --list -o {output}: the station list is written as .csv (a table) or .txt (the "
                  f"aligned text); give a file name ending in one of those")
        st = station_table().sort_values(["province", "name", "dataset"])
        lines = _station_lines(st)
        lines.append(f"{len(st)} stations (TMYx: Climate.OneBuilding.org; CSWD: CMA Climate Data Office and "
                     f"Tsinghua University 2005; SWERA: UNEP/NREL). Use the name, the Chinese name (安徽·安庆 "
                     f"or 安庆) or its pinyin (林芝 or Linzhi for Nyingchi), the name with its dataset "
                     f"(Anqing (CSWD)) or the WMO number as site.city, or give latitude/longitude for "
                     f"any other place.")
        if output:
            from twin.io import atomic_write_text

            try:
                if str(output).lower().endswith(".csv"):  # a table, not the aligned text
                    from twin.export import write_csv_bom

                    cols = ["dataset", "wmo", "name", "name_zh", "pinyin", "province", "province_zh",
                            "region", "lat", "lon", "elevation_m"]
                    write_csv_bom(st[cols].rename(columns={"lat": "lat [deg N]", "lon": "lon [deg E]",
                                                           "elevation_m": "elevation [m]"}),
                                  output, index=True)
                else:
                    atomic_write_text(output, "\n".join(lines) + "\n")
            except OSError as exc:
                _write_failed(exc, output)
            click.echo(f"wrote {output}: {len(st)} stations", err=True)
        else:
            click.echo("\n".join(lines))
        return
    if (lat is None) != (lon is None):
        _fail("twin weather: give --lat and --lon together")
    if not (city or path or (lat is not None and lon is not None)):
        _fail("twin weather: give --city NAME, or --lat X --lon Y, or --file EPW (see --list)")
    if not output and not design:
        _fail("twin weather: give -o FILE.csv (or FILE.epw), or --design to print the site's design conditions")
    if output and output.suffix.lower() not in (".csv", ".epw"):
        _fail(f"twin weather: -o {output}: the typical year is written as CSV or EPW; give a file name ending "
              f"in .csv (a table) or .epw (EnergyPlus weather, for building-simulation tools)")
    ignored = [opt for opt, used in (("--elevation", elevation is not None), ("--seed", seed is not None),
                                     ("--radiation-basis", radiation_basis != "tmyx"),
                                     ("--temperature-period", temperature_period != "tmyx")) if used]
    try:
        df, meta = wx.site_weather(city=city, lat=lat, lon=lon, elevation=elevation, path=path, year=year,
                                   seed=seed, radiation_basis=radiation_basis,
                                   temperature_period=temperature_period)
    except wx.WeatherError as exc:
        _fail(f"twin weather: {_cli_words(str(exc))}")
    meta.notes[:] = [_cli_words(n) for n in meta.notes]  # the file's header speaks as the terminal does
    if path and ignored:
        meta.notes.append(f"not used with --file (they shape synthetic years; the file's own values "
                          f"stand): {', '.join(ignored)}")
    from twin.io import atomic_write_text

    if design:
        place = city or (path.name if path else f"{lat:.2f}N {lon:.2f}E")
        click.echo("\n".join(_design_table(meta, place)))
    if not output:
        text = None
    elif output.suffix.lower() == ".epw":
        text = _weather_epw(df, meta)
    else:
        header = "".join(f"# {line}\n" for line in meta.header_lines())
        header += ("# columns: time = start of the hour (Asia/Shanghai, UTC+8); ghi, dni, dhi [W/m2], "
                   "mean irradiance over the hour; temp_air [degC]; wind_speed [m/s]; relative_humidity "
                   "[%]. Header units: latitude/longitude [deg], elevation [m], distance_km [km], "
                   "expected_uncertainty [-] (annual GHI, fraction), expected_temperature_uncertainty_k [K]; "
                   "null: not stated (a weather file's own uncertainty)\n")
        text = header + df.to_csv(index_label="time")
    if output:
        try:
            atomic_write_text(output, text)
        except OSError as exc:
            _write_failed(exc, output)
    for s in meta.stations:
        click.echo(f"station: {s['name']} {s['name_zh']} ({s['dataset']}, {s['province']}) "
                   f"{s['distance_km']:.0f} km, {s.get('role', '')}", err=True)
    for n in meta.notes:
        click.echo(f"note: {_cli_words(n)}", err=True)
    fc = meta.file_check
    if fc:
        from weather.site import FILE_CHECK_WORDS, file_check_text

        click.echo(f"{FILE_CHECK_WORDS}: {file_check_text(fc)}; twin weather-check {path} adds the worst "
                   f"month, PV yield and climate zone", err=True)
    ghi = df["ghi"].sum() / 1000
    click.echo(f"{f'wrote {output}' if output else 'typical year (not written)'}: 8760 h, GHI {ghi:.0f} kWh/m2/yr ({meta.radiation_basis}), mean "
               f"{df['temp_air'].mean():.1f} °C ({_PERIOD_WORDS.get(meta.temperature_period, '')}); "
               f"{_zone_words(meta)}; {_design_line(meta)}", err=True)


def _design_table(meta, place: str) -> list[str]:
    """``twin weather --design``: the outdoor design conditions of GB 50736-2012 section 4.1
    (:data:`weather.design.SECTION_4_1`) at ``place`` (as the user named it) as an aligned
    table, with what they are the mean of."""
    from weather.design import SECTION_4_1

    dt = meta.design_temperatures or {}
    n = int(dt.get("years", 1))
    lines = [(f"GB 50736-2012 section 4.1 outdoor design conditions (室外空气计算参数) at {place} "
              f"({meta.latitude:.2f}N {meta.longitude:.2f}E, {meta.elevation:.0f} m):")]
    for clause, key, zh, en, unit, how in SECTION_4_1:
        v = dt.get(key)
        value = "-" if v is None else f"{v:.1f} {unit}" if unit != "%" else f"{v:.0f} %"
        lines.append(f"  {clause:<7}{zh}{chr(0x3000) * (13 - len(zh))} {value:>9}  {en}: {how}")
    lines.append(("  of the site's climate: the mean over its " + str(n) + " synthetic years (the standard averages "
                  "over the record's years)") if n > 1 else "  of the weather file's one year")
    lines.append("  the building model sizes heating by 4.1.2 and cooling by 4.1.6 (sensible only); wind at the "
                 "weather's 10 m; not given: 4.1.11 hourly design temperatures, wind directions, pressures")
    if n > 1:
        lines.append("  4.1.8 and 4.1.9 read about 0.7 K warm and 1.4 points dry against the stations' files, "
                     "mostly the recent climate the tool moves their older years to "
                     "(weather/DESIGN_TEMPERATURES.md)")
    return lines


def _design_line(meta) -> str:
    """The design temperatures on the last line of ``twin weather`` (GB 50736-2012 4.1.2, 4.1.6,
    4.1.7): a synthetic site's the mean over its climate's synthetic years, a file's its own
    year's."""
    dt = meta.design_temperatures
    if not dt:
        return ""
    n = dt.get("years", 1)
    basis = f"the mean of {n} synthetic years of the site's climate" if n > 1 else "this year's"
    wet = (f", wet-bulb {dt['wet_bulb_c']:.1f} °C (51st-highest wet-bulb hour)"
           if dt.get("wet_bulb_c") is not None else "")
    return (f"design temperatures heating {dt['heating_c']:.1f} °C (6th-coldest daily mean), cooling "
            f"{dt['cooling_c']:.1f} °C (51st-hottest hour){wet}: {basis}")


def _zone_words(meta) -> str:
    """The climate zone on the last line of ``twin weather``: a synthetic year's from the site's
    climate (the mean degree days of 16 seeded years, so it does not follow the seed) with this
    year's own degree days beside it, and what that year gives when read back as a file; a
    file's from its own year."""
    from weather.site import ZONE_SEEDS

    z = meta.climate_zone
    if "year_hdd18" not in z:
        return f"climate zone {z.get('subzone', '')} (this year's HDD18 {z.get('hdd18', 0):.0f}, CDD26 {z.get('cdd26', 0):.0f})"
    year = (f"this year (seed {meta.seed}) alone: HDD18 {z['year_hdd18']:.0f}, CDD26 {z['year_cdd26']:.0f}")
    if z["year_subzone"] != z["subzone"]:
        year += (f", which gives {z['year_subzone']}: read back as a file (--file, site.weather_file) the year "
                 f"takes that zone; give site.climate_zone: {z['subzone']} to keep the climate's")
    return (f"climate zone {z['subzone']} of the site's climate (HDD18 {z['hdd18']:.0f}, CDD26 {z['cdd26']:.0f}: "
            f"the mean of {ZONE_SEEDS} synthetic years); {year}")


#: Largest --leave-out-km of twin weather-check [km]: leaving out every station within
#: 2000 km leaves none to estimate from (a traceback); at 1000 km the estimate is already
#: 14 % off in GHI.
MAX_LEAVE_OUT_KM = 500.0


def _finite(ctx, param, value):
    """A click callback refusing NaN and infinity, which click's FloatRange lets through."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number", ctx=ctx, param=param)
    return value


@main.command("weather-check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--leave-out-km", type=click.FloatRange(min=0, max=MAX_LEAVE_OUT_KM), default=0.0, show_default=True,
              callback=_finite,
              help="Leave out the bundled stations of every place within this distance of a file's site "
              "(and of its WMO number) [km]; 15 repeats the leave-one-out of weather/VALIDATION.md. 0: every "
              f"station, as a planner's run uses them; at most {MAX_LEAVE_OUT_KM:g} (farther, no station is "
              "left to estimate from).")
@click.option("--radiation-basis", type=click.Choice(["auto", "tmyx", "cswd"], case_sensitive=False), default="auto",
              show_default=True,
              help="Radiation level of the estimate; auto: cswd for a CSWD file, else tmyx.")
@click.option("--temperature-period", type=click.Choice(["auto", "tmyx", "cswd", "tmyx-2009-2023"], case_sensitive=False),
              default="auto",
              show_default=True, help="Climate period of the estimate; auto: the file's own (CSWD 1971-2003, "
              "SWERA 1973-2002, 2009-2023 for a TMYx file whose record holds recent years only, such as the "
              "2009-2023 window, else the recent climate).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the synthetic years.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Also write the table as CSV.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def weather_check(paths, leave_out_km, radiation_basis, temperature_period, seed, output, quiet) -> None:
    """Check the tool's weather against typical-year files (EPW/TMY3, or zip archives holding one EPW; files or folders).

    For each file's site (header position and elevation) the typical year `twin weather --lat
    --lon --elevation` gives is compared with the file: annual and worst-month mean temperature,
    annual GHI, PV yield, climate zone; then the accuracy goals of weather/VALIDATION.md over all
    files (the same figures). Files that cannot be checked are named with the reason (exit 1).
    """
    import pandas as pd

    from weather import WeatherError
    from weather.validation import (
        CHECK_UNITS,
        check_weather_file,
        checks_by_region,
        stated_coverage,
        summarise_checks,
        weather_files,
    )

    skipped: list = []
    try:
        files = weather_files(paths, skipped)
    except WeatherError as exc:
        _fail(f"twin weather-check: {exc}")
    for f in skipped:
        click.echo(f"skipped: {f}: a CSV table, not a TMY3 file (its first line is not a TMY3 "
                   f"station line: number, name, state, time zone, latitude, longitude, elevation)",
                   err=True)
    if output is not None and output.suffix.lower() != ".csv":
        _fail(f"twin weather-check: -o {output}: the table is written as CSV; give a file name ending in .csv")
    progress = Progress(total=len(files), quiet=quiet)
    rows, failed = [], []
    for i, f in enumerate(files):
        progress.stage(f.name)
        try:
            r = check_weather_file(f, leave_out_km=leave_out_km, radiation_basis=radiation_basis,
                                   temperature_period=temperature_period, seed=seed)
        except WeatherError as exc:
            failed.append((f, _cli_words(str(exc))))
            progress.done("not checked")
            continue
        except Exception as exc:  # noqa: BLE001 - a bug of ours: the other files are still checked
            failed.append((f, _internal(exc).replace("the scenario file", "the weather file")))
            progress.done("not checked")
            continue
        rows.append(r)
        elapsed = time.perf_counter() - progress.t0
        left = elapsed / (i + 1) * (len(files) - i - 1)
        from weather.site import signed_text

        progress.done(f"estimate less file: T {signed_text(r['t_annual_error'], 2)} K, GHI "
                      f"{signed_text(100 * r['ghi_error'], 1)} %"
                      + (f", ~{left:.0f} s left" if i + 1 < len(files) else ""))
    if rows:
        table = pd.DataFrame(rows)
        click.echo(_weather_check_text(table, summarise_checks(table), leave_out_km, stated_coverage(table),
                                       checks_by_region(table), checks_by_region(table, by="dataset")))
        if output is not None:
            from twin.export import write_csv_bom

            try:
                write_csv_bom(table.rename(columns={c: f"{c} [{u}]" for c, u in CHECK_UNITS.items()}),
                              output, index=False)
            except OSError as exc:
                _write_failed(exc, output)
            click.echo(f"wrote {output}: {len(table)} file{'s' if len(table) != 1 else ''}", err=True)
    for f, why in failed:
        click.echo(f"not checked: {f}: {why}", err=True)
    if failed:
        sys.exit(1)


def _station_lines(st) -> list[str]:
    """``twin weather --list`` as aligned text: columns in terminal columns (a Chinese character
    counts two), text left and numbers right."""
    from twin.compare import _display_width

    head = ["province", "name", "中文名", "dataset", "WMO", "lat", "lon", "elev", "region"]
    right = {"WMO", "lat", "lon", "elev"}
    rows = [head] + [[r["province"], r["name"], f"{r['province_zh']}·{r['name_zh']}", r["dataset"], r["wmo"],
                      f"{r['lat']:.2f}", f"{r['lon']:.2f}", f"{r['elevation_m']:.0f}m", r["region"]]
                     for _, r in st.iterrows()]
    widths = [max(_display_width(str(x)) for x in col) for col in zip(*rows)]

    def cell(text, width, name) -> str:
        pad = " " * (width - _display_width(str(text)))
        return pad + str(text) if name in right else str(text) + pad

    return ["  ".join(cell(x, w, n) for x, w, n in zip(row, widths, head)).rstrip() for row in rows]


def _aligned(rows: list[list[str]]) -> list[str]:
    """Terminal lines of a table: the first column left-aligned, the others right-aligned, widths
    in terminal columns (a Chinese character counts two)."""
    from twin.compare import _cell, _display_width

    widths = [max(_display_width(x) for x in col) for col in zip(*rows)]
    return ["".join(c + " " * (widths[0] - _display_width(c)) if j == 0 else _cell(c, widths[j] + 2)
                    for j, c in enumerate(row)) for row in rows]


def _weather_check_text(table, summary, leave_out_km: float, coverage: dict, regions, datasets=None) -> str:
    """The per-file table and the goals of ``twin weather-check`` for a terminal."""
    import pandas as pd

    from weather.validation import LEAVE_OUT_PLACE_KM

    from weather.site import signed_text

    def pct(x) -> str:
        return f"{signed_text(100 * x, 1)}%"

    head = ["file", "dataset", "nearest station", "T annual", "worst month", "stated T", "GHI", "PV lat",
            "PV 10°", "zone file/est."]
    body = []
    for _, r in table.iterrows():
        unc = r["expected_temperature_uncertainty_k"]
        body.append([r["file"] + ("" if r["independent"] else " *"), r["dataset"],
                     f"{r['nearest_station']} {r['nearest_km']:.0f} km",
                     f"{signed_text(r['t_annual_error'], 2)} K",
                     f"{signed_text(r['t_worst_month_error'], 2)} K (m{r['t_worst_month']})",
                     f"±{unc:.1f} K" if pd.notna(unc) else "station",
                     pct(r["ghi_error"]), pct(r["pv_yield_error"]), pct(r["pv_yield_roof_error"]),
                     f"{r['zone_file']}/{r['zone_estimate']}"])
    lines = _aligned([head, *body])
    lines.append("errors: the tool's estimate less the file (temperatures in the file's own period unless "
                 "--temperature-period is given; radiation on the file's basis unless --radiation-basis is)"
                 + (f"; bundled places within {leave_out_km:g} km left out" if leave_out_km > 0 else
                    "; every bundled station used (--leave-out-km 15 for the leave-one-out)"))
    windows = table["temperature_period"].astype(str).str.startswith("tmyx-")
    if windows.any():
        lines.append(f"{int(windows.sum())} of {len(table)} files compared with the estimate of the 2009-2023 "
                     f"climate (TMYx files of recent years only, by their header's period of record, or as asked), "
                     f"about {_window_step():.1f} K warmer than the recent climate (weather/VALIDATION.md section 1)")
    near = int((~table["independent"].astype(bool)).sum())
    if near:
        lines.append(f"* within {LEAVE_OUT_PLACE_KM:g} km of a bundled station the estimate uses ({near} of "
                     f"{len(table)}): the estimate leans on that station's own statistics, so such a file is no "
                     f"independent check of the method (--leave-out-km {LEAVE_OUT_PLACE_KM:g} leaves such places out)")
    if (table["dataset"] == "park-twin").any():
        lines.append("park-twin: a year this tool wrote, compared with what it was made from (its station's own "
                     "statistics, or the interpolation at its site) on its own radiation basis and temperature "
                     "period: a check of the file, not of the method")
    lines.append("")
    lines.append("goals of weather/VALIDATION.md (95 % of files within the goal):")
    for _, g in summary.iterrows():
        if not g["files"]:
            lines.append(f"  {g['quantity']}: no file (CSWD radiation is not counted)")
            continue
        k = g["unit"] == "K"
        f = (lambda x: f"{x:.2f} K") if k else (lambda x: f"{100 * x:.1f} %")
        lines.append(f"  {g['quantity']}: {g['files']} file{'s' if g['files'] != 1 else ''}, mean |error| "
                     f"{f(g['mean_abs'])}, p95 {f(g['p95_abs'])}, {100 * g['within_goal']:.0f} % within {f(g['goal'])}")
    def pair(mean, p95, pct: bool = False) -> str:
        if pd.isna(mean):
            return "-"
        return f"{100 * mean:.1f} / {100 * p95:.1f} %" if pct else f"{mean:.2f} / {p95:.2f} K"

    for what, groups, why in (
            ("region", regions, "GHI and PV of files whose radiation is not CSWD's"),
            ("dataset", datasets, "the datasets split GHI into beam and diffuse differently, "
             "which moves a tilted array's yield: weather/VALIDATION.md section 3")):
        if groups is None or len(groups) <= 2:  # one group besides "all"
            continue
        rows = [[what, "files", "T annual mean/p95", "worst month mean/p95", "GHI mean/p95",
                 "PV lat mean/p95", "CSWD GHI mean/p95"]]
        for name, g in groups.iterrows():
            rows.append([name, f"{g['n']:.0f}", pair(g["t_annual_mean"], g["t_annual_p95"]),
                         pair(g["t_worst_mean"], g["t_worst_p95"]), pair(g["ghi_mean"], g["ghi_p95"], True),
                         pair(g["pv_mean"], g["pv_p95"], True), pair(g["ghi_cswd_mean"], g["ghi_cswd_p95"], True)])
        lines.append("")
        lines.append(f"by {what} (absolute errors; {why}):")
        lines += _aligned(rows)
    held = [f"{what} at {100 * coverage[key]:.0f} % of {coverage[key + '_files']} files"
            for key, what in (("temperature", "annual mean temperature"), ("ghi", "annual GHI"))
            if coverage[key + "_files"]]
    if held:
        lines.append(f"the uncertainty the tool states for a site (meant to hold at 95 %) held for: {'; '.join(held)}")
    return "\n".join(lines)


def _weather_epw(df, meta) -> str:
    """The typical year of ``twin weather`` as an EPW file, its provenance in the comment line."""
    from weather.io import epw_of_year

    return epw_of_year(df, meta, f"park-twin {__version__}")


def _window_step() -> float:
    """Annual mean of the 2009-2023 window's offset from the recent climate [K]."""
    from weather.interp import RECENT_WINDOW, tmyx_window_offsets

    return float(tmyx_window_offsets(RECENT_WINDOW).mean())


_PERIOD_WORDS = {"tmyx": "recent climate", "cswd": "1971-2003 climate", "tmyx-2009-2023": "2009-2023 climate",
                 "file": "the file's"}
"""How the last line of ``twin weather`` names the temperature period."""


def _cli_words(text: str) -> str:
    """A weather message in the command line's terms instead of the Python API's."""
    for api, cli in (("site_weather: give either city= or path=, not both", "give either --city or --file, not both"),
                     ("site.weather_seed picks another", "--seed picks another"),
                     ("give either city= or lat=/lon= (the park's own position), not both",
                      "give either --city or --lat/--lon (the park's own position), not both"),
                     ("pass path= to a weather file", "give a weather file with --file"),
                     ("site_weather(path=...)", "twin weather --file, or site.weather_file in a scenario"),
                     ("site.temperature_period: tmyx",
                      "--temperature-period tmyx (site.temperature_period in a scenario)")):
        text = text.replace(api, cli)
    if text.startswith("city: "):  # a name --city was given
        text = "--" + text
    return text


class LazyChoice(click.Choice):
    """A choice whose values are read when first needed (``twin --help`` stays fast).

    ``load`` returns the allowed values, e.g. the arguments of a ``Literal`` type that
    lives in a module with heavy imports.
    """

    def __init__(self, load, case_sensitive: bool = True):
        self._load = load
        self._values: tuple | None = None
        super().__init__((), case_sensitive=case_sensitive)

    @property
    def choices(self):  # type: ignore[override]
        if self._values is None:
            self._values = tuple(self._load())
        return self._values

    @choices.setter
    def choices(self, value) -> None:  # click.Choice.__init__ assigns it
        pass


def _objective_kinds():
    from twin.scenario.run_config import objective_kinds

    return objective_kinds()


def _solver_methods():
    from twin.scenario.run_config import solver_methods

    return solver_methods()


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), help="Output folder [default: out/<scenario name>].")
@click.option("--save-model", type=click.Path(path_type=Path), help="Write the exact LP/MILP passed to HiGHS (MPS, or LP format for a name ending in .lp).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Report language.")
@click.option("--hours", type=click.IntRange(1, 8760), default=None,
              help="Model only the first N hours (quick looks; scores need a full year).")
@click.option("--objective", type=LazyChoice(_objective_kinds),
              help="Override the scenario's objective.kind for this run.")
@click.option("--solver-method", type=LazyChoice(_solver_methods),
              help="Override the scenario's objective.solver_method (HiGHS algorithm).")
@click.option("--time-limit", "time_limit_s", type=click.FloatRange(min=0, min_open=True), callback=_finite,
              help="Override the scenario's objective.time_limit_s [s].")
@click.option("--pareto-points", type=click.IntRange(2, 50),
              help="Override the scenario's objective.pareto_points.")
@click.option("--representative-days", "rep_days", type=click.IntRange(2, 365),
              help="Fast mode: size on K linked representative days, then dispatch the full year with those sizes.")
@click.option("--rubric", type=click.Path(path_type=Path, exists=True),
              help="Scoring rubric YAML (official values, same format as the bundled provisional one).")
@click.option("--variant", help="Named variant(s) of the scenario file to run; 'a+b' combines them (later wins).")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Override one field by its dotted path, e.g. --set costs.pv.capex_cny_per_unit=2400 "
                   "--set battery=null (VALUE is read as YAML; applied after --variant).")
@click.option("--operate", type=click.Choice(["rule", "mpc", "both", "none"]), default=None,
              help="Operate the sized park hour by hour (rule-based and/or rolling-horizon controller, forecast "
                   "errors, faults) and report the gap to the optimum [default: the scenario's operation section, "
                   "else none].")
@click.option("--out-of-reach", type=click.Choice(["error", "closest"]), default=None,
              help="A target the park cannot reach: stop and explain (error), or plan for the best reachable value "
                   "and state the shortfall in every output (closest) [default: the scenario's "
                   "objective.out_of_reach, else error].")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def run(scenario: Path, out_dir: Path | None, save_model: Path | None, lang: str, hours: int | None,
        objective: str | None, solver_method: str | None, time_limit_s: float | None, pareto_points: int | None,
        rep_days: int | None, rubric: Path | None, variant: str | None, sets: tuple[str, ...], operate: str | None,
        out_of_reach: str | None, quiet: bool) -> None:
    """Simulate, size and assess the park in SCENARIO; write results.nc, summary.json, report.html.

    Run settings (objective, solver method, time limit, Pareto points) default to the
    scenario's objective section; the options here override them for this run.
    """
    from twin.io import OutputError, check_output_dir, output_error
    from twin.run import RUN_STAGES, UserInputError, run_stages, write
    from twin.run import run as run_park
    from twin.scenario.loader import load_scenario
    from twin.scenario.run_config import resolve_run_config

    progress = Progress(total=RUN_STAGES + 1, quiet=quiet)
    _not_a_sweep(scenario, "twin run")
    progress.stage(f"reading {scenario}", numbered=False)  # the count depends on what the scenario holds
    try:
        loaded = load_scenario(scenario, overrides=parse_sets(sets), variant=variant)
        progress.total = run_stages(loaded.scenario) + 1  # and writing the outputs
        config = resolve_run_config(loaded.scenario, objective=objective, solver_method=solver_method,
                                    time_limit_s=time_limit_s, pareto_points=pareto_points, hours=hours,
                                    representative_days=rep_days, lang=lang, rubric=rubric, save_model=save_model,
                                    operate=operate, out_of_reach=out_of_reach)
    except ValueError as exc:  # ScenarioError too
        _fail_on_open_line(exc, "twin run")
    progress.done(loaded.scenario.park.name)
    for n in loaded.notes:
        progress.note(n)
    from twin.operate.stage import controllers_for

    if controllers_for(config.operate, loaded.scenario):
        progress.total += 1
    out_dir = out_dir or Path("out") / scenario.stem
    try:  # fail now, not after the solve
        check_output_dir(out_dir)
        if save_model is not None:
            if save_model.is_dir():
                raise OutputError(f"cannot write --save-model {save_model}: it is a folder; expected a file name")
            probe = save_model.parent / ".twin-model-probe"
            try:
                check_output_dir(probe)
            except OutputError as exc:  # named as the user wrote it, not by the probe
                raise OutputError(str(exc).replace(f"outputs to {probe}", f"--save-model {save_model}")
                                  .replace(str(probe), str(save_model))) from None
    except OutputError as exc:
        _fail(f"twin run: {exc}")
    try:
        result = run_park(loaded, config, progress)
        progress.stage("writing outputs")
        written = write(result, out_dir)
    except (UserInputError, OutputError) as exc:
        _fail(f"twin run: {exc}")
    except OSError as exc:  # e.g. --save-model on a full disk
        _fail(f"twin run: {output_error(exc, getattr(exc, 'filename', None) or out_dir)}")
    except KeyboardInterrupt:
        _fail(f"twin run: interrupted; {out_dir} keeps its previous outputs", code=130)
    progress.done(str(out_dir))
    click.echo(
        f"done in {time.perf_counter() - progress.t0:.1f} s -> {out_dir}/ ({', '.join(written)})",
        err=True,
    )
    if not quiet:
        click.echo(result.headline(), err=True)


@main.command()
@click.argument("items", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("out/compare"),
              show_default=True, help="Folder for comparison.html, comparison.xlsx, the CSV tables and the runs.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the page.")
@click.option("--base", help="Variant (or run folder name) the differences are taken against [default: the first].")
@click.option("--hours", type=click.IntRange(1, 8760), default=None,
              help="Model only the first N hours of each variant (quick looks).")
@click.option("--objective", type=LazyChoice(_objective_kinds), help="Override every variant's objective.kind.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Variants run at once in separate processes [default: the cores available].")
@click.option("--hourly", is_flag=True, help="Add each run's hourly results to comparison.xlsx (one sheet per run).")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def compare(items: tuple[str, ...], out_dir: Path, lang: str, base: str | None, hours: int | None,
            objective: str | None, workers: int | None, hourly: bool, quiet: bool) -> None:
    """Compare investment options: `twin compare FILE [VARIANT ...]` runs the variants of a scenario
    file (all of them and 'base' when none is named); `twin compare RUN_DIR RUN_DIR ...` compares
    finished runs. Writes comparison.html, comparison.xlsx and CSV tables (UTF-8 with BOM) in -o DIR,
    replacing an earlier comparison there as a whole."""
    from twin.compare import COMPARE_HOLDS, COMPARE_OUTPUTS, text_table
    from twin.io import OutputError, check_output_dir, output_error, publish_run

    echo = (lambda s: None) if quiet else (lambda s: click.echo(s, err=True))
    variants_mode = Path(items[0]).suffix.lower() in (".yaml", ".yml")
    if variants_mode:
        _not_a_sweep(Path(items[0]), "twin compare")
        names, loaded = _compare_names(Path(items[0]), list(items[1:]))
        if base is not None and base not in names:
            _fail(f"twin compare: --base {base!r} is not among the variants ({', '.join(names)})")
        finished_runs = []
    else:
        flags = [f for f, v in (("--hours", hours), ("--objective", objective), ("--workers", workers))
                 if v is not None]
        if flags:
            _fail(f"twin compare: {', '.join(flags)} only apply when running the variants of a scenario file "
                  "(twin compare FILE.yaml [VARIANT ...]); finished runs are compared as they were run: leave "
                  f"{'them' if len(flags) > 1 else 'it'} out, or run them again with twin run")
        finished_runs = _finished_runs(items)
    try:  # fail now, not after the solves
        check_output_dir(out_dir, holds=COMPARE_HOLDS)
        _outside(out_dir, finished_runs)
    except OutputError as exc:
        _fail(f"twin compare: {exc}")
    if variants_mode:
        echo(f"comparing {len(names)} variant(s) of {items[0]}: {', '.join(names)}")
    # a comparison with failed variants never replaces a complete earlier one (it goes beside it)
    written = {"to": out_dir}

    def destination() -> Path:
        return written["to"]

    try:
        with publish_run(out_dir, ours=COMPARE_OUTPUTS, dest=destination) as stage:
            if variants_mode:
                runs, failed = _compare_variants(Path(items[0]), loaded, names, stage, out_dir, hours, objective,
                                                 lang, workers, echo)
            else:
                runs, failed = finished_runs, []
            if failed:
                written["to"] = _incomplete_dir(out_dir)
            if base is not None and base not in {r.name for r in runs}:
                _fail(f"twin compare: --base {base!r} is not among the runs ({', '.join(r.name for r in runs)})")
            from twin.compare import comparison_tables, write_comparison

            paths = write_comparison(runs, stage, lang=lang, base=base, hourly=hourly, failed=failed)
            table = text_table(comparison_tables(runs, base, lang), runs, lang)
    except OutputError as exc:
        click.echo("", err=True)
        _fail(f"twin compare: {exc}")
    except OSError as exc:
        _fail(f"twin compare: {output_error(exc, getattr(exc, 'filename', None) or out_dir)}")
    except KeyboardInterrupt:
        click.echo("", err=True)
        _fail(f"twin compare: interrupted; {out_dir} keeps its previous outputs", code=130)
    click.echo(table)
    to = written["to"]
    echo(f"wrote {to}/: " + ", ".join(sorted(paths)) + (", runs/" if variants_mode else ""))
    if failed:
        kept = (f"; the comparison of the variants that ran is in {to}, and {out_dir} keeps its previous "
                "comparison") if to != out_dir else ""
        click.echo(f"{len(failed)} variant(s) failed: " + "; ".join(f"{f['name']}: {f['error']}" for f in failed)
                   + kept, err=True)  # said with -q too: the comparison is not the one asked for
        sys.exit(1)


def _compare_names(scenario: Path, named: list[str]):
    """The variants ``twin compare FILE`` runs (all and 'base' when none is named), every one
    checked before anything runs, the problems of all of them reported at once; and the
    loaded scenario."""
    from twin.scenario.loader import BASE_VARIANT, ScenarioError, load_scenario, variant_problems

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        _fail("twin compare: scenario is not valid:\n" + "\n".join(f"  - {p}" for p in exc.problems))
    names = named or [BASE_VARIANT, *loaded.variants]
    problems = variant_problems(loaded, names)
    from twin.compare import TABLE_COLUMNS

    problems += [f"{scenario}: variants: a variant named {n!r} cannot be compared: the comparison's tables keep "
                 f"the column {n!r} for themselves ({', '.join(sorted(TABLE_COLUMNS))}); rename the variant"
                 for n in names if n in TABLE_COLUMNS]
    if problems:
        _fail(f"twin compare: {len(problems)} problem(s) in the variants to compare (nothing was run):\n"
              + "\n".join(f"  - {p}" for p in problems))
    return names, loaded


def _finished_runs(items) -> list:
    """The finished runs ``twin compare RUN_DIR ...`` compares, named by their folders."""
    from twin.compare import TABLE_COLUMNS, ComparedRun, read_summary

    runs: list[ComparedRun] = []
    problems = []
    for r in items:
        p = Path(r)
        try:
            s = read_summary(p)
        except ValueError as exc:  # every unreadable run named at once
            problems.append(str(exc))
            continue
        folder = p if p.is_dir() else p.parent
        taken = {x.name for x in runs} | TABLE_COLUMNS  # the tables' own columns are no run's name
        name = next((n for n in (folder.name, f"{folder.parent.name}/{folder.name}") if n not in taken), str(folder))
        runs.append(ComparedRun(name, s, folder=folder))
    if len(problems) == 1:
        _fail(f"twin compare: {problems[0]}")
    if problems:
        _fail(f"twin compare: {len(problems)} of the {len(items)} runs cannot be compared:\n"
              + "\n".join(f"  - {p}" for p in problems))
    return runs


def _outside(out_dir: Path, runs: list) -> None:
    """Refuse an output folder that holds a run being compared: the comparison replaces it as a whole."""
    from twin.io import OutputError

    target = out_dir.resolve()
    for r in runs:
        folder = r.folder.resolve()
        if folder == target or target in folder.parents:
            raise OutputError(f"cannot write outputs to {out_dir}: it holds the run {r.folder} being compared, and "
                              "a comparison replaces its folder as a whole; give another folder with -o")


def _compare_variants(scenario: Path, loaded, names: list[str], stage: Path, out_dir: Path, hours, objective,
                      lang: str, workers, echo):
    """Run the variants into ``stage/runs/`` (finished ones of ``out_dir/runs/`` reused) and
    return the runs compared and the variants that failed."""
    from twin.compare import ComparedRun, read_summary, run_variants
    from twin.finance import finance_costs

    status = run_variants(scenario, names, stage, hours=hours, objective=objective, lang=lang, workers=workers,
                          echo=echo, previous=out_dir)
    ok = {s["name"] for s in status if s["ok"]}
    failed = [s for s in status if not s["ok"]]
    runs = []
    for n in names:
        if n not in ok:
            continue
        spec = loaded.variants.get(n)
        folder = stage / "runs" / n
        runs.append(ComparedRun(n, read_summary(folder), label_en=(spec.label or n) if spec else "base",
                                label_zh=(spec.label_zh or spec.label or n) if spec else "基准",
                                description=spec.description if spec else "", folder=folder,
                                description_zh=(spec.description_zh or "") if spec else "",
                                costs=finance_costs(loaded.derive(n).scenario)))
    if not runs:
        _fail("twin compare: every variant failed:\n" + "\n".join(f"  - {f['name']}: {f['error']}" for f in failed))
    return runs, failed


@main.command()
@click.argument("sweep_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of the sweep [default: out/<sweep file name>]; run again to resume.")
@click.option("--workers", type=click.IntRange(1, 1024), default=None,
              help="Worker processes on this machine [default: the cores available; never more than the "
                   "cases to run].")
@click.option("--scheduler", metavar="ADDRESS", help="Use an existing Dask cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--engine", type=click.Choice(["processes", "dask"]), default=None,
              help="processes: worker processes of this machine [default]; dask: a local Dask cluster "
                   "[default with --scheduler].")
@click.option("--retry-failed", is_flag=True, help="Run the cases that failed before again (finished ones are kept).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of sweep.html.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def sweep(sweep_file: Path, out_dir: Path | None, workers: int | None, scheduler: str | None, engine: str | None,
          retry_failed: bool, lang: str, quiet: bool) -> None:
    """Run a grid or seeded Monte Carlo sweep over scenario fields (resumable; Dask for clusters).

    Writes DIR/cases/<id>.json as each case finishes, then sweep.nc (dimension `case`),
    cases.csv, sweep_summary.json and sweep.html (P10/P50/P90, 910 core indicator
    probability, robust assets). See docs/outputs.md for the sweep file.
    """
    from twin.sweep.cases import SweepError
    from twin.sweep.sweep import run_sweep

    if not _is_sweep_file(sweep_file) and _looks_like_scenario(sweep_file):
        _fail(f"twin sweep: {sweep_file} is a scenario, not a sweep file: a sweep file names its scenario "
              f"(scenario: {sweep_file.name}) and the fields to vary under grid: and/or monte_carlo: (see "
              f"scenarios/sweeps/); to run the scenario itself: twin run {sweep_file}")
    out_dir = out_dir or Path("out") / sweep_file.stem
    t0 = time.perf_counter()
    first = [True]

    def show(prog, rec):
        if quiet:
            return
        if first[0]:  # the sweep is read and its cases made: say what runs where
            first[0] = False
            resumed = f", {prog.skipped} finished before" if prog.skipped else ""
            where = f" on {prog.where}" if prog.to_run else ""
            click.echo(f"  {prog.total} case{'s' if prog.total != 1 else ''} ({prog.to_run} to run{resumed}){where}",
                       err=True)
            for n in prog.notes:
                click.echo(f"  note: {n}", err=True)
            click.echo(f"  {prog.line()}", err=True)
            return
        if rec is None:  # tasks started
            for what in prog.started_now:
                click.echo(f"  start {what}", err=True)
            return
        if rec.get("status") != "ok":
            click.echo(f"  case {rec['id']} failed: {rec.get('error', '')}", err=True)
        secs = rec.get("seconds") or 0.0
        click.echo(f"  {rec.get('what', rec['id'])} {'ok' if rec.get('status') == 'ok' else 'failed'} in "
                   f"{secs:.1f} s — {prog.line()}", err=True)

    if scheduler and engine == "processes":
        _fail("twin sweep: --scheduler needs the dask engine (leave out --engine or give --engine dask)")
    if not quiet:
        click.echo(f"sweep {sweep_file} -> {out_dir}/ (reading the sweep and making its cases)", err=True)
    try:
        result = run_sweep(sweep_file, out_dir, workers=workers, scheduler=scheduler, engine=engine,
                           retry_failed=retry_failed, on_progress=show, lang=lang)
    except SweepError as exc:
        _fail(f"twin sweep: {exc}")
    except OSError as exc:
        _write_failed(exc, out_dir)
    except KeyboardInterrupt:  # a second Ctrl-C while the first one was being handled
        _fail(f"twin sweep: interrupted; the finished cases are kept in {out_dir}/cases; "
              "run the same command to resume", code=130)
    p = result.progress
    if result.interrupted:
        _fail(f"twin sweep: interrupted; {p.done + p.failed} of {p.total} cases kept in {out_dir}/cases "
              f"({p.done} ok, {p.failed} failed); run the same command to resume", code=130)
    click.echo(f"done in {time.perf_counter() - t0:.1f} s: {p.done} ok, {p.failed} failed of {p.total} -> "
               f"{out_dir}/ (sweep.nc, cases.csv, sweep_summary.json, sweep.html)", err=True)
    if p.failed:
        sys.exit(1)


def _pathway_days(ctx, param, value):
    """``--representative-days`` of ``twin pathway``: 0 (the full year) or 4-120, as
    ``pathway.representative_days`` (1 ended in a traceback of the run configuration)."""
    if value is not None and 0 < value < 4:
        raise click.BadParameter(f"{value}: expected 0 (size on the full year) or 4 to 120 linked days", ctx=ctx,
                                 param=param)
    return value


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path),
              help="Output folder [default: out/<scenario name>-pathway].")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Report language.")
@click.option("--hours", type=click.IntRange(1, 8760), default=None,
              help="Model only the first N hours of each period's year (quick looks; sizes are not a plan).")
@click.option("--representative-days", "rep_days", type=click.IntRange(0, 120), default=None,
              callback=_pathway_days,
              help="Linked representative days each period is sized on, 4 to 120 [default: "
                   "pathway.representative_days; 0 = the full year].")
@click.option("--variant", help="Named variant(s) of the scenario file; 'a+b' combines them.")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Override one field by its dotted path before the pathway's own period values.")
@click.option("--mode", type=click.Choice(["myopic", "foresight"]), default=None,
              help="Size the periods one after the other (myopic) or all together in one LP (perfect "
                   "foresight) [default: pathway.mode].")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def pathway(scenario: Path, out_dir: Path | None, lang: str, hours: int | None, rep_days: int | None,
            variant: str | None, sets: tuple[str, ...], mode: str | None, quiet: bool) -> None:
    """Plan the stages from today to the target year: size each period of SCENARIO's `pathway`
    section in turn, or all together with perfect foresight (--mode foresight) — assets built
    earlier stay while they live; the grid factor, loads, costs and targets of each period
    apply — and write summary.json, results.nc (dimension period), report.html and every
    period's own outputs under periods/<year>/."""
    from twin.io import OutputError, check_output_dir
    from twin.pathway.results import write_pathway
    from twin.pathway.runner import PathwayError, run_pathway
    from twin.run import UserInputError
    from twin.scenario.loader import load_scenario

    progress = Progress(total=1, quiet=quiet)
    _not_a_sweep(scenario, "twin pathway")
    progress.stage(f"reading {scenario}", numbered=False)
    try:
        overrides = parse_sets(sets)
        if mode is not None:
            overrides["pathway.mode"] = mode
        loaded = load_scenario(scenario, overrides=overrides, variant=variant)
    except ValueError as exc:  # ScenarioError too
        _fail_on_open_line(exc, "twin pathway")
    spec = loaded.scenario.pathway
    if spec is None:
        _fail(f"twin pathway: {scenario} has no 'pathway' section (periods and what changes between them; "
              "see `twin schema`)")
    progress.total = len(spec.periods) + 1 + (2 if spec.mode == "foresight" else 0)
    progress.done(f"{loaded.scenario.park.name}: {len(spec.periods)} periods {spec.periods[0]}-{spec.last_year - 1}")
    out_dir = out_dir or Path("out") / f"{scenario.stem}-pathway"
    try:
        check_output_dir(out_dir)
    except OutputError as exc:
        _fail(f"twin pathway: {exc}")
    try:
        res = run_pathway(scenario, hours=hours, representative_days=rep_days, lang=lang, base_overrides=overrides,
                          variant=variant, progress=progress)
        progress.stage("writing outputs")
        written = _incomplete_dir(out_dir) if res.failed is not None else out_dir
        write_pathway(res, written, lang=lang)
    except (PathwayError, UserInputError, OutputError, ValueError) as exc:  # ValueError: a run configuration
        _fail(f"twin pathway: {exc}")
    except KeyboardInterrupt:
        _fail(f"twin pathway: interrupted; {out_dir} keeps its previous outputs", code=130)
    progress.done(str(out_dir))
    for p in res.periods:
        if not quiet:
            e = p.run.summary["emissions_tco2"]
            built = ", ".join(f"{k} {v:,.0f}" for k, v in p.built.items()) or "nothing new"
            today = [r for r in p.retired if r.get("todays_plant")]
            gone = ("; today's plant retired: " + ", ".join(f"{r['key']}[{r['asset']}] {r['size']:,.0f} (out of service "
                                                           f"from {r['retirement_year']})" for r in today)) if today else ""
            click.echo(f"  {p.year}: built {built}{gone}; net {e['net']:,.0f} tCO2/yr; "
                       f"cost {p.annual_cost_cny:,.0f} CNY/yr", err=True)
        for sf in p.run.shortfalls:  # said even with -q: the plan does not meet what was asked
            click.echo(f"  {p.year}: OUT OF REACH — {sf['sentence']}", err=True)
    if res.failed is not None:
        done = ", ".join(str(p.year) for p in res.periods)
        kept = f"; {out_dir} keeps its previous outputs" if written != out_dir else ""
        _fail(f"twin pathway: {res.failed['error']}\n  the pathway stops at period {res.failed['year']}; the finished "
              f"period(s) {done} are written to {written} (summary.json: pathway.complete = false){kept}")
    if not quiet:
        click.echo(f"  present value of the pathway's cost: {res.npv_cost_cny:,.0f} CNY", err=True)


def _incomplete_dir(out_dir: Path) -> Path:
    """Where outputs short of what was asked go (a pathway stopped at a period, a comparison with
    failed variants): ``out_dir`` itself when it holds nothing yet, else the sibling
    ``<name>-incomplete`` — an earlier complete run's outputs survive intact."""
    try:
        empty = not out_dir.exists() or not any(out_dir.iterdir())
    except OSError:
        empty = False
    return out_dir if empty else out_dir.with_name(out_dir.name + "-incomplete")


if __name__ == "__main__":  # pragma: no cover
    main()
