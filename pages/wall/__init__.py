"""/wall — the command room's wall screen (issue 14): reached by URL, not in the navigation.

``page`` (layout, refresh and rotation callbacks), ``data`` (what it shows, from the query layer),
``panels`` (one function per panel), ``playlist`` (URL and ``config/wall.yaml``), ``access`` (the
view-only hook). Docs: ``docs/WALL.md``.
"""

from dashboard.pagekit import PageSpec
from pages.wall.page import callbacks, layout

PAGE = PageSpec(path="/wall", nav=None, order=90, layout=layout, callbacks=callbacks, title="wall.title",
                chrome=False)
