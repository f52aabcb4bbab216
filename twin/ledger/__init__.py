"""Energy and carbon ledger: baseline vs planned accounts in kWh, tce and tCO2.

Public API: :class:`AccountingSettings`, :func:`build_ledger`, :class:`Ledger`.
"""

from twin.ledger.core import Accounts, Ledger, build_ledger, unit_of
from twin.ledger.settings import AccountingSettings

__all__ = ["AccountingSettings", "Accounts", "Ledger", "build_ledger", "unit_of"]
