from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChannelRelease")


@_attrs_define
class ChannelRelease:
    """
    Attributes:
        seat_ids (list[str] | None | Unset):
    """

    seat_ids: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seat_ids: list[str] | None | Unset
        if isinstance(self.seat_ids, Unset):
            seat_ids = UNSET
        elif isinstance(self.seat_ids, list):
            seat_ids = self.seat_ids

        else:
            seat_ids = self.seat_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if seat_ids is not UNSET:
            field_dict["seatIds"] = seat_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_seat_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                seat_ids_type_0 = cast(list[str], data)

                return seat_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        seat_ids = _parse_seat_ids(d.pop("seatIds", UNSET))

        channel_release = cls(
            seat_ids=seat_ids,
        )

        channel_release.additional_properties = d
        return channel_release

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
