"""The version and home page, in a module of their own so that nothing imports the package root."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/threadkeep/threadkeep"
