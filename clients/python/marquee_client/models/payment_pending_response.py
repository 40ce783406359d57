from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payment_pending_response_next_action_type_0 import PaymentPendingResponseNextActionType0


T = TypeVar("T", bound="PaymentPendingResponse")


@_attrs_define
class PaymentPendingResponse:
    """202: the payment is not finished and not declined. REQUIRES_ACTION: the buyer must complete 3-D Secure
    (nextAction.redirectToUrl.url, or Stripe.js with clientSecret), then call process again without paymentMethod.
    PROCESSING: the money settles later; the booking keeps its seats until paymentDeadline and the webhook decides.

        Attributes:
            booking_reference (str):
            booking_status (str):
            payment_deadline (str):
            status (str):
            success (bool):
            client_secret (None | str | Unset):
            next_action (None | PaymentPendingResponseNextActionType0 | Unset):
    """

    booking_reference: str
    booking_status: str
    payment_deadline: str
    status: str
    success: bool
    client_secret: None | str | Unset = UNSET
    next_action: None | PaymentPendingResponseNextActionType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.payment_pending_response_next_action_type_0 import PaymentPendingResponseNextActionType0  # noqa: PLC0415

        booking_reference = self.booking_reference

        booking_status = self.booking_status

        payment_deadline = self.payment_deadline

        status = self.status

        success = self.success

        client_secret: None | str | Unset
        if isinstance(self.client_secret, Unset):
            client_secret = UNSET
        else:
            client_secret = self.client_secret

        next_action: dict[str, Any] | None | Unset
        if isinstance(self.next_action, Unset):
            next_action = UNSET
        elif isinstance(self.next_action, PaymentPendingResponseNextActionType0):
            next_action = self.next_action.to_dict()
        else:
            next_action = self.next_action

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bookingReference": booking_reference,
                "bookingStatus": booking_status,
                "paymentDeadline": payment_deadline,
                "status": status,
                "success": success,
            }
        )
        if client_secret is not UNSET:
            field_dict["clientSecret"] = client_secret
        if next_action is not UNSET:
            field_dict["nextAction"] = next_action

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_pending_response_next_action_type_0 import PaymentPendingResponseNextActionType0  # noqa: PLC0415

        d = dict(src_dict)
        booking_reference = d.pop("bookingReference")

        booking_status = d.pop("bookingStatus")

        payment_deadline = d.pop("paymentDeadline")

        status = d.pop("status")

        success = d.pop("success")

        def _parse_client_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_secret = _parse_client_secret(d.pop("clientSecret", UNSET))

        def _parse_next_action(data: object) -> None | PaymentPendingResponseNextActionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_action_type_0 = PaymentPendingResponseNextActionType0.from_dict(data)

                return next_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentPendingResponseNextActionType0 | Unset, data)

        next_action = _parse_next_action(d.pop("nextAction", UNSET))

        payment_pending_response = cls(
            booking_reference=booking_reference,
            booking_status=booking_status,
            payment_deadline=payment_deadline,
            status=status,
            success=success,
            client_secret=client_secret,
            next_action=next_action,
        )

        payment_pending_response.additional_properties = d
        return payment_pending_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
