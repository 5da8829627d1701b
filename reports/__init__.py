"""Statistics and the annual report (issue 7).

Institutions send statistical returns (CSV or XLSX from `liaison stats template BRANCH`); each is checked
line by line and stored whole or not at all (`returns.import_return`), a resubmission replacing the
previous version atomically with the history kept. `liaison report YEAR [--format html|pdf]` builds the
annual report (`report` model -> `render` HTML/PDF), reproducible byte for byte from the same data;
`opendata` publishes the aggregated tables; `demo` makes clearly labelled synthetic returns.

Keep imports light here: the CLI imports this package at start-up.
"""
