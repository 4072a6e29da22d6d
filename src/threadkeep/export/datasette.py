"""Datasette's metadata.json for a threadkeep database: titles, descriptions of the tables and
columns, and canned queries (search comments, one commenter's comments, the most discussed threads)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from threadkeep._version import HOMEPAGE
from threadkeep.errors import InputError


def canned_queries() -> dict[str, dict[str, Any]]:
    """Datasette's canned queries: searching comments, one commenter's comments, the busiest threads."""
    comment_columns = (
        "threads.title as thread, threads.url as thread_url, comments.number, comments.author_name as author,"
        " comments.published, comments.text, comments.permalink"
    )
    return {
        "search_comments": {
            "title": "Search comments",
            "description": "Comments whose text or author matches the search words, newest first."
            " Words are matched whole (alemtuzumab, not alemtuzu); several words must all appear;"
            " put a phrase in double quotes.",
            "sql": (
                f"select {comment_columns}\n"
                "from comments_fts\n"
                "join comments on comments.rowid = comments_fts.rowid\n"
                "join threads on threads.id = comments.thread_id\n"
                "where comments_fts match case when trim(:q) = '' then '\"\"' else escape_fts(:q) end\n"
                "order by comments.published_utc desc nulls last, comments.thread_id, comments.position\n"
                "limit 1000"
            ),
        },
        "commenter": {
            "title": "A commenter's comments",
            "description": "Everything one author wrote, across all threads, oldest first"
            " (the name exactly as shown on the page).",
            "sql": (
                f"select {comment_columns}\n"
                "from comments\n"
                "join threads on threads.id = comments.thread_id\n"
                "where comments.author_name = :author\n"
                "order by comments.published_utc nulls last, comments.thread_id, comments.position"
            ),
        },
        "most_discussed": {
            "title": "The most discussed threads",
            "description": "Threads by number of comments, with their commenters and the latest comment.",
            "sql": (
                "select threads.title, threads.url, threads.published, threads.comment_count,\n"
                "  count(distinct comments.author_name) as commenters,\n"
                "  max(comments.published_utc) as latest_comment\n"
                "from threads\n"
                "left join comments on comments.thread_id = threads.id\n"
                "group by threads.id\n"
                "order by threads.comment_count desc, threads.title\n"
                "limit 100"
            ),
        },
    }


COLUMN_DESCRIPTIONS = {
    "threads": {
        "url": "the post's URL (its canonical URL, else the URL it was fetched from)",
        "published_utc": "published, in UTC where the page gave an offset",
        "labels": "tags or categories, as shown (JSON list)",
        "platform": "the extractor or API that read it",
        "comment_count": "all comments, replies included",
        "max_depth": "1 = no replies, 0 = no comments",
        "deleted_count": "comments removed upstream that left a stub",
        "removed_count": "comments that vanished upstream (kept here)",
        "edited_count": "comments whose text changed upstream",
        "not_archived": "comments the platform hid behind 'more' links",
        "first_seen": "the first fetch that went into the archive",
        "last_seen": "when update/sync last looked",
        "doi": "the DOI of the paper the post quotes",
        "trials": "trial ids (NCT…, ISRCTN…) as a JSON list",
        "archive": "the archive file this row was read from",
        "archive_sha256": "its SHA-256: a re-export skips archives whose bytes did not change",
    },
    "comments": {
        "id": "the platform's id of the comment",
        "position": "its place in reading order (1 = first)",
        "number": "its number as a reader counts: 1, 2, 2.1",
        "depth": "1 at the top level",
        "kind": "comment, pingback or trackback",
        "published_utc": "published, in UTC where the page gave an offset",
        "deleted": "1: removed upstream, left a stub that keeps its place",
        "removed_upstream_at": "the first fetch that no longer saw it",
        "edit_count": "earlier versions kept in comment_history",
        "html": "sanitized HTML",
    },
}


def metadata(db_name: str, *, title: str = "threadkeep archive") -> dict[str, Any]:
    """The metadata.json for `datasette DB -m metadata.json` (or a directory with both in it)."""
    return {
        "title": title,
        "description": "Blog discussion threads archived with threadkeep: the posts, the paper abstracts"
        " they quote, and every comment, searchable.",
        "about": "threadkeep",
        "about_url": HOMEPAGE,
        "databases": {
            db_name: {
                "tables": {
                    "threads": {
                        "description": "One row per archived thread.",
                        "label_column": "title",
                        "sort_desc": "comment_count",
                        "columns": COLUMN_DESCRIPTIONS["threads"],
                    },
                    "comments": {
                        "description": "One row per comment, in reading order within its thread.",
                        "sort": "position",
                        "columns": COLUMN_DESCRIPTIONS["comments"],
                    },
                    "abstract_sections": {"description": "The sections of each thread's abstract, in order."},
                    "comment_history": {"description": "Earlier versions of edited comments, oldest first."},
                    "_threadkeep": {"hidden": True},
                },
                "queries": canned_queries(),
            }
        },
    }


def write_metadata(path: str | Path, db_path: str | Path) -> None:
    """Write (or update) the metadata.json at path for the database at db_path.

    An existing metadata.json that threadkeep did not write is never overwritten (InputError); one
    that it wrote keeps the entries of its other databases."""
    from threadkeep.store import write_atomic

    path = Path(path)
    name = Path(db_path).stem
    data = metadata(name)
    if path.exists():
        try:
            old = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            old = None
        if not isinstance(old, dict) or old.get("about") != "threadkeep":
            raise InputError(f"{path}: exists and was not written by threadkeep; choose another with --metadata")
        databases = old.get("databases") if isinstance(old.get("databases"), dict) else {}
        data["databases"] = {**databases, **data["databases"]}
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
