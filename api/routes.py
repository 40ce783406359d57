"""Every controller/handler the app mounts. Other modules append theirs here (ROUTES.append(MyController))."""

from .admin import AdminController
from .bookings import BookingController
from .catalogue import CatalogueController
from .health import bench_select1, live, prometheus, ready

ROUTES: list = [
    CatalogueController,
    BookingController,
    AdminController,
    live,
    ready,
    prometheus,
    bench_select1,
]

from .payments.webhook import PaymentWebhookController  # noqa: E402 - payments module (issue 4)

ROUTES.append(PaymentWebhookController)

from .realtime.sse import showtime_events  # noqa: E402 - live seat updates (issue 6)

ROUTES.append(showtime_events)

from .web import WEB_ROUTES  # noqa: E402 - web pages (issue 7)

ROUTES.extend(WEB_ROUTES)

from .controllers.outbox_admin import OutboxAdminController  # noqa: E402 - notification admin (issue 5)

ROUTES.append(OutboxAdminController)

from .controllers.reports import ReportsController  # noqa: E402  (reports engineer: admin charts and CSV)

ROUTES.append(ReportsController)

from .controllers.smart_admin import SeatFeaturesController, SmartSeatingAdminController  # noqa: E402 - issue 10

ROUTES.extend([SeatFeaturesController, SmartSeatingAdminController])
