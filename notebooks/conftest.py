"""pytest settings for the notebooks, which nbval runs (see the README's test command).

- The ``.py`` files here are jupytext twins of the notebooks, not modules: they are not
  collected (``--doctest-modules`` would otherwise import, that is run, each of them).
- A glyph missing from the font fails the run: matplotlib's "Glyph ... missing from font(s)"
  UserWarning becomes an error in the kernels nbval starts, which inherit this environment.
"""

import os

collect_ignore_glob = ["*.py"]

_GLYPH_FILTER = "error:Glyph:UserWarning"
_current = os.environ.get("PYTHONWARNINGS", "")
if _GLYPH_FILTER not in _current.split(","):
    os.environ["PYTHONWARNINGS"] = f"{_current},{_GLYPH_FILTER}" if _current else _GLYPH_FILTER
