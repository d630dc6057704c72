"""One component per file: header, item list, article/detail, status line, footer."""
