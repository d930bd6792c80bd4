"""Pure domain code: no database, no HTTP. Models, forms, services and parts
may all stand on it; it stands on nothing of theirs (except model constants)."""
