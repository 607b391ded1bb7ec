"""Sphinx configuration: the manybody documentation (built by .ci/run with -W)."""

import manybody

project = "manybody"
author = "the manybody developers"
release = version = manybody.__version__

extensions = [
    "myst_nb",  # Markdown pages and executed tutorials
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",  # numpy-style docstrings
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "force"  # every tutorial runs at every build
nb_execution_raise_on_error = True
nb_execution_timeout = 900
nb_execution_show_tb = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "alabaster"
html_title = "manybody"
suppress_warnings = ["myst.header"]  # the README's sections start at level two
