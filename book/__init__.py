"""The machinery that builds, checks and bundles the course book; no notebook imports it.

- ``book.extension``: the Sphinx extension (per-profile execution cache, plotly and
  animation renderers, accessibility, the Kaggle launch link);
- ``book.build``: ``make book``, a strict ``jupyter-book build``;
- ``book.bundle``: the maintainers' command that rebuilds ``data/`` and its SHA-256 sums.
"""
