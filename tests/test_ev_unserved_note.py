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


def test_note_parts_the_two_causes_and_never_contradicts_itself():
    """The Qingdao vans' note put 1,177 MWh on 5,352 sessions finding no charger; those hold 409 MWh, the
    other 768 MWh are sessions that got a charger too late to charge fully. A fleet whose sessions all found
    a charger read '0 of 2,342 sessions find no free charger (36 %)'."""
    from twin.plan import dropped_trips_note

    f = _fleet(945_000.0, 274_000.0).assign(ev_energy_no_charger_kwh=94_000.0)
    note = unserved_sessions_note("vans", f)
    assert "29 % of the fleet's energy need (274 MWh battery side) is not charged in the park" in note
    assert "1,533 of 12,413 sessions of the year find no free charger (94 MWh)" in note
    assert "others get one too late to charge fully (180 MWh)" in note
    zh = phrase(note, "zh")
    assert zh != note and "（94 MWh）" in zh and "（180 MWh）" in zh
    # trips beyond the battery's window: said, in both languages
    g = f.assign(ev_sessions_need_capped=2928.0, ev_energy_dropped_kwh=420_000.0)
    d = dropped_trips_note("trucks", g)
    assert d.startswith("EV fleet 'trucks': 2,928 of 12,413 sessions' trips need more than the battery's usable window")
    assert "420 MWh a year of their driving energy (31 %)" in d and phrase(d, "zh") != d
    assert dropped_trips_note("cars", f.assign(ev_sessions_need_capped=0.0, ev_energy_dropped_kwh=0.0)) == ""
