"""The workspace: a web edge over the library (``handle-docs serve``).

Routes parse the request, call the same library functions as the commands
(content loading, lint, review status and diff, rendering) and render a
server-side template; nothing else.  ``create_app(settings)`` builds the app.
"""

from handle_docs.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]
