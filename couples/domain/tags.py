"""Journal tags as a person types them."""


def normalise_tags(text: str | None) -> str:
    """Comma-separated, trimmed, de-duplicated (case-insensitively), order kept."""
    seen, tags = set(), []
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return ", ".join(tags)
