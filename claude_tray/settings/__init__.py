"""The settings: schema and validation, the sentence per key, the file, comment-keeping edits, hot reload."""
