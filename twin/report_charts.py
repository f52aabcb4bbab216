"""Charts a client reads: energy flows, weeks, duration curves, storage and EV behaviour.

Each function takes the run's dataset (``results.nc`` content) and/or summary and returns a
plotly figure, or ``None`` when there is nothing to show (no all-zero charts). Charts are
kept small: full-year hourly series are drawn only as aggregates (monthly, by hour of day)
or decimated duration curves; the full data stays in ``results.nc``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from twin.report_text import label, text

#: Points kept on a duration curve (the full 8760 stay in results.nc).
DURATION_POINTS = 240

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def style(fig, title: str, ytitle: str = "", xtitle: str = "", height: int = 400):
    """Common layout: a light style without plotly's large template object."""
    fig.update_layout(
        template=None, title={"text": title, "x": 0.01, "font": {"size": 15}}, height=height,
        margin={"t": 48, "l": 70, "r": 20, "b": 48}, paper_bgcolor="white", plot_bgcolor="white",
        font={"family": FONT, "size": 12}, legend={"orientation": "h", "y": -0.18, "x": 0},
        colorway=["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                  "#7f7f7f", "#bcbd22", "#17becf"])
    fig.update_xaxes(title_text=xtitle, gridcolor="#eee", zerolinecolor="#bbb", linecolor="#bbb")
    fig.update_yaxes(title_text=ytitle, gridcolor="#eee", zerolinecolor="#bbb", linecolor="#bbb")
    return fig


def _total(ds: xr.Dataset, var: str) -> np.ndarray | None:
    """Hourly series of ``var`` summed over asset dimensions, or None if absent or all zero."""
    if var not in ds:
        return None
    da = ds[var].astype(float)
    extra = [d for d in da.dims if d != "time"]
    v = (da.sum(extra) if extra else da).to_numpy()
    return v if np.abs(v).sum() > 1e-9 else None


# --------------------------------------------------------------------------- energy flows
#: (energy_mwh key, node it leaves, node it enters); node names are catalogue keys.
_FLOWS = (
    ("grid_import", "node_grid", "node_elec"),
    ("pv_generation", "node_pv", "node_elec"),
    ("battery_discharge", "node_battery", "node_elec"),
    ("v2g_discharge", "node_ev", "node_elec"),
    ("fixed_electric_load", "node_elec", "node_load"),
    ("ev_charging", "node_elec", "node_ev"),
    ("battery_charge", "node_elec", "node_battery"),
    ("grid_export", "node_elec", "node_grid_out"),
    ("heat_pump_electricity", "node_elec", "node_heat_pump"),
    ("electric_boiler_electricity", "node_elec", "node_electric_boiler"),
    ("chiller_electricity", "node_elec", "node_chiller"),
    ("heat_pump_heat", "node_heat_pump", "node_heat"),
    ("waste_heat_to_heat_pumps", "node_waste_heat", "node_heat_pump"),
    ("waste_heat_direct", "node_waste_heat", "node_heat"),
    ("electric_boiler_heat", "node_electric_boiler", "node_heat"),
    ("gas_fuel", "node_gas", "node_boiler"),
    ("gas_boiler_heat", "node_boiler", "node_heat"),
    ("heat_import", "node_district_heat", "node_heat"),
    ("heat_demand", "node_heat", "node_heat_use"),
    ("cooling_demand", "node_chiller", "node_cool_use"),
)


_NODE_COLOURS = {"node_grid": "#7f7f7f", "node_grid_out": "#7f7f7f", "node_pv": "#ff9f1c", "node_battery": "#2ca02c",
                 "node_ev": "#17becf", "node_elec": "#1f77b4", "node_load": "#9467bd", "node_heat_pump": "#d62728",
                 "node_electric_boiler": "#e377c2", "node_chiller": "#17becf", "node_heat": "#d62728",
                 "node_waste_heat": "#8c564b", "node_gas": "#bcbd22", "node_boiler": "#bcbd22",
                 "node_district_heat": "#8c564b", "node_heat_use": "#ff7f0e", "node_cool_use": "#1f9bcf"}


def _tint(hex_colour: str, keep: float = 0.3) -> str:
    """An opaque light tint of a colour (``keep`` of the colour, the rest white)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(keep * c + (1 - keep) * 255) for c in (r, g, b)]
    return f"rgb({mix[0]},{mix[1]},{mix[2]})"


def fig_sankey(summary: dict, lang: str):
    """Annual energy flows from sources to uses [MWh/yr] (plan)."""
    import plotly.graph_objects as go

    en = summary.get("energy_mwh") or {}
    links = [(k, a, b, float(en[k])) for k, a, b in _FLOWS if (en.get(k) or 0.0) > 1e-3]
    if not links:
        return None
    nodes = list(dict.fromkeys([a for _, a, _, _ in links] + [b for _, _, b, _ in links]))
    idx = {n: i for i, n in enumerate(nodes)}
    colours = [_NODE_COLOURS.get(n, "#888888") for n in nodes]
    fig = go.Figure(go.Sankey(
        valueformat=",.0f", valuesuffix=" MWh",
        node={"label": [text(n, lang) for n in nodes], "pad": 14, "thickness": 14, "color": colours},
        link={"source": [idx[a] for _, a, _, _ in links], "target": [idx[b] for _, _, b, _ in links],
              "value": [v for *_, v in links], "label": [label(k, lang) for k, *_ in links],
              # opaque light tints: semi-transparent link fills are dropped when printed to PDF
              "color": [_tint(colours[idx[a]]) for _, a, _, _ in links]}))
    return style(fig, text("sankey", lang), height=460)


# --------------------------------------------------------------------------- weeks
ELEC_SUPPLY = ("p_grid_import_kw", "p_pv_kw", "p_battery_discharge_kw", "p_ev_discharge_kw")
ELEC_USES = ("p_load_kw", "p_ev_charge_kw", "p_heat_pump_kw", "p_electric_boiler_kw", "p_chiller_kw")
ELEC_SINKS = ("p_battery_charge_kw", "p_grid_export_kw")


def electric_use_kw(ds: xr.Dataset) -> np.ndarray:
    """Hourly electricity used in the park [kW]: fixed load, EVs, heat pumps, boilers, chillers."""
    use = np.zeros(ds.sizes["time"])
    for v in ELEC_USES:
        s = _total(ds, v)
        if s is not None:
            use = use + s
    return use


def week_slices(ds: xr.Dataset) -> dict[str, slice]:
    """The typical and the worst week of the plan (hour slices).

    ``worst``: the 7 days holding the highest hourly grid import (the hour that sets the
    demand charge); ``typical``: the 7-day window whose electric use is closest to the
    median of all 7-day windows.
    """
    n = ds.sizes["time"]
    w = 24 * 7
    if n <= w:
        return {"worst": slice(0, n)}
    imp = _total(ds, "p_grid_import_kw")
    peak = int(np.argmax(imp)) if imp is not None else 0
    start = int(np.clip(peak - peak % 24 - 3 * 24, 0, n - w))
    weekly = pd.Series(electric_use_kw(ds)).rolling(w).sum().to_numpy()[w - 1::24]
    med = np.nanmedian(weekly)
    typical = int(np.nanargmin(np.abs(weekly - med))) * 24
    return {"typical": slice(typical, typical + w), "worst": slice(start, start + w)}


def fig_week(ds: xr.Dataset, lang: str, which: str = "worst"):
    """Hourly electricity dispatch of the typical or the worst week [kW] (supply up, storage and export down)."""
    import plotly.graph_objects as go

    sl = week_slices(ds).get(which)
    if sl is None:
        return None
    sub = ds.isel(time=sl)
    t = pd.DatetimeIndex(sub["time"].values).tz_localize(None) if getattr(
        pd.DatetimeIndex(sub["time"].values), "tz", None) else pd.DatetimeIndex(sub["time"].values)
    fig = go.Figure()
    for v in ELEC_SUPPLY:
        s = _total(sub, v)
        if s is not None:
            fig.add_scatter(x=t, y=s, name=label(v, lang), stackgroup="supply", mode="none")
    for v in ELEC_SINKS:
        s = _total(sub, v)
        if s is not None:
            fig.add_scatter(x=t, y=-s, name=label(v, lang), stackgroup="sink", mode="none")
    fig.add_scatter(x=t, y=electric_use_kw(sub), name=text("demand", lang), line={"color": "black", "width": 1.5})
    base = _total(sub, "baseline_p_grid_import_kw")
    if base is not None:
        fig.add_scatter(x=t, y=base, name=text("baseline_import", lang),
                        line={"color": "#888", "width": 1, "dash": "dot"})
    style(fig, text(f"week_{which}", lang), "kW", height=400)
    fig.update_xaxes(tickformat="%m-%d %H:00", dtick=24 * 3600 * 1000)
    return fig


# --------------------------------------------------------------------------- duration curves
def _decimate_sorted(v: np.ndarray, n: int = DURATION_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """A descending duration curve kept at ``n`` points: (hours exceeded, value); first and last exact."""
    s = np.sort(np.asarray(v, float))[::-1]
    idx = np.unique(np.linspace(0, len(s) - 1, min(n, len(s))).round().astype(int))
    return idx + 1.0, s[idx]


def fig_duration(ds: xr.Dataset, lang: str):
    """Duration curves of grid import, baseline vs plan, and of the park's electricity use [kW]."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for var, key, dash in (("baseline_p_grid_import_kw", "baseline_import", "dot"),
                           ("p_grid_import_kw", "plan_import", "solid")):
        s = _total(ds, var)
        if s is not None:
            x, y = _decimate_sorted(s)
            fig.add_scatter(x=x, y=y, name=text(key, lang), line={"dash": dash})
    use = electric_use_kw(ds)
    if np.abs(use).sum() > 0:
        x, y = _decimate_sorted(use)
        fig.add_scatter(x=x, y=y, name=text("demand", lang), line={"color": "black", "width": 1})
    exp = _total(ds, "p_grid_export_kw")
    if exp is not None:
        x, y = _decimate_sorted(exp)
        fig.add_scatter(x=x, y=y, name=label("p_grid_export_kw", lang))
    if not fig.data:
        return None
    return style(fig, text("duration", lang), "kW", text("hours_exceeded", lang), height=380)


# --------------------------------------------------------------------------- storage and EVs
def _by_hour_of_day(ds: xr.Dataset, v: np.ndarray) -> np.ndarray:
    hours = pd.DatetimeIndex(ds["time"].values).hour
    return pd.Series(v).groupby(np.asarray(hours)).mean().reindex(range(24), fill_value=0.0).to_numpy()


def fig_battery(ds: xr.Dataset, lang: str, size_kwh):
    """Batteries: mean state of charge by hour of day per season [% of size] and mean charge/discharge [kW].

    ``size_kwh`` is the summary's ``sizes.battery_kwh`` ({battery: kWh}, or one number); with
    several batteries the content and flows are their sum, the seasonal lines are the state
    of charge of their total energy size, and a dotted line per battery gives its own state
    of charge over the whole year (a kept lead-acid bank and a new LFP store cycle differently).
    """
    from plotly.subplots import make_subplots

    from twin.ledger.core import total_size

    sizes = size_kwh if isinstance(size_kwh, dict) else {}
    size_kwh = total_size({"battery_kwh": size_kwh}, "battery_kwh")
    e = _total(ds, "e_battery_kwh")
    if e is None or size_kwh <= 0:
        return None
    hour = np.asarray(pd.DatetimeIndex(ds["time"].values).hour)
    month = pd.DatetimeIndex(ds["time"].values).month
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text("soc_by_hour", lang), text("power_by_hour", lang)))
    for key, months in (("winter", (12, 1, 2)), ("spring_autumn", (3, 4, 5, 9, 10, 11)), ("summer", (6, 7, 8))):
        m = np.isin(month, months)
        if m.any():
            soc = 100.0 / size_kwh * pd.Series(e[m]).groupby(hour[m]).mean()
            fig.add_scatter(x=soc.index, y=soc.values, name=text(key, lang), row=1, col=1)
    own = [b for b, v in sizes.items() if float(v) > 1e-6]
    if len(own) > 1 and "battery" in ds["e_battery_kwh"].dims:
        for b in own:
            soc = 100.0 / float(sizes[b]) * pd.Series(ds["e_battery_kwh"].sel(battery=b).to_numpy()).groupby(hour).mean()
            fig.add_scatter(x=soc.index, y=soc.values, name=f"{b} ({text('whole_year', lang)})",
                            line={"dash": "dot"}, row=1, col=1)
    ch, dis = _total(ds, "p_battery_charge_kw"), _total(ds, "p_battery_discharge_kw")
    hrs = list(range(24))
    if ch is not None:
        fig.add_bar(x=hrs, y=-_by_hour_of_day(ds, ch), name=label("p_battery_charge_kw", lang), row=1, col=2)
    if dis is not None:
        fig.add_bar(x=hrs, y=_by_hour_of_day(ds, dis), name=label("p_battery_discharge_kw", lang), row=1, col=2)
    style(fig, text("battery", lang), height=380)
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text="%", row=1, col=1, range=[0, 100])
    fig.update_yaxes(title_text="kW", row=1, col=2)
    fig.update_xaxes(title_text=text("hour", lang), dtick=3)
    return fig


def fig_ev(ds: xr.Dataset, lang: str):
    """EV charging by hour of day, plan vs charge-on-arrival [kW, mean over the year], and V2G."""
    import plotly.graph_objects as go

    plan = _total(ds, "p_ev_charge_kw")
    if plan is None:
        return None
    fig = go.Figure()
    hrs = list(range(24))
    unc = _total(ds, "ev_p_uncontrolled_kw")
    if unc is not None:
        fig.add_scatter(x=hrs, y=_by_hour_of_day(ds, unc), name=text("ev_on_arrival", lang),
                        line={"dash": "dot", "color": "#888"})
    fig.add_scatter(x=hrs, y=_by_hour_of_day(ds, plan), name=text("ev_planned", lang), line={"color": "#1f77b4"})
    v2g = _total(ds, "p_ev_discharge_kw")
    if v2g is not None:
        fig.add_bar(x=hrs, y=-_by_hour_of_day(ds, v2g), name=label("p_ev_discharge_kw", lang), marker_color="#2ca02c")
    style(fig, text("ev", lang), "kW", text("hour", lang), height=360)
    fig.update_xaxes(dtick=3)
    return fig


def fig_import_heatmap(ds: xr.Dataset, lang: str):
    """Plan grid import by date and hour of day [kW]: where the remaining import sits in the year."""
    import plotly.graph_objects as go

    v = _total(ds, "p_grid_import_kw")
    if v is None or len(v) < 24 * 14:
        return None
    days = len(v) // 24
    z = v[: days * 24].reshape(days, 24).T.astype(np.float32)
    dates = pd.DatetimeIndex(ds["time"].values[: days * 24: 24]).strftime("%Y-%m-%d")
    fig = go.Figure(go.Heatmap(z=z, x=list(dates), y=list(range(24)), colorscale="Viridis",
                               colorbar={"title": "kW"}, hovertemplate="%{x} %{y}:00 → %{z:,.0f} kW<extra></extra>"))
    style(fig, text("heatmap_import", lang), text("hour", lang), text("date", lang), height=320)
    fig.update_yaxes(tickvals=[0, 6, 12, 18, 23])
    fig.update_xaxes(type="date", tickformat="%m-%d", dtick="M1")
    return fig
