"""The web app: a REST API over the event store and the page that shows events on a map, a timeline and a list.

``create_app`` builds the FastAPI app; ``eventfuse serve`` runs it with uvicorn.
"""

from .app import create_app

__all__ = ["create_app"]
