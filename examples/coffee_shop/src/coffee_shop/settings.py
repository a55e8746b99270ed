"""Project settings read by kedro_ipy when the project is bootstrapped.

Only what differs from the defaults is set here.
"""

from kedro_ipy.framework.session.store import FileSessionStore

from coffee_shop.hooks import NodeTimingHook

# Time every node; the timings are logged and kept on the hook instance.
HOOKS = (NodeTimingHook(),)

# Keep each session's store (its runs, their filters and outcomes) in sessions/<id>.json, so a
# command-line run shows up in the notebook's history and a session can be reopened by id.
SESSION_STORE_CLASS = FileSessionStore
