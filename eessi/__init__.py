"""EESSI desk: the catalogue of business use cases (BUCs), structured electronic documents (SEDs) and
portable documents, its look-ups, and the monitoring of exchange counts (article R767-2 CSS, 9° and 10°)."""
