"""Reports: the charts page and CSV export for operators, and the job that refreshes the aggregates."""
