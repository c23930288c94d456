"""The report module (Modul Laporan): report definitions that yield sections of typed rows,
and one writer per format (CSV, XLSX, PDF) fed by the same row generators."""
