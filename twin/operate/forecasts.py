r"""Forecasts with errors for the operational twin: seeded AR(1) errors that grow with lead time.

A forecast issued at the start of hour :math:`t_0` for hour :math:`t_0 + \ell - 1`
(lead :math:`\ell = 1 \dots H`) is the true value plus an error

.. math::
    \varepsilon_{\ell} = \varphi\,\varepsilon_{\ell-1} + \sigma_\infty\sqrt{1-\varphi^2}\,z_\ell,
    \qquad \varepsilon_0 = 0,\quad z_\ell \sim N(0, 1),

so that :math:`\mathrm{sd}(\varepsilon_\ell) = \sigma_\infty \sqrt{1-\varphi^{2\ell}}`:
small an hour ahead, close to :math:`\sigma_\infty` a day ahead (with
:math:`\varphi = 0.9`, 44 % of it one hour ahead, 99 % after 24 h).  This is the
first-order autoregressive error model with errors growing with lead time of
Hafen et al. [1]_ and of the PNNL study [2]_.

Default sizes (labelled assumptions, configurable in ``operation.forecast``):

* PV: :math:`\sigma_\infty` = 12 % of the array's peak AC output per kWp (day-ahead
  solar forecast errors of 10–14 % of nameplate, Larson et al. [3]_), applied only
  in hours with daylight and clipped so that the forecast stays within
  ``[0, peak]``;
* electric, heat and cooling load: :math:`\sigma_\infty` = 7.5 % of the mean load
  (the middle of the 5–10 % usually quoted for day-ahead load forecasts; an
  assumption, not a measured value for the park);
* process heat (hot water, steam; series ``process_heat:<name>``, one per demand):
  :math:`\sigma_\infty` = 7.5 % of the demand's mean, ASSUMED as for the loads (no source
  for process heat; shifts and batches may make it less predictable), configurable as
  ``operation.forecast.process_heat_sd_of_mean``;
* process cooling (chilled water, brine; series ``process_cooling:<name>``, one per demand):
  :math:`\sigma_\infty` = 7.5 % of the demand's mean, ASSUMED as for the loads and the process heat,
  configurable as ``operation.forecast.process_cooling_sd_of_mean``;
* :math:`\varphi = 0.9` per hour.

A fault ``forecast_bias`` adds a relative bias to the forecasts issued in its time window.

References
----------
.. [1] Hafen, R. et al. (2014): forecast errors modelled as AR(1) processes whose
   spread grows with the lead time.
.. [2] Pacific Northwest National Laboratory study of forecast uncertainty in power
   system operation, Wind Energy (2011), doi:10.1002/we.460.
.. [3] Larson, D. P., Nonnenmacher, L., Coimbra, C. F. M. (2016). Day-ahead forecasting
   of solar power output from photovoltaic plants in the American Southwest.
   Renewable Energy 91, 11-20 (day-ahead errors of 10-14 % of nameplate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ForecastSettings:
    """Size of the forecast errors (defaults: see the module docstring)."""

    pv_sd_of_peak: float = 0.12
    """Day-ahead PV error, standard deviation per peak AC output [-]."""
    load_sd_of_mean: float = 0.075
    """Day-ahead load error, standard deviation per mean load [-] (electric, heat, cooling)."""
    process_heat_sd_of_mean: float = 0.075
    """Day-ahead process-heat error, standard deviation per mean demand [-] (ASSUMED, as the loads)."""
    process_cooling_sd_of_mean: float = 0.075
    """Day-ahead process-cooling error, standard deviation per mean demand [-] (ASSUMED, as the loads)."""
    phi: float = 0.9
    """AR(1) coefficient of the error from one lead hour to the next [-]."""
    perfect: bool = False
    """No errors at all (perfect foresight within the horizon)."""


PROCESS_HEAT = "process_heat:"
"""Prefix of the forecast series of a process-heat demand: ``process_heat:<name>`` [kW]."""


def process_heat_series(name: str) -> str:
    """Name of the forecast series of process-heat demand ``name``."""
    return PROCESS_HEAT + name


PROCESS_COOLING = "process_cooling:"
"""Prefix of the forecast series of a process-cooling demand: ``process_cooling:<name>`` [kW]."""


def process_cooling_series(name: str) -> str:
    """Name of the forecast series of process-cooling demand ``name``."""
    return PROCESS_COOLING + name


def ar1_paths(rng: np.random.Generator, n: int, horizon: int, phi: float) -> np.ndarray:
    """``n`` AR(1) error paths of unit stationary variance over leads 1..``horizon``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, horizon)`` [-]; row ``i`` column ``l-1`` is the error at lead ``l``.
    """
    z = rng.standard_normal((n, horizon)) * np.sqrt(max(1.0 - phi * phi, 0.0))
    out = np.empty_like(z)
    e = np.zeros(n)
    for k in range(horizon):
        e = phi * e + z[:, k]
        out[:, k] = e
    return out


class Forecaster:
    """Forecasts of the hourly series the controllers need, issued at any hour.

    Parameters
    ----------
    truth : dict
        Name -> true hourly series of length T (``load_kw``, ``heat_kw``, ``cool_kw``
        [kW], ``process_heat:<name>`` [kW] for each process-heat demand, ``process_cooling:<name>`` [kW]
        for each process-cooling demand and ``pv_per_kwp``
        with shape (arrays, T) [kW/kWp]).
    horizon : int
        Longest lead asked for [h].
    settings : ForecastSettings
    seed : int
        Seed of the error draws; equal seeds give identical forecasts.
    bias : dict, optional
        Series name -> relative bias of every forecast issued at hour t, length T [-]
        (``forecast_bias`` faults), added as ``bias * true value``.

    Notes
    -----
    Errors for every issue hour are drawn once at construction, so a forecast does not
    depend on the order in which it is asked for.
    """

    def __init__(self, truth: dict, horizon: int, settings: ForecastSettings | None = None,
                 seed: int = 0, bias: dict | None = None):
        self.s = settings or ForecastSettings()
        self.truth = {k: np.asarray(v, float) for k, v in truth.items()}
        self.H = int(horizon)
        T = next(iter(self.truth.values())).shape[-1]
        self.T = T
        self.bias = {k: np.asarray(v, float) for k, v in (bias or {}).items() if v is not None}
        rng = np.random.default_rng(seed)
        self._err = {}
        self._scale = {}
        for name, v in self.truth.items():
            if v.ndim == 1:
                sd = (self.s.process_heat_sd_of_mean if name.startswith(PROCESS_HEAT)
                      else self.s.process_cooling_sd_of_mean if name.startswith(PROCESS_COOLING)
                      else self.s.load_sd_of_mean)
                self._scale[name] = sd * float(np.mean(np.abs(v)))
                self._err[name] = ar1_paths(rng, T, self.H, self.s.phi)
            else:  # PV arrays: one path per array
                self._scale[name] = self.s.pv_sd_of_peak * v.max(axis=1)
                self._err[name] = np.stack([ar1_paths(rng, T, self.H, self.s.phi)
                                            for _ in range(v.shape[0])])

    def has(self, name: str) -> bool:
        """True if the forecaster has the series ``name``."""
        return name in self.truth

    def error_sd(self, name: str, n: int) -> np.ndarray:
        r"""Standard deviation of the forecast error at leads 1..``n`` [unit of the series]:
        :math:`\sigma_\infty\sqrt{1-\varphi^{2\ell}}`, what a controller knows of its own
        forecaster (its error statistics, not the errors). PV: shape (arrays, n) [kW/kWp],
        the error of a daylight hour. Zero with perfect forecasts."""
        lead = np.arange(1, n + 1)
        grow = np.sqrt(1.0 - self.s.phi ** (2 * lead)) * (0.0 if self.s.perfect else 1.0)
        scale = self._scale[name]
        return np.multiply.outer(scale, grow) if np.ndim(scale) else scale * grow

    def forecast(self, name: str, t0: int, n: int) -> np.ndarray:
        """Forecast of ``name`` issued at hour ``t0`` for hours ``t0 .. t0+n-1`` (clipped
        at the end of the horizon: shorter output) [unit of the series]."""
        v = self.truth[name]
        t1 = min(t0 + n, self.T)
        true = v[..., t0:t1]
        m = t1 - t0
        b = float(self.bias[name][t0]) if name in self.bias else 0.0
        if self.s.perfect and b == 0.0:
            return true.copy()
        noise = 0.0 if self.s.perfect else 1.0
        if v.ndim == 1:
            out = true + noise * self._scale[name] * self._err[name][t0, :m] + b * true
            return np.clip(out, 0.0, None)
        peak = v.max(axis=1)[:, None]
        err = noise * self._scale[name][:, None] * self._err[name][:, t0, :m]
        out = np.where(true > 0, true + err + b * true, 0.0)
        return np.clip(out, 0.0, peak)


def net_load_error_sd(fc, pv_kwp: np.ndarray, n: int, pv_fc: np.ndarray | None) -> np.ndarray:
    """Standard deviation of the net-load forecast error [kW] at leads 1..``n``: the electric
    load's and, in the hours whose PV forecast ``pv_fc`` (arrays x n [kW/kWp], None without PV)
    gives output, each array's of ``pv_kwp`` [kWp], taken as independent
    (:meth:`Forecaster.error_sd`). The rolling horizon's peak margin and the rule's arbitrage
    reserve are this times their own number of standard deviations."""
    var = fc.error_sd("load_kw", n) ** 2
    if pv_fc is not None:
        sd_pv = fc.error_sd("pv_per_kwp", n) * pv_kwp[:, None]
        var = var + ((pv_fc > 0) * sd_pv ** 2).sum(axis=0)
    return np.sqrt(var)

