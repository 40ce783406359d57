"""Contains all the data models used in inputs/outputs"""

from .admin_allocate_response_200 import AdminAllocateResponse200
from .admin_cancel_in import AdminCancelIn
from .admin_cancel_in_reason_category_type_0 import AdminCancelInReasonCategoryType0
from .admin_companions_response_200 import AdminCompanionsResponse200
from .admin_focal_point_response_200 import AdminFocalPointResponse200
from .admin_lone_seat_rule_response_200 import AdminLoneSeatRuleResponse200
from .admin_payment_discrepancies_response_200_item import AdminPaymentDiscrepanciesResponse200Item
from .admin_release_response_200 import AdminReleaseResponse200
from .admin_search_bookings_response_200_item import AdminSearchBookingsResponse200Item
from .admin_set_prices_body import AdminSetPricesBody
from .admin_showtime_bookings_response_200_item import AdminShowtimeBookingsResponse200Item
from .admin_waitlist import AdminWaitlist
from .admin_waitlist_entry import AdminWaitlistEntry
from .admin_waitlist_entry_seat_types_type_0_item import AdminWaitlistEntrySeatTypesType0Item
from .admin_waitlist_entry_status import AdminWaitlistEntryStatus
from .admitted import Admitted
from .admitted_result import AdmittedResult
from .api_key import ApiKey
from .api_key_created import ApiKeyCreated
from .api_key_in import ApiKeyIn
from .api_key_in_role import ApiKeyInRole
from .api_key_role import ApiKeyRole
from .auditorium_in import AuditoriumIn
from .auditorium_layout import AuditoriumLayout
from .best_available import BestAvailable
from .best_available_types_type_0_item import BestAvailableTypesType0Item
from .block_in import BlockIn
from .cancel_request import CancelRequest
from .cancel_request_reason_category_type_0 import CancelRequestReasonCategoryType0
from .cancel_response import CancelResponse
from .cancellation_reasons_for import CancellationReasonsFor
from .cancellation_reasons_response_200_item import CancellationReasonsResponse200Item
from .channel_allocation import ChannelAllocation
from .channel_release import ChannelRelease
from .cinema import Cinema
from .cinema_in import CinemaIn
from .cinema_patch import CinemaPatch
from .companions import Companions
from .confirm_request import ConfirmRequest
from .confirm_request_payment_method import ConfirmRequestPaymentMethod
from .confirm_response import ConfirmResponse
from .count import Count
from .created import Created
from .error import Error
from .error_detail import ErrorDetail
from .error_detail_details import ErrorDetailDetails
from .exchange_best import ExchangeBest
from .exchange_best_available import ExchangeBestAvailable
from .exchange_best_available_types_type_0_item import ExchangeBestAvailableTypesType0Item
from .exchange_pending_response import ExchangePendingResponse
from .exchange_response import ExchangeResponse
from .exchange_seats import ExchangeSeats
from .find_response_200 import FindResponse200
from .fixed import FIXED
from .focal_point import FocalPoint
from .held_seat import HeldSeat
from .hold_best_available import HoldBestAvailable
from .hold_response import HoldResponse
from .hold_seats import HoldSeats
from .join_in import JoinIn
from .layout import Layout
from .layout_row import LayoutRow
from .layout_seat import LayoutSeat
from .layout_seat_type import LayoutSeatType
from .live_response_200 import LiveResponse200
from .login_in import LoginIn
from .login_out import LoginOut
from .logout_out import LogoutOut
from .lone_seat_rule import LoneSeatRule
from .manifest_response_200 import ManifestResponse200
from .map_row import MapRow
from .map_seat import MapSeat
from .me_response_200 import MeResponse200
from .movie_in import MovieIn
from .movie_on_sale import MovieOnSale
from .movie_patch import MoviePatch
from .movie_showing import MovieShowing
from .offline_scan import OfflineScan
from .ok import Ok
from .on_sale import OnSale
from .on_sale_in import OnSaleIn
from .operator import Operator
from .operator_brief import OperatorBrief
from .operator_brief_role import OperatorBriefRole
from .operator_in import OperatorIn
from .operator_in_role import OperatorInRole
from .operator_patch import OperatorPatch
from .operator_patch_role import OperatorPatchRole
from .operator_role import OperatorRole
from .payment_method import PaymentMethod
from .payment_pending_response import PaymentPendingResponse
from .payment_pending_response_next_action_type_0 import PaymentPendingResponseNextActionType0
from .payment_request import PaymentRequest
from .payment_response import PaymentResponse
from .percent import PERCENT
from .price_request import PriceRequest
from .price_response import PriceResponse
from .promo_active_in import PromoActiveIn
from .queue_entry import QueueEntry
from .queue_entry_status import QueueEntryStatus
from .queue_status import QueueStatus
from .ready_response_200 import ReadyResponse200
from .refund_info import RefundInfo
from .release_response import ReleaseResponse
from .scan_in import ScanIn
from .seat_map import SeatMap
from .seats_active_in import SeatsActiveIn
from .showtime import Showtime
from .showtime_in import ShowtimeIn
from .showtime_in_prices import ShowtimeInPrices
from .standing_on_sale import StandingOnSale
from .sync_response_200 import SyncResponse200
from .time_zone import TimeZone
from .undo_in import UndoIn
from .undo_response_200 import UndoResponse200
from .user_details import UserDetails
from .waitlist_entry import WaitlistEntry
from .waitlist_entry_seat_types_type_0_item import WaitlistEntrySeatTypesType0Item
from .waitlist_entry_status import WaitlistEntryStatus
from .waitlist_joined import WaitlistJoined
from .waitlist_joined_seat_types_type_0_item import WaitlistJoinedSeatTypesType0Item
from .waitlist_joined_status import WaitlistJoinedStatus
from .waitlist_offer import WaitlistOffer
from .waitlist_request import WaitlistRequest
from .waitlist_request_seat_types_type_0_item import WaitlistRequestSeatTypesType0Item

__all__ = (
    "AdminAllocateResponse200",
    "AdminCancelIn",
    "AdminCancelInReasonCategoryType0",
    "AdminCompanionsResponse200",
    "AdminFocalPointResponse200",
    "AdminLoneSeatRuleResponse200",
    "AdminPaymentDiscrepanciesResponse200Item",
    "AdminReleaseResponse200",
    "AdminSearchBookingsResponse200Item",
    "AdminSetPricesBody",
    "AdminShowtimeBookingsResponse200Item",
    "AdminWaitlist",
    "AdminWaitlistEntry",
    "AdminWaitlistEntrySeatTypesType0Item",
    "AdminWaitlistEntryStatus",
    "Admitted",
    "AdmittedResult",
    "ApiKey",
    "ApiKeyCreated",
    "ApiKeyIn",
    "ApiKeyInRole",
    "ApiKeyRole",
    "AuditoriumIn",
    "AuditoriumLayout",
    "BestAvailable",
    "BestAvailableTypesType0Item",
    "BlockIn",
    "CancellationReasonsFor",
    "CancellationReasonsResponse200Item",
    "CancelRequest",
    "CancelRequestReasonCategoryType0",
    "CancelResponse",
    "ChannelAllocation",
    "ChannelRelease",
    "Cinema",
    "CinemaIn",
    "CinemaPatch",
    "Companions",
    "ConfirmRequest",
    "ConfirmRequestPaymentMethod",
    "ConfirmResponse",
    "Count",
    "Created",
    "Error",
    "ErrorDetail",
    "ErrorDetailDetails",
    "ExchangeBest",
    "ExchangeBestAvailable",
    "ExchangeBestAvailableTypesType0Item",
    "ExchangePendingResponse",
    "ExchangeResponse",
    "ExchangeSeats",
    "FindResponse200",
    "FIXED",
    "FocalPoint",
    "HeldSeat",
    "HoldBestAvailable",
    "HoldResponse",
    "HoldSeats",
    "JoinIn",
    "Layout",
    "LayoutRow",
    "LayoutSeat",
    "LayoutSeatType",
    "LiveResponse200",
    "LoginIn",
    "LoginOut",
    "LogoutOut",
    "LoneSeatRule",
    "ManifestResponse200",
    "MapRow",
    "MapSeat",
    "MeResponse200",
    "MovieIn",
    "MovieOnSale",
    "MoviePatch",
    "MovieShowing",
    "OfflineScan",
    "Ok",
    "OnSale",
    "OnSaleIn",
    "Operator",
    "OperatorBrief",
    "OperatorBriefRole",
    "OperatorIn",
    "OperatorInRole",
    "OperatorPatch",
    "OperatorPatchRole",
    "OperatorRole",
    "PaymentMethod",
    "PaymentPendingResponse",
    "PaymentPendingResponseNextActionType0",
    "PaymentRequest",
    "PaymentResponse",
    "PERCENT",
    "PriceRequest",
    "PriceResponse",
    "PromoActiveIn",
    "QueueEntry",
    "QueueEntryStatus",
    "QueueStatus",
    "ReadyResponse200",
    "RefundInfo",
    "ReleaseResponse",
    "ScanIn",
    "SeatMap",
    "SeatsActiveIn",
    "Showtime",
    "ShowtimeIn",
    "ShowtimeInPrices",
    "StandingOnSale",
    "SyncResponse200",
    "TimeZone",
    "UndoIn",
    "UndoResponse200",
    "UserDetails",
    "WaitlistEntry",
    "WaitlistEntrySeatTypesType0Item",
    "WaitlistEntryStatus",
    "WaitlistJoined",
    "WaitlistJoinedSeatTypesType0Item",
    "WaitlistJoinedStatus",
    "WaitlistOffer",
    "WaitlistRequest",
    "WaitlistRequestSeatTypesType0Item",
)
