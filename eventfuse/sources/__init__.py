"""Input sources: one module per input kind, each yielding Articles.

``files`` reads .txt/.html/.json/.jsonl; adding a source never touches another stage.
"""
