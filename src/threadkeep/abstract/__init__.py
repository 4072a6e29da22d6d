"""The embedded abstract: a structured paper abstract quoted in a post, found and split out."""

from threadkeep.abstract.find import AbstractMatch, find_abstract, find_post_identifiers

__all__ = ["AbstractMatch", "find_abstract", "find_post_identifiers"]
