"""Invoices (lines, tax, gapless numbering, PDF, credit notes), payments with allocations and
reversals, receivables (aging, DSO, expected cash), reminders and FX rates; exact Decimal money
rounded by one rule (see ``tandem.core.money``)."""
