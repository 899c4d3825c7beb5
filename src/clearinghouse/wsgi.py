import os

from django.core.wsgi import get_wsgi_application

from clearinghouse.core import allocator

allocator.tune()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
_site = get_wsgi_application()

# Imported once Django is set up.
from clearinghouse.core import lifeline  # noqa: E402
from clearinghouse.geo import resolve  # noqa: E402
from clearinghouse.tipline.ispws.wsgi import ReportingApi  # noqa: E402

# The reporting API's endpoints skip the site's middleware.
application = ReportingApi(_site)
# Loaded when the worker starts, not by the first request that places a report.
resolve.warm_up()
lifeline.watch_parent_if_supervised()
