from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.refund_info import RefundInfo


T = TypeVar("T", bound="CancelResponse")


@_attrs_define
class CancelResponse:
    """
    Attributes:
        booking_id (UUID):
        booking_reference (str):
        refund (None | RefundInfo):
        refund_amount (float):
        status (str):
    """

    booking_id: UUID
    booking_reference: str
    refund: None | RefundInfo
    refund_amount: float
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.refund_info import RefundInfo  # noqa: PLC0415

        booking_id = str(self.booking_id)

        booking_reference = self.booking_reference

        refund: dict[str, Any] | None
        if isinstance(self.refund, RefundInfo):
            refund = self.refund.to_dict()
        else:
            refund = self.refund

        refund_amount = self.refund_amount

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bookingId": booking_id,
                "bookingReference": booking_reference,
                "refund": refund,
                "refundAmount": refund_amount,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_info import RefundInfo  # noqa: PLC0415

        d = dict(src_dict)
        booking_id = UUID(d.pop("bookingId"))

        booking_reference = d.pop("bookingReference")

        def _parse_refund(data: object) -> None | RefundInfo:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refund_type_0 = RefundInfo.from_dict(data)

                return refund_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RefundInfo, data)

        refund = _parse_refund(d.pop("refund"))

        refund_amount = d.pop("refundAmount")

        status = d.pop("status")

        cancel_response = cls(
            booking_id=booking_id,
            booking_reference=booking_reference,
            refund=refund,
            refund_amount=refund_amount,
            status=status,
        )

        cancel_response.additional_properties = d
        return cancel_response

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
