"""Time-of-use tariffs and process-load shapes."""

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from twin.components.process import SHAPES, ProcessLoadSpec, process_load_kw, read_profile_csv
from twin.components.tariff import (
    TOUTariff,
    hours_in_range,
    parse_hour_range,
    tou_periods,
    tou_price,
)

IDX = pd.date_range("2025-01-01", periods=8760, freq="h", tz="Asia/Shanghai")

# Jiangsu 苏发改价格发〔2025〕426号 periods (china-park-data.md §1.2) with the October 2025 all-in
# example prices of §1.3 (peak 0.9566, flat 0.6400, valley 0.3828 CNY/kWh).
JIANGSU = dict(
    name="Jiangsu two-part 1-10 kV",
    prices_cny_per_kwh={"peak": 0.9566, "flat": 0.6400, "valley": 0.3828},
    seasons=[
        {"months": [6, 7, 8, 12, 1, 2], "peak": ["14-22"], "valley": ["0-6", "11-13"]},
        {"months": [3, 4, 5, 9, 10, 11], "peak": ["15-22"], "valley": ["2-6", "10-14"]},
    ],
)


def test_hour_ranges_wrap_midnight():
    assert parse_hour_range("22-2") == (22, 2)
    assert hours_in_range(22, 2) == [22, 23, 0, 1]
    assert hours_in_range(0, 24) == list(range(24))
    with pytest.raises(ValueError, match="must look like"):
        parse_hour_range("noon")


def test_jiangsu_periods_count_hours_per_day():
    t = TOUTariff(**JIANGSU)
    p = tou_periods(t, IDX)
    jan1 = p[:24]
    # summer/winter season: peak 14-22 (8 h), valley 0-6 and 11-13 (8 h), flat the rest (8 h)
    assert (jan1 == "peak").sum() == 8 and (jan1 == "valley").sum() == 8 and (jan1 == "flat").sum() == 8
    assert jan1[14] == "peak" and jan1[12] == "valley" and jan1[6] == "flat"
    price = tou_price(t, IDX)
    # hand value: mean price of a January day = (8*0.9566 + 8*0.64 + 8*0.3828)/24
    assert price[:24].mean() == pytest.approx((8 * 0.9566 + 8 * 0.64 + 8 * 0.3828) / 24)


def test_tariff_rejects_overlaps_gaps_and_unpriced_periods():
    bad = dict(JIANGSU, seasons=[{"months": [1, 2], "peak": ["14-22"], "valley": ["20-23"]}])
    with pytest.raises(ValidationError, match="hour 20 is in both"):
        TOUTariff(**bad)
    with pytest.raises(ValidationError, match="missing"):
        TOUTariff(**dict(JIANGSU, seasons=JIANGSU["seasons"][:1]))
    with pytest.raises(ValidationError, match="no price"):
        TOUTariff(**dict(JIANGSU, prices_cny_per_kwh={"peak": 1.0, "flat": 0.6}))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_builtin_shapes_match_annual_energy_and_load_factor(shape):
    s = process_load_kw(ProcessLoadSpec(name="x", annual_mwh=1234.0, shape=shape), IDX)
    assert s.sum() / 1000 == pytest.approx(1234.0, rel=1e-12)
    lf = s.mean() / s.max()
    lo, hi = SHAPES[shape].load_factor_range
    # the synthetic shapes are calibrated to the load-factor ranges of china-park-data.md §5.1
    assert lo <= lf <= hi


def test_holidays_lower_a_two_shift_load():
    s = process_load_kw(ProcessLoadSpec(name="x", annual_mwh=1000, shape="machinery_2shift"), IDX)
    noon = s[s.index.hour == 10]
    # 2025-10-01 (National Day) vs 2025-10-11 (a swapped working Saturday)
    assert noon.loc["2025-10-01"].iloc[0] < 0.5 * noon.loc["2025-10-11"].iloc[0]


def test_profile_csv_errors_name_file_and_expectation(tmp_path):
    f = tmp_path / "load.csv"
    pd.DataFrame({"p_kw": np.ones(100)}).to_csv(f, index=False)
    with pytest.raises(ValueError, match="load.csv: expected 8760 hourly rows .* found 100"):
        read_profile_csv(f, 8760)
    with pytest.raises(ValueError, match="file not found"):
        read_profile_csv(tmp_path / "nope.csv", 8760)
    pd.DataFrame({"p_kw": np.full(8760, 50.0)}).to_csv(f, index=False)
    s = process_load_kw(ProcessLoadSpec(name="m", profile_csv=f), IDX)
    assert s.sum() == pytest.approx(50 * 8760)


def test_spec_needs_exactly_one_source():
    with pytest.raises(ValidationError, match="exactly one"):
        ProcessLoadSpec(name="x", annual_mwh=10)
