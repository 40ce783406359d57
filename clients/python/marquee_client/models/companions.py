from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Companions")


@_attrs_define
class Companions:
    """
    Attributes:
        companion_seat_ids (list[str]):
        wheelchair_seat_id (str):
    """

    companion_seat_ids: list[str]
    wheelchair_seat_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        companion_seat_ids = self.companion_seat_ids

        wheelchair_seat_id = self.wheelchair_seat_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "companionSeatIds": companion_seat_ids,
                "wheelchairSeatId": wheelchair_seat_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        companion_seat_ids = cast(list[str], d.pop("companionSeatIds"))

        wheelchair_seat_id = d.pop("wheelchairSeatId")

        companions = cls(
            companion_seat_ids=companion_seat_ids,
            wheelchair_seat_id=wheelchair_seat_id,
        )

        companions.additional_properties = d
        return companions

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
