"""/data, the data desk (issue 17): per-source freshness, the load log, the rejects browser, and the upload area
(validation preview, mapping an unknown layout, a load through the background queue with a progress bar).

``page`` (layout and callbacks), ``parts`` (its blocks, pure functions of data). The desk's work is done by
``dashboard.desk``; docs: ``docs/DATA_DESK.md``.
"""

from dashboard.pagekit import PageSpec
from pages.data.page import callbacks, layout, skeleton

PAGE = PageSpec(path="/data", nav="nav.data", order=80, layout=layout, callbacks=callbacks, title="data.title",
                skeleton=skeleton, filters=())
