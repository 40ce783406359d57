from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.confirm_request_payment_method import ConfirmRequestPaymentMethod, check_confirm_request_payment_method
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_details import UserDetails


T = TypeVar("T", bound="ConfirmRequest")


@_attrs_define
class ConfirmRequest:
    """
    Attributes:
        hold_id (UUID):
        user_details (UserDetails):
        payment_method (ConfirmRequestPaymentMethod | Unset):  Default: 'CARD'.
        session_token (None | str | Unset):
    """

    hold_id: UUID
    user_details: UserDetails
    payment_method: ConfirmRequestPaymentMethod | Unset = "CARD"
    session_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hold_id = str(self.hold_id)

        user_details = self.user_details.to_dict()

        payment_method: str | Unset = UNSET
        if not isinstance(self.payment_method, Unset):
            payment_method = self.payment_method

        session_token: None | str | Unset
        if isinstance(self.session_token, Unset):
            session_token = UNSET
        else:
            session_token = self.session_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "holdId": hold_id,
                "userDetails": user_details,
            }
        )
        if payment_method is not UNSET:
            field_dict["paymentMethod"] = payment_method
        if session_token is not UNSET:
            field_dict["sessionToken"] = session_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_details import UserDetails  # noqa: PLC0415

        d = dict(src_dict)
        hold_id = UUID(d.pop("holdId"))

        user_details = UserDetails.from_dict(d.pop("userDetails"))

        _payment_method = d.pop("paymentMethod", UNSET)
        payment_method: ConfirmRequestPaymentMethod | Unset
        if isinstance(_payment_method, Unset):
            payment_method = UNSET
        else:
            payment_method = check_confirm_request_payment_method(_payment_method)

        def _parse_session_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_token = _parse_session_token(d.pop("sessionToken", UNSET))

        confirm_request = cls(
            hold_id=hold_id,
            user_details=user_details,
            payment_method=payment_method,
            session_token=session_token,
        )

        confirm_request.additional_properties = d
        return confirm_request

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
