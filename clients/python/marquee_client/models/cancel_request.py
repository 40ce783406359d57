from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cancel_request_reason_category_type_0 import (
    CancelRequestReasonCategoryType0,
    check_cancel_request_reason_category_type_0,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelRequest")


@_attrs_define
class CancelRequest:
    """
    Attributes:
        reason (str | Unset):  Default: ''.
        reason_category (CancelRequestReasonCategoryType0 | None | Unset):
        refund_amount (float | None | Unset):
    """

    reason: str | Unset = ""
    reason_category: CancelRequestReasonCategoryType0 | None | Unset = UNSET
    refund_amount: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        reason_category: None | str | Unset
        if isinstance(self.reason_category, Unset):
            reason_category = UNSET
        elif isinstance(self.reason_category, str):
            reason_category = self.reason_category
        else:
            reason_category = self.reason_category

        refund_amount: float | None | Unset
        if isinstance(self.refund_amount, Unset):
            refund_amount = UNSET
        else:
            refund_amount = self.refund_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if reason is not UNSET:
            field_dict["reason"] = reason
        if reason_category is not UNSET:
            field_dict["reasonCategory"] = reason_category
        if refund_amount is not UNSET:
            field_dict["refundAmount"] = refund_amount

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason", UNSET)

        def _parse_reason_category(data: object) -> CancelRequestReasonCategoryType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reason_category_type_0 = check_cancel_request_reason_category_type_0(data)

                return reason_category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CancelRequestReasonCategoryType0 | None | Unset, data)

        reason_category = _parse_reason_category(d.pop("reasonCategory", UNSET))

        def _parse_refund_amount(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        refund_amount = _parse_refund_amount(d.pop("refundAmount", UNSET))

        cancel_request = cls(
            reason=reason,
            reason_category=reason_category,
            refund_amount=refund_amount,
        )

        cancel_request.additional_properties = d
        return cancel_request

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
