"""manybody: open quantum many-body systems whose engineered baths drive currents.

Subpackages: :mod:`manybody.models` (model descriptions), :mod:`manybody.tgge`
(tGGE rate equations), :mod:`manybody.experiments` (paper figures), :mod:`manybody.cli`.
"""

from importlib import metadata

from .result import Result

try:
    __version__ = metadata.version("manybody")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["Result", "__version__"]
