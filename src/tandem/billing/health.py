"""The payment factor of client health: overdue invoices, how late and how much."""
