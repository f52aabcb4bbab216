"""A fleet whose vehicles find no free charger: the run says how much of its need the plan leaves out."""

import xarray as xr

from twin.plan import unserved_sessions_note
from twin.report_text import phrase


def _fleet(need_kwh: float, unserved_kwh: float) -> xr.Dataset:
    return xr.Dataset({"ev_sessions": 12413.0, "ev_sessions_unserved": 1533.0,
                       "ev_energy_need_kwh": need_kwh, "ev_energy_unserved_kwh": unserved_kwh})


def test_note_states_sessions_share_and_energy_in_both_languages():
    note = unserved_sessions_note("delivery vans", _fleet(945_000.0, 274_000.0))
    assert note.startswith("EV fleet 'delivery vans': 1,533 of 12,413 sessions of the year find no free charger")
    assert "(29 % of the fleet's energy need, 274 MWh battery side)" in note
    zh = phrase(note, "zh")
    assert zh.startswith("电动汽车车队“delivery vans”：全年 12,413 次充电会话中有 1,533 次") and "29%" in zh


def test_no_note_for_a_fleet_served_on_site():
    assert unserved_sessions_note("cars", _fleet(100_000.0, 500.0)) == ""  # 0.5 % of the need
    assert unserved_sessions_note("cars", xr.Dataset({"ev_energy_need_kwh": 1.0})) == ""  # older profiles
