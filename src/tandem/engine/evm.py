"""Earned value management and earned schedule, with money in ``Decimal``.

Inputs are a baseline (each task's budget and planned dates), a status date, each task's percent
complete and actual cost. The planned value of a task grows linearly over its planned working days
(a task planned on Monday-Friday is 40 % planned by Tuesday evening); a milestone's value is planned
on its day. Money is never a float: budgets and costs are ``Decimal`` and so are the results,
quantized to ``places`` (2 by default; 0 for VND). Ratios are ``Decimal`` with 4 places; ``None``
when undefined (a zero denominator). Durations of earned schedule are in working days (float).

Formulas (PMI, *Practice Standard for Earned Value Management*; Lipke, *Earned Schedule*):

* PV: planned value (BCWS), EV: earned value (BCWP) = budget x % complete, AC: actual cost (ACWP)
* SV = EV - PV, CV = EV - AC, SPI = EV / PV, CPI = EV / AC, BAC = sum of budgets
* EAC, three named forecasts: ``cpi`` = BAC / CPI (current cost efficiency continues);
  ``budget_rate`` = AC + (BAC - EV) (remaining work at the planned rate);
  ``cpi_spi`` = AC + (BAC - EV) / (CPI x SPI) (cost and schedule both weigh on the rest)
* ETC = EAC - AC, VAC = BAC - EAC (with the ``cpi`` EAC)
* TCPI(BAC) = (BAC - EV) / (BAC - AC), TCPI(EAC) = (BAC - EV) / (EAC - AC)
* Earned schedule: ES = C + (EV - PV_C) / (PV_C+1 - PV_C), C the whole periods whose cumulative PV
  is reached by EV; AT the periods elapsed; SPI(t) = ES / AT, SV(t) = ES - AT,
  IEAC(t) = PD / SPI(t) with PD the planned duration; forecast finish = start + IEAC(t).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

from tandem.engine.calendar import CalendarSpec, WorkCalendar
from tandem.engine.cpm import CpmResult
from tandem.engine.errors import EngineError
from tandem.engine.model import Network

RATIO_PLACES = Decimal("0.0001")


@dataclass
class EvTask:
    id: str
    budget: Decimal
    planned_start: dt.date
    planned_finish: dt.date  # last planned working day (inclusive)
    percent_complete: Decimal | float = 0
    actual_cost: Decimal = Decimal(0)


@dataclass
class StatusPoint:
    """A past measurement, for the S-curve: EV and AC as they were on ``date``."""

    date: dt.date
    ev: Decimal
    ac: Decimal


@dataclass
class CurvePoint:
    date: dt.date
    pv: Decimal
    ev: Decimal | None = None
    ac: Decimal | None = None


@dataclass
class Forecast:
    name: str
    formula: str
    value: Decimal | None


@dataclass
class EarnedValue:
    status_date: dt.date
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None  # the ``cpi`` forecast
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: Decimal | None
    tcpi_eac: Decimal | None
    forecasts: list[Forecast]
    # earned schedule (working days)
    planned_duration: int
    actual_time: int
    earned_schedule: float
    spi_t: float | None
    sv_t: float
    ieac_t: float | None
    planned_finish: dt.date
    forecast_finish: dt.date | None
    curve: list[CurvePoint] = field(default_factory=list)


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    if den == 0:
        return None
    return (num / den).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def earned_value(
    tasks: list[EvTask],
    *,
    status_date: dt.date,
    calendar: WorkCalendar | CalendarSpec | None = None,
    places: int = 2,
    history: list[StatusPoint] | None = None,
    curve_step: int = 1,
) -> EarnedValue:
    """Earned value figures at ``status_date`` (see the module docstring for the formulas)."""
    if not tasks:
        raise EngineError("earned value needs at least one task")
    cal = (
        calendar
        if isinstance(calendar, WorkCalendar)
        else WorkCalendar(calendar, around=status_date)
    )
    quantum = Decimal(1).scaleb(-places)

    def money(x: Decimal) -> Decimal:
        return x.quantize(quantum, rounding=ROUND_HALF_UP)

    for t in tasks:
        if t.planned_finish < t.planned_start:
            raise EngineError(f"task {t.id!r}: planned finish before planned start")
        if not 0 <= Decimal(str(t.percent_complete)) <= 100:
            raise EngineError(f"task {t.id!r}: percent complete must be within 0..100")
    first = cal.indexes_of(np.array([t.planned_start for t in tasks], dtype="datetime64[D]"))
    # Index one past the last planned working day (a finish on a day off counts back to the last
    # working day, which ``index_on_or_before`` would give; +1 makes it exclusive).
    last = np.array([cal.index_on_or_before(t.planned_finish) + 1 for t in tasks], dtype=np.int64)
    last = np.maximum(last, first)  # a zero-length (milestone) task
    origin = int(first.min())
    end = int(last.max())
    budgets = [t.budget for t in tasks]
    bac = sum(budgets, Decimal(0))
    status_index = cal.index_on_or_before(status_date) + 1  # status date counts as elapsed

    with localcontext() as ctx:
        ctx.prec = 34

        # Cumulative planned value by period, from per-period rates (difference array): one pass
        # over tasks and one over periods, however many tasks there are.
        span = end - origin
        rate = [Decimal(0)] * (span + 1)
        for b, a, z in zip(budgets, first.tolist(), last.tolist(), strict=True):
            if z == a:  # milestone: all of its value on its day
                rate[a - origin] += b
                rate[a - origin + 1] -= b
            else:
                per = b / Decimal(z - a)
                rate[a - origin] += per
                rate[z - origin] -= per
        cum = [Decimal(0)] * (span + 2)
        daily = Decimal(0)
        for k in range(span + 1):
            daily += rate[k]
            cum[k + 1] = cum[k] + daily
        # After the last planned day everything is planned: use BAC exactly (no rounding residue).
        cum[span] = bac
        cum[span + 1] = bac

        def pv_at(period_end: int) -> Decimal:
            """Cumulative PV of the work planned in the periods before ``period_end``."""
            k = period_end - origin
            if k <= 0:
                return Decimal(0)
            return cum[min(k, span)]

        pv = pv_at(status_index)
        ev = sum((t.budget * Decimal(str(t.percent_complete)) / 100 for t in tasks), Decimal(0))
        ac = sum((t.actual_cost for t in tasks), Decimal(0))
        spi = _ratio(ev, pv)
        cpi = _ratio(ev, ac)
        exact_cpi = ev / ac if ac else None
        exact_spi = ev / pv if pv else None
        eac_cpi = bac / exact_cpi if exact_cpi else None
        eac_rate = ac + (bac - ev)
        eac_both = ac + (bac - ev) / (exact_cpi * exact_spi) if exact_cpi and exact_spi else None
        forecasts = [
            Forecast("cpi", "BAC / CPI", None if eac_cpi is None else money(eac_cpi)),
            Forecast("budget_rate", "AC + (BAC - EV)", money(eac_rate)),
            Forecast(
                "cpi_spi",
                "AC + (BAC - EV) / (CPI * SPI)",
                None if eac_both is None else money(eac_both),
            ),
        ]
        etc = None if eac_cpi is None else eac_cpi - ac
        vac = None if eac_cpi is None else bac - eac_cpi
        tcpi_bac = _ratio(bac - ev, bac - ac)
        tcpi_eac = None if eac_cpi is None else _ratio(bac - ev, eac_cpi - ac)

        # Earned schedule on the cumulative PV curve, period by period.
        planned_duration = end - origin
        curve_pv = [pv_at(origin + k) for k in range(planned_duration + 1)]
        es = _earned_schedule(curve_pv, ev)
        at = status_index - origin
        spi_t = es / at if at > 0 else None
        ieac = planned_duration / spi_t if spi_t else None
        forecast_finish = None
        if ieac is not None and math.isfinite(ieac):
            forecast_finish = cal.date_of(origin + max(math.ceil(ieac - 1e-9), 1) - 1)
        curve = _curve(cal, origin, max(end, status_index), curve_step, pv_at, history or [], money)
        if status_index > origin:
            curve.append(CurvePoint(cal.date_of(status_index - 1), money(pv), money(ev), money(ac)))
            curve.sort(key=lambda p: (p.date, p.ev is not None))
    return EarnedValue(
        status_date=status_date,
        bac=money(bac),
        pv=money(pv),
        ev=money(ev),
        ac=money(ac),
        sv=money(ev - pv),
        cv=money(ev - ac),
        spi=spi,
        cpi=cpi,
        eac=forecasts[0].value,
        etc=None if etc is None else money(etc),
        vac=None if vac is None else money(vac),
        tcpi_bac=tcpi_bac,
        tcpi_eac=tcpi_eac,
        forecasts=forecasts,
        planned_duration=planned_duration,
        actual_time=at,
        earned_schedule=round(es, 4),
        spi_t=None if spi_t is None else round(spi_t, 4),
        sv_t=round(es - at, 4),
        ieac_t=None if ieac is None else round(ieac, 4),
        planned_finish=cal.date_of(end - 1),
        forecast_finish=forecast_finish,
        curve=curve,
    )


def _earned_schedule(curve_pv: list[Decimal], ev: Decimal) -> float:
    """ES: whole periods whose cumulative PV is reached, plus the fraction into the next one."""
    c = 0
    while c + 1 < len(curve_pv) and curve_pv[c + 1] <= ev:
        c += 1
    if c + 1 >= len(curve_pv):
        return float(c)
    step = curve_pv[c + 1] - curve_pv[c]
    frac = (ev - curve_pv[c]) / step if step > 0 else Decimal(0)
    return c + float(frac)


def _curve(
    cal: WorkCalendar,
    origin: int,
    end: int,
    step: int,
    pv_at: Callable[[int], Decimal],
    history: list[StatusPoint],
    money: Callable[[Decimal], Decimal],
) -> list[CurvePoint]:
    # One point per ``step`` working days: the PV planned by the end of that day.
    days = list(range(1, end - origin + 1, max(step, 1)))
    if days and days[-1] != end - origin:
        days.append(end - origin)
    points = [CurvePoint(cal.date_of(origin + k - 1), money(pv_at(origin + k))) for k in days]
    for h in history:
        k = cal.index_on_or_before(h.date) + 1
        points.append(CurvePoint(h.date, money(pv_at(k)), money(h.ev), money(h.ac)))
    points.sort(key=lambda p: (p.date, p.ev is not None))
    return points


def baseline_from_schedule(
    network: Network,
    schedule: CpmResult,
    *,
    actual_costs: dict[str, Decimal] | None = None,
) -> list[EvTask]:
    """Earned-value tasks from a dated CPM schedule: budgets and progress from the network."""
    if schedule.calendar is None:
        raise EngineError("earned value needs a network with a start date")
    summaries = network.summary_ids()
    costs = actual_costs or {}
    out = []
    for t in network.tasks:
        if t.id in summaries or t.budget is None:
            continue
        s = schedule.tasks[t.id]
        if s.early_start is None or s.early_finish is None:  # pragma: no cover - dated above
            raise EngineError("the schedule has no dates")
        out.append(
            EvTask(
                id=t.id,
                budget=t.budget,
                planned_start=s.early_start,
                planned_finish=s.early_finish,
                percent_complete=Decimal(str(t.percent_complete)),
                actual_cost=costs.get(t.id, Decimal(0)),
            )
        )
    return out
