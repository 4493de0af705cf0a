"""Harvest reports from government sites into reports/, and watch the sources afterwards.

fetch (polite, safe HTTP) -> sniff (type from the bytes) -> attachments (what a page links or shows)
-> store (atomic files + sidecars, one copy per sha256) ; run ties them together for `gongkai harvest`,
sources for `gongkai check-sources`.  Nothing here is imported by the build except the small readers of
the state files (state.py), so a build never opens a network connection.
"""
