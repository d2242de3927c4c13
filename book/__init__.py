"""The machinery that builds, checks and bundles the course book; no notebook imports it.

- ``book.extension``: the Sphinx extension, whose jobs live in ``book.execution``
  (per-profile execution cache, kernels), ``book.outputs`` (plotly and animation
  renderers), ``book.page`` (CSS, templates, the Kaggle link, the folded set-up cell)
  and ``book.patches`` (changes to other packages);
- ``book.student``: each notebook's student version (no solutions, no outputs), for
  ``make student`` and the pages' download menu; ``book.exercises``: the self-checks'
  accessibility (labels, announced feedback, focus) on the pages that show one;
- ``book.build``: ``make book``, a strict ``jupyter-book build``;
- ``book.release``: set the version and publish its tag (standard library only: the
  workflow runs it without installing anything);
- ``book.bundle``: the maintainers' command that rebuilds ``data/`` and its SHA-256 sums.
"""
