"""Documents the office publishes: warning lists and progress reports (XLSX, PDF, ZIP)."""
