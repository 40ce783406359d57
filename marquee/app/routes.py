"""Every controller and handler the app mounts: the one list."""

from ..admin.controllers import AdminController, SmartSeatingAdminController
from ..booking.controllers import BookingController, SeatFeaturesController
from ..catalogue.controllers import CatalogueController
from ..exchange.controllers import ExchangeController
from ..checkin.controllers import CheckinController
from ..http.health import BENCH_ROUTES, HEALTH_ROUTES
from ..notify.controllers import OutboxAdminController
from ..operators.controllers import AuthController, OperatorsAdminController
from ..payments.controllers import PaymentWebhookController
from ..queue.controllers import MovieOnSaleAdminController, OnSaleAdminController, QueueController
from ..realtime.controllers import showtime_events
from ..reports.controllers import ReportsController
from ..settings import Settings
from ..waitlist.controllers import WaitlistAdminController, WaitlistController
from ..web.controllers import WebController, static_files

ROUTES: list = [
    CatalogueController,
    BookingController,
    ExchangeController,
    SeatFeaturesController,
    PaymentWebhookController,
    showtime_events,
    AuthController,
    AdminController,
    SmartSeatingAdminController,
    OperatorsAdminController,
    OutboxAdminController,
    ReportsController,
    WaitlistController,
    WaitlistAdminController,
    OnSaleAdminController,
    MovieOnSaleAdminController,
    QueueController,
    CheckinController,
    WebController,
    static_files,
    *HEALTH_ROUTES,
]


def routes(settings: Settings) -> list:
    """The routes of an app with these settings: the benchmark's endpoints only when BENCH_ENDPOINTS is on."""
    return ROUTES + (BENCH_ROUTES if settings.bench_endpoints else [])
